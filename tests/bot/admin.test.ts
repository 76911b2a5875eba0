import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { adminComposer, ADMIN_TEXT } from '../../src/bot/admin.ts';
import { createLogger } from '../../src/logger.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { dm, DM_USER, group, setup, TOKEN, type Setup } from './support.ts';
import { subscriber } from '../../src/store/types.ts';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const silent = createLogger({ level: 'silent', token: TOKEN, destination: new Writable({ write: (_c, _e, done) => done() }) });
/** 2022-06-03 12:00 in Asia/Shanghai. */
const NOON = Date.parse('2022-06-03T04:00:00Z');

async function withStats(admins: readonly number[]) {
  const store = new MemorySubscriptionStore();
  await store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
  await store.subscribe({ chatId: -5, chatType: 'group', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
  for (const threadId of [7, 8]) await store.subscribe({ chatId: -1009, chatType: 'supergroup', threadId, minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
  await store.begin(subscriber(1), '2022-06-03', 's', 0);
  await store.complete(subscriber(1), '2022-06-03', 7, 0);
  for (let i = 0; i < 3; i++) await store.recordUse({ chatId: 1, chatType: 'private', command: 'district', date: '2022-06-03', at: NOON });
  await store.recordUse({ chatId: -5, chatType: 'group', command: 'topic', date: '2022-06-01', at: NOON });
  s = await setup({ features: [adminComposer({ store, admins, now: () => NOON, timezone: 'Asia/Shanghai', logger: silent })] });
  return s;
}

describe('/stats', () => {
  it('tells an admin the subscribers, chats, today\'s digests and the busiest commands', async () => {
    const s = await withStats([DM_USER.id]);
    await s.send(dm('/stats'));
    const text = String(s.api.sent().at(-1)!.params['text']);
    expect(text).toContain('订阅：4（私聊 1，群组 1，超级群组 2；其中论坛话题 2）');
    expect(text).toContain('聊天：共 2，近 7 天活跃 2');
    expect(text).toContain('今日摘要（2022-06-03）：已发送 1');
    expect(text).toContain('/district 3，/topic 1');
    expect(s.engineCalls).toEqual([]); // not taken for an unknown command or a search
  });

  it('refuses anyone else in a private chat, and stays silent in a group', async () => {
    const s = await withStats([999]);
    await s.send(dm('/stats'));
    expect(s.api.sent().at(-1)!.params['text']).toBe(ADMIN_TEXT.notAdmin);
    await s.send(group('/stats@report_test_bot'));
    expect(s.api.sent()).toHaveLength(1);
  });

  it('with no BOT_ADMINS, nobody may use it', async () => {
    const s = await withStats([]);
    await s.send(dm('/stats'));
    expect(s.api.sent().at(-1)!.params['text']).toBe(ADMIN_TEXT.notAdmin);
  });
});
