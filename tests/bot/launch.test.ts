import { Writable } from 'node:stream';
import { Telegraf } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/bot/launch.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let api: FakeBotApi;
let logs: string[];
const logger = () => createLogger({ level: 'info', token: TOKEN, destination: new Writable({ write(c, _e, done) { logs.push(String(c)); done(); } }) });

beforeEach(async () => { api = await FakeBotApi.start({ token: TOKEN }); logs = []; });
afterEach(async () => { await api.close(); });

describe('registerCommands', () => {
  it('publishes the default list and the Chinese one', async () => {
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: api.apiRoot } });
    expect(await registerCommands(bot, logger())).toBe(true);
    const [plain, zh] = api.callsTo('setMyCommands');
    expect(plain?.params['language_code']).toBeUndefined();
    expect(zh?.params['language_code']).toBe('zh');
    expect((zh?.params['commands'] as Array<{ command: string; description: string }>).find((c) => c.command === 'district')?.description).toBe('按区县查找报道内容');
  });

  it('logs a failure and carries on instead of throwing', async () => {
    api.fail({ method: 'setMyCommands' }, { kind: 'bad_request', description: 'BOT_COMMAND_INVALID' });
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: api.apiRoot } });
    expect(await registerCommands(bot, logger())).toBe(false);
    expect(logs.join('')).toContain('setMyCommands failed');
  });
});
