/**
 * Two instances of the real bot in webhook mode, one PostgreSQL, one fake Bot API: a long answer sent by one is
 * paged by the other, a user's flood budget is shared, and /metrics counts on each.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { dropSchema, freshSchema, probePostgres, skipLine } from '../support/postgres.ts';
import { freePort, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550004444:AAInstancesTokenForTheTests_abcdefgh';
const SECRET = 'instances-secret-0123456789';
const ADMIN = 4242;
const ARTICLE = readFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt', 'utf8');
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
    bots.push(spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: 'http://bot.example.org/tg', WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: dbUrl.toString(), BOT_ADMINS: String(ADMIN) }));
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
    expect((await post(0, tap)).status).toBe(200);
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

  it('an article an admin previews on one instance and publishes on the other is answered by both within seconds, alerts once, and is undone on both', async () => {
    /** Ask `text` on `instance` until the answer matches (or 8 s pass), each time as another reader (flood control); the last answer. */
    let reader = 1000;
    const until = async (instance: number, text: string, ok: (answer: string) => boolean): Promise<string> => {
      const deadline = Date.now() + 8000;
      for (;;) {
        const chat = reader++;
        await post(instance, message(chat, text));
        const answer = api.sentTexts(chat).at(-1) ?? '';
        if (ok(answer) || Date.now() > deadline) return answer;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    // A reader with alerts for a district no article covers yet, subscribed through the other instance.
    await post(1, message(99, '/subscribe 綦江 即时'));
    expect(api.sentTexts(99).at(-1)).toContain('报道中还没有綦江区方面的内容');
    // And one whose alerts are for a district the new article does not name.
    await post(0, message(98, '/subscribe 潼南 即时'));
    expect(await until(1, '/district 綦江', () => true)).not.toMatch(/綦江区：报道中有/u);

    // The admin's article is a preview on one instance (ADD_NEEDS_PREVIEW); 发布 tapped on the other publishes it.
    await post(0, message(ADMIN, `/add\n${ARTICLE}`));
    const preview = api.sent(ADMIN).at(-1)!;
    expect(String(preview.params['text'])).toContain('预览：尚未发布');
    const publish = (preview.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
    expect(await until(0, '/district 綦江', () => true)).not.toMatch(/綦江区：报道中有/u);
    const tapPublish = { callback_query: { id: 'cb-pub', from: user(ADMIN), chat_instance: 'ci', data: publish, message: { message_id: 1, date: 1, chat: { id: ADMIN, type: 'private', first_name: 'u' }, text: 'x' } } };
    expect((await post(1, tapPublish)).status).toBe(200);
    const added = api.sent(ADMIN).at(-1)!;
    expect(String(added.params['text'])).toContain('已收录');
    const started = Date.now();
    expect(await until(0, '/district 綦江', (a) => a.includes('綦江区：报道中有'))).toMatch(/綦江区：报道中有/u);
    expect(Date.now() - started).toBeLessThan(5000);

    // Both instances now have the article; only the one that took it in first alerts, so the reader gets one alert.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const alerts = api.sentTexts(99).filter((t) => t.includes('🔔 新报道'));
    // On failure, what each instance logged about the article and its alerts.
    const logged = bots.map((b) => b.stdout().split('\n').filter((l) => /alert|article|shared/u.test(l)).join('\n')).join('\n----\n');
    expect(alerts, logged).toHaveLength(1);
    expect(api.sentTexts(98).filter((t) => t.includes('🔔 新报道'))).toEqual([]);

    // The undo button, tapped on the other instance, takes the article out of both.
    const undo = (added.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
    const tap = { callback_query: { id: 'cb-undo', from: user(ADMIN), chat_instance: 'ci', data: undo, message: { message_id: 1, date: 1, chat: { id: ADMIN, type: 'private', first_name: 'u' }, text: 'x' } } };
    expect((await post(0, tap)).status).toBe(200);
    expect(api.callsTo('answerCallbackQuery').at(-1)!.params['text']).toBe('已撤销，这篇文章不再参与查询。');
    expect(await until(0, '/district 綦江', () => true)).not.toMatch(/綦江区：报道中有/u);
    expect(await until(1, '/district 綦江', (a) => !a.includes('綦江区：报道中有'))).not.toMatch(/綦江区：报道中有/u);
  }, 40_000);

  it('each instance serves GET /metrics with its own counts', async () => {
    const [a, b] = await Promise.all(bases.map(async (base) => (await fetch(`${base}/metrics`)).text()));
    expect(a).toMatch(/reportbot_updates_total\{type="message",command="search",outcome="answered"\} 1/);
    // The 发布 tap went to the second instance only (the first showed the preview).
    expect(b).toMatch(/reportbot_updates_total\{type="callback_query",command="publish",outcome="answered"\} 1/);
    expect(a).toContain('reportbot_report_sections');
  });
});
