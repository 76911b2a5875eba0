/** The real bot process against the fake Bot API with injected faults: it retries what Telegram says to retry and gives up on the rest. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550002222:AAFaultInjectionTokenForTests_abcdefgh';

let api: FakeBotApi;
let bot: BotProcess;

function message(chatId: number, text: string): Record<string, unknown> {
  return { message: { message_id: Math.floor(Math.random() * 1e6), date: 1, chat: { id: chatId, type: 'private', first_name: 'u' }, from: { id: chatId, is_bot: false, first_name: 'u' }, text } };
}

/** Wait until `predicate` holds (polling the recorded calls). */
async function until(predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms; calls: ${api.calls.map((c) => `${c.method}:${c.status}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN });
  // Both command menus fail: the bot must start anyway.
  api.fail({ method: 'setMyCommands' }, { kind: 'server_error' });
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot });
  await bot.waitFor(/"msg":"bot started"/, 20_000);
});

afterAll(async () => {
  await bot.stop('SIGKILL');
  await api.close();
});

describe('With a failing Bot API', () => {
  it('starts and answers even though setMyCommands fails', async () => {
    api.pushUpdate(message(501, '/district 潼南'));
    await until(() => api.sent(501).length === 1);
    expect(api.callsTo('setMyCommands')[0]?.status).toBe(500);
    expect(api.sentTexts(501)[0]).toContain('潼南区');
  });

  it('waits retry_after on a 429 and then delivers', async () => {
    api.fail({ method: 'sendMessage', chatId: 502, times: 1 }, { kind: 'retry_after', seconds: 1 });
    api.pushUpdate(message(502, '/topic 教育'));
    await until(() => api.sent(502).length === 1);
    const [first, second] = api.callsTo('sendMessage', 502);
    expect([first?.status, second?.status]).toEqual([429, 200]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500 and then delivers', async () => {
    api.fail({ method: 'sendMessage', chatId: 503, times: 1 }, { kind: 'server_error' });
    api.pushUpdate(message(503, '/about'));
    await until(() => api.sent(503).length === 1);
    expect(api.callsTo('sendMessage', 503).map((c) => c.status)).toEqual([500, 200]);
  });

  it('gives up on a 403 (blocked) without retrying, and keeps serving others', async () => {
    api.fail({ method: 'sendMessage', chatId: 504 }, { kind: 'blocked' });
    api.pushUpdate(message(504, '/help'));
    api.pushUpdate(message(505, '/help'));
    await until(() => api.sent(505).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(api.callsTo('sendMessage', 504).map((c) => c.status)).toEqual([403]);
  });

  it('gives up after three 500s, tries the error reply once, and logs the update id without the token', async () => {
    api.fail({ method: 'sendMessage', chatId: 506 }, { kind: 'server_error' });
    const updateId = api.pushUpdate(message(506, '/search 发展'));
    // Three tries of the answer, then one try of the error reply.
    await until(() => api.callsTo('sendMessage', 506).length === 4, 10_000);
    await bot.waitFor(new RegExp(`"update_id":${updateId}.*"msg":"handler failed"`));
    expect(bot.stdout()).not.toContain(TOKEN.split(':')[1]);
    const line = await bot.waitFor(new RegExp(`"update_id":${updateId},.*"msg":"update"`));
    expect(JSON.parse(line)).toMatchObject({ failed: true, command: 'search' });
  });
});

describe('With a token Telegram rejects', () => {
  it('exits 1 at start-up, naming TELEGRAM_BOT_TOKEN and never printing it', async () => {
    const other = spawnBot({ TELEGRAM_BOT_TOKEN: '5550009999:AAWrongTokenWrongTokenWrongToken_xyz', TELEGRAM_API_ROOT: api.apiRoot });
    expect(await other.exited).toBe(1);
    expect(other.stderr()).toContain('TELEGRAM_BOT_TOKEN');
    expect(other.stderr() + other.stdout()).not.toContain('AAWrongTokenWrongTokenWrongToken_xyz');
  });
});

describe('When another instance takes over the updates', () => {
  it('exits 1 instead of idling without updates', async () => {
    const solo = await FakeBotApi.start({ token: TOKEN });
    solo.fail({ method: 'getUpdates' }, { kind: 'bad_request', description: 'Conflict: terminated by other getUpdates request' });
    const other = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: solo.apiRoot });
    expect(await other.exited).toBe(1);
    expect(other.stdout()).toContain('polling stopped with an error');
    await solo.close();
  });
});
