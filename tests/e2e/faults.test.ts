/**
 * The real bot process against the fake Bot API with injected faults: it retries what Telegram says to retry and gives up on the rest.
 * And a forum whose topics subscribe on their own: after a restart on the same data each topic gets its digest in its topic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550002222:AAFaultInjectionTokenForTests_abcdefgh';

let api: FakeBotApi;
let bot: BotProcess;

function message(chatId: number, text: string): Record<string, unknown> {
  return { message: { message_id: Math.floor(Math.random() * 1e6), date: 1, chat: { id: chatId, type: 'private', first_name: 'u' }, from: { id: chatId, is_bot: false, first_name: 'u' }, text } };
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
    await api.until(() => api.sent(501).length === 1);
    expect(api.callsTo('setMyCommands')[0]?.status).toBe(500);
    expect(api.sentTexts(501)[0]).toContain('潼南区');
  });

  it('waits retry_after on a 429 and then delivers', async () => {
    api.fail({ method: 'sendMessage', chatId: 502, times: 1 }, { kind: 'retry_after', seconds: 1 });
    api.pushUpdate(message(502, '/topic 教育'));
    await api.until(() => api.sent(502).length === 1);
    const [first, second] = api.callsTo('sendMessage', 502);
    expect([first?.status, second?.status]).toEqual([429, 200]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500 and then delivers', async () => {
    api.fail({ method: 'sendMessage', chatId: 503, times: 1 }, { kind: 'server_error' });
    api.pushUpdate(message(503, '/about'));
    await api.until(() => api.sent(503).length === 1);
    expect(api.callsTo('sendMessage', 503).map((c) => c.status)).toEqual([500, 200]);
  });

  it('gives up on a 403 (blocked) without retrying, and keeps serving others', async () => {
    api.fail({ method: 'sendMessage', chatId: 504 }, { kind: 'blocked' });
    api.pushUpdate(message(504, '/help'));
    api.pushUpdate(message(505, '/help'));
    await api.until(() => api.sent(505).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(api.callsTo('sendMessage', 504).map((c) => c.status)).toEqual([403]);
  });

  it('gives up after three 500s, tries the error reply once, and logs the update id without the token', async () => {
    api.fail({ method: 'sendMessage', chatId: 506 }, { kind: 'server_error' });
    const updateId = api.pushUpdate(message(506, '/search 发展'));
    // Three tries of the answer, then one try of the error reply.
    await api.until(() => api.callsTo('sendMessage', 506).length === 4, 10_000);
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

describe('In a forum whose topics subscribe on their own', () => {
  const FORUM = -1001555000111;
  const ADMIN = 4243;
  let nextMessage = 1;
  /** An admin's command in a forum topic (null: General). */
  const inTopic = (threadId: number | null, text: string) => ({
    message: {
      message_id: nextMessage++,
      date: 1,
      chat: { id: FORUM, type: 'supergroup', title: '论坛', is_forum: true },
      from: { id: ADMIN, is_bot: false, first_name: 'admin' },
      text,
      ...(threadId === null ? {} : { message_thread_id: threadId, is_topic_message: true }),
    },
  });

  it('two topics subscribe apart, and after a restart each gets its digest in its own topic, with its own filter', async () => {
    // Its own Bot API and data: two bots polling one token would take each other's updates.
    const forumApi = await FakeBotApi.start({ token: TOKEN });
    const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-forum-'));
    const bots: BotProcess[] = [];
    try {
      forumApi.setMember(FORUM, ADMIN, 'administrator');
      const env = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: forumApi.apiRoot, DATA_DIR: dataDir };
      const first = spawnBot(env);
      bots.push(first);
      await first.waitFor(/"msg":"bot started"/, 20_000);
      // 00:00: due at once, whatever the time of day the test runs.
      forumApi.pushUpdate(inTopic(77, '/subscribe 00:00 潼南'));
      forumApi.pushUpdate(inTopic(78, '/subscribe 00:00'));
      const replies = () => forumApi.sent(FORUM).filter((c) => c.params['reply_parameters']);
      const digests = () => forumApi.sent(FORUM).filter((c) => !c.params['reply_parameters']);
      await forumApi.until(() => replies().length === 2, 8000);
      expect(replies().map((c) => c.params['message_thread_id'])).toEqual([77, 78]);
      expect(String(replies()[1]!.params['text'])).toContain('本群另有 1 个话题订阅了每日摘要');
      // The digests are due from the next wake-up (every minute): a restart's first one, on the same data.
      expect(await first.stop('SIGTERM')).toBe(0);
      const second = spawnBot(env);
      bots.push(second);
      await second.waitFor(/"msg":"bot started"/, 20_000);
      await forumApi.until(() => digests().length === 2, 10_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(digests()).toHaveLength(2); // one each, none to General
      const byTopic = new Map(digests().map((c) => [c.params['message_thread_id'], String(c.params['text'])]));
      expect([...byTopic.keys()].sort()).toEqual([77, 78]);
      for (const text of byTopic.values()) expect(text).toContain('📰 每日摘要');
      expect(byTopic.get(77)).toContain('筛选：潼南区');
      expect(byTopic.get(78)).not.toContain('筛选');
      expect(await second.stop('SIGTERM')).toBe(0);
    } finally {
      for (const b of bots) await b.stop('SIGKILL');
      await forumApi.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
