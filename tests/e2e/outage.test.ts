/**
 * A PostgreSQL outage, made by cutting a TCP proxy between the real bot and the database: searching, /help and
 * page buttons go on; subscription commands say the service is unavailable; /healthz says `degraded`. Restored,
 * everything comes back without a restart, and a database recreated empty meanwhile is migrated again.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.ts';
import { BOT_TEXT } from '../../src/render/replies.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { dropSchema, freshSchema, probePostgres, skipLine } from '../support/postgres.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { freePort, logLines, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550007777:AAOutageTokenForTheTests_abcdefghijklm';
const SECRET = 'outage-secret-0123456789';
const probe = await probePostgres();
const url = probe.url;
if (!url) {
  console.log(skipLine('the database outage end-to-end test', probe));
  it.skip(skipLine('the database outage end-to-end test', probe), () => {});
}

let api: FakeBotApi;
let proxy: TcpProxy;
let bot: BotProcess;
let base = '';
const schema = freshSchema();

beforeAll(async () => {
  if (!url) return;
  api = await FakeBotApi.start({ token: TOKEN });
  await (await PostgresStore.open({ connectionString: url, schema })).close();
  const direct = new URL(url);
  proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(url);
  viaProxy.port = String(proxy.port);
  viaProxy.searchParams.set('options', `-c search_path=${schema}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: 'http://bot.example.org/tg', WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: viaProxy.toString() });
  await bot.waitFor(/"msg":"bot started"/, 30_000);
}, 60_000);

afterAll(async () => {
  await bot?.stop('SIGKILL');
  await proxy?.close();
  await api?.close();
  if (url) await dropSchema(url, schema);
});

let nextId = 1;
/** One message from a reader of its own (flood control counts per user), in a private chat; the bot's replies to it. */
async function ask(text: string): Promise<string[]> {
  const chat = 9000 + nextId;
  const res = await fetch(`${base}/tg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify({ update_id: nextId++, message: { message_id: 1, date: 1, chat: { id: chat, type: 'private', first_name: 'u' }, from: { id: chat, is_bot: false, first_name: 'u' }, text } }),
  });
  expect(res.status).toBe(200);
  return api.sentTexts(chat);
}

async function healthz(): Promise<string> {
  const res = await fetch(`${base}/healthz`);
  return `${res.status} ${await res.text()}`;
}

/** Tables in the test schema, read directly (not through the proxy). */
async function tables(): Promise<string[]> {
  const client = new pg.Client({ connectionString: url! });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}

describe.runIf(url)('Through a PostgreSQL outage', () => {
  it('before it: searching and subscribing both work, /healthz is ok', async () => {
    expect((await ask('/district 潼南'))[0]).toContain('潼南区');
    expect((await ask('/subscribe'))[0]).toContain('已订阅');
    expect(await healthz()).toBe('200 ok');
  });

  it('during it: /district, /help, /about, page buttons and inline mode answer, subscription commands say the service is unavailable, /healthz says degraded', async () => {
    proxy.cut();
    expect((await ask('/district 潼南'))[0]).toContain('潼南区');
    expect((await ask('/help'))[0]).toContain('/district');
    expect((await ask('/about'))).toHaveLength(1);
    for (const command of ['/subscribe', '/subscription', '/unsubscribe']) expect(await ask(command)).toEqual([BOT_TEXT.storeDown]);
    // A long answer can still be paged: its pages are kept in this instance's memory.
    await ask('/search 发展');
    const chat = 9000 + nextId - 1;
    const keyboard = api.sent(chat).at(-1)!.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> };
    const next = keyboard.inline_keyboard[0]!.at(-1)!.callback_data;
    const tap = { update_id: nextId++, callback_query: { id: 'cb-outage', from: { id: chat, is_bot: false, first_name: 'u' }, chat_instance: 'ci', data: next, message: { message_id: 1, date: 1, chat: { id: chat, type: 'private', first_name: 'u' }, text: 'x' } } };
    await fetch(`${base}/tg`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(tap) });
    expect(api.callsTo('editMessageText', chat)).toHaveLength(1);
    expect(api.callsTo('answerCallbackQuery').at(-1)!.params['text']).toBeUndefined(); // not "expired"
    // Inline mode (`@ThisBot 潼南` in any chat) answers too; its flood control counts in memory.
    const inline = api.inlineQueryUpdate({ from: { id: 9999 }, query: '潼南' });
    await fetch(`${base}/tg`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify({ update_id: nextId++, ...inline }) });
    expect((api.inlineAnswers(inline.inline_query.id)[0]?.['results'] as unknown[] | undefined)?.length).toBeGreaterThan(0);
    expect(await healthz()).toBe('200 degraded: database unreachable');
    const lines = logLines(bot.stdout());
    expect(lines.filter((l) => String(l['msg']).startsWith('database unreachable'))).toHaveLength(1);
    expect(bot.stdout()).not.toContain('出错了');
    expect(api.callsTo('sendMessage').map((c) => String(c.params['text']))).not.toContain(BOT_TEXT.error);
  });

  it('after it: a database recreated empty is migrated again and subscribing works without a restart', async () => {
    // The schema dropped and created again, empty, while the bot cannot reach it.
    await dropSchema(url!, schema);
    const client = new pg.Client({ connectionString: url! });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    expect(await tables()).toEqual([]);

    proxy.restore();
    await expect.poll(healthz, { timeout: 15_000, interval: 250 }).toBe('200 ok');
    expect(await tables()).toContain('subscriptions');
    expect((await ask('/subscribe'))[0]).toContain('已订阅');
    expect((await ask('/district 潼南'))[0]).toContain('潼南区');
    expect(logLines(bot.stdout()).some((l) => String(l['msg']).startsWith('database reachable again'))).toBe(true);
  });
});
