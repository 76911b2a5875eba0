/**
 * Two instances of the real bot in webhook mode, one PostgreSQL, one fake Bot API: a long answer sent by one is
 * paged by the other, a user's flood budget is shared, and /metrics counts on each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { dropSchema, freshSchema, probePostgres, skipLine } from '../support/postgres.ts';
import { freePort, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550004444:AAInstancesTokenForTheTests_abcdefgh';
const SECRET = 'instances-secret-0123456789';
const probe = await probePostgres();
const url = probe.url;
if (!url) {
  console.log(skipLine('the two-instance end-to-end test', probe));
  it.skip(skipLine('the two-instance end-to-end test', probe), () => {});
}

let api: FakeBotApi;
const bots: BotProcess[] = [];
const bases: string[] = [];
const schema = freshSchema();

beforeAll(async () => {
  if (!url) return;
  api = await FakeBotApi.start({ token: TOKEN });
  // The schema must exist before the bots start (DATABASE_URL selects it with search_path).
  await (await PostgresStore.open({ connectionString: url, schema })).close();
  const dbUrl = new URL(url);
  dbUrl.searchParams.set('options', `-c search_path=${schema}`);
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    bases.push(`http://127.0.0.1:${port}`);
    bots.push(spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: 'http://bot.example.org/tg', WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: dbUrl.toString() }));
  }
  await Promise.all(bots.map((b) => b.waitFor(/"msg":"bot started"/, 30_000)));
}, 60_000);

afterAll(async () => {
  for (const b of bots) await b.stop('SIGKILL');
  await api?.close();
  if (url) await dropSchema(url, schema);
});

let nextId = 1;
function post(instance: number, update: Record<string, unknown>): Promise<Response> {
  return fetch(`${bases[instance]}/tg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify({ update_id: nextId++, ...update }),
  });
}
const user = (id: number) => ({ id, is_bot: false, first_name: 'u' });
const message = (chat: number, text: string) => ({ message: { message_id: nextId, date: 1, chat: { id: chat, type: 'private', first_name: 'u' }, from: user(chat), text } });

describe.runIf(url)('Two instances behind one webhook URL', () => {
  it('a long answer sent by one instance is paged by the other', async () => {
    expect((await post(0, message(77, '/search 发展'))).status).toBe(200);
    const first = api.sent(77).at(-1)!;
    const next = (first.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]!.at(-1)!.callback_data;
    const tap = { callback_query: { id: 'cb1', from: user(77), chat_instance: 'ci', data: next, message: { message_id: 1, date: 1, chat: { id: 77, type: 'private', first_name: 'u' }, text: 'x' } } };
    expect((await post(1, tap)).status).toBe(200);
    const edit = api.callsTo('editMessageText').at(-1);
    expect(String(edit?.params['text'])).not.toBe(String(first.params['text'])); // page 2, not page 1 again
    expect(api.callsTo('answerCallbackQuery').at(-1)!.params['text']).toBeUndefined(); // not the "expired" toast
  });

  it('a user sending to both instances is limited once: the 7th message in 10 s gets the notice', async () => {
    for (let i = 0; i < 6; i++) await post(i % 2, message(88, `/district 潼南`));
    expect(api.sent(88)).toHaveLength(6);
    await post(0, message(88, '/district 潼南'));
    expect(api.sentTexts(88).at(-1)).toContain('太频繁');
  });

  it('each instance serves GET /metrics with its own counts', async () => {
    const [a, b] = await Promise.all(bases.map(async (base) => (await fetch(`${base}/metrics`)).text()));
    expect(a).toMatch(/reportbot_updates_total\{type="message",command="search",outcome="answered"\} 1/);
    expect(b).toMatch(/reportbot_updates_total\{type="callback_query",command="page",outcome="answered"\} 1/);
    expect(a).toContain('reportbot_report_sections');
  });
});
