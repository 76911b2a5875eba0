import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreFloodGuard } from '../../src/bot/flood.ts';
import { StorePages } from '../../src/bot/pages.ts';
import { SqliteSubscriptionStore } from '../../src/store/sqlite.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { BOT_USERNAME, dm, press, setup, TOKEN, type Setup } from './support.ts';

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Two bots (instances) on one fake Bot API, each with its own connection to one store on disk. */
async function twoInstances(): Promise<{ api: FakeBotApi; a: Setup; b: Setup; restart: () => Promise<Setup> }> {
  const dir = mkdtempSync(join(tmpdir(), 'instances-'));
  dirs.push(dir);
  const api = await FakeBotApi.start({ token: TOKEN, username: BOT_USERNAME });
  closers.push(() => api.close());
  const instance = async () => {
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    closers.push(() => store.close());
    return setup({ api, pages: new StorePages(store), flood: new StoreFloodGuard(store, 'msg') });
  };
  return { api, a: await instance(), b: await instance(), restart: instance };
}

function nextButton(api: FakeBotApi): string {
  return (api.sent().at(-1)!.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]!.at(-1)!.callback_data;
}

describe('Several instances sharing one store', () => {
  it('下一页 works on the instance that did not send the answer, and after a restart', async () => {
    const { api, a, b, restart } = await twoInstances();
    await a.send(dm('/search many'));
    const data = nextButton(api);
    await b.send(press(data, 1));
    expect(String(api.callsTo('editMessageText').at(-1)!.params['text'])).toContain('4. 钟熙');
    const fresh = await restart();
    await fresh.send(press(data.replace(/:1$/, ':2'), 1));
    expect(api.callsTo('editMessageText')).toHaveLength(2);
    expect(api.callsTo('answerCallbackQuery').map((c) => c.params['text'] ?? null)).toEqual([null, null]);
  });

  it('flood control counts a user across instances: the 7th message in 10 s gets the notice, wherever it lands', async () => {
    const { api, a, b } = await twoInstances();
    for (let i = 0; i < 6; i++) await (i % 2 ? a : b).send(dm(`/search q${i}`));
    expect(api.sent()).toHaveLength(6);
    await a.send(dm('/search q6'));
    expect(String(api.sent().at(-1)!.params['text'])).toMatch(/太快|稍等|频繁/);
    await b.send(dm('/search q7'));
    expect(api.sent()).toHaveLength(7);
  });
});
