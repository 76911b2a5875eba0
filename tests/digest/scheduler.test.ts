import { afterEach, describe, expect, it } from 'vitest';
import { Telegram } from 'telegraf';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { DigestSender } from '../../src/digest/sender.ts';
import { DigestScheduler, dueJobs } from '../../src/digest/scheduler.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import { telegramSendApi } from '../../src/digest/telegram.ts';
import { virtualClock } from './clock.ts';
import { fixtureReport } from './fixture.ts';
import { subscriber } from '../../src/store/types.ts';

let api: FakeBotApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const AT = Date.parse('2022-06-03T09:00:00+08:00');
async function storeWith(...chatIds: number[]): Promise<MemorySubscriptionStore> {
  const store = new MemorySubscriptionStore();
  for (const chatId of chatIds) (await store.subscribe({ chatId, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0));
  return store;
}

describe('Which digests are due', () => {
  it('those never tried today, left pending by a crash, or failed, but not sent, dropped or unsubscribed', async () => {
    const store = await storeWith(1, 2, 3, 4, 5, 6);
    await store.begin(subscriber(2), '2022-06-03', 's', 0); // pending: the process died mid-send
    await store.begin(subscriber(3), '2022-06-03', 's', 0);
    await store.fail(subscriber(3), '2022-06-03', '502', false, 0);
    await store.begin(subscriber(4), '2022-06-03', 's', 0);
    await store.complete(subscriber(4), '2022-06-03', 1, 0);
    await store.begin(subscriber(5), '2022-06-03', 's', 0);
    await store.fail(subscriber(5), '2022-06-03', 'rejected', true, 0);
    await store.deactivate(subscriber(6), 'unsubscribed', 0);
    expect((await dueJobs(store, AT)).map((j) => j.chatId)).toEqual([1, 2, 3]);
  });

  it('each forum topic is due at its own time and by its own ledger rows', async () => {
    const store = new MemorySubscriptionStore();
    const forum = -1001234567890;
    for (const [threadId, minutes] of [[77, 480], [78, 480], [79, 600], [null, 480]] as const) {
      await store.subscribe({ chatId: forum, chatType: 'supergroup', threadId, minutes, timezone: 'Asia/Shanghai', filter: null }, 0);
    }
    await store.begin(subscriber(forum, 78), '2022-06-03', 's', 0);
    await store.complete(subscriber(forum, 78), '2022-06-03', 1, 0); // this topic has had today's
    expect(await dueJobs(store, AT)).toEqual([
      { chatId: forum, threadId: null, date: '2022-06-03' },
      { chatId: forum, threadId: 77, date: '2022-06-03' },
    ]); // 79's time (10:00) has not come
  });

  it('yesterday\'s unfinished digest is not due today: only today\'s is', async () => {
    const store = await storeWith(1);
    await store.begin(subscriber(1), '2022-06-02', 's', 0);
    expect(await dueJobs(store, AT)).toEqual([{ chatId: 1, threadId: null, date: '2022-06-03' }]);
  });

  describe('just after midnight, when the bot was down across it', () => {
    // 2022-06-04 00:30 in Asia/Shanghai.
    const HALF_PAST_MIDNIGHT = Date.parse('2022-06-03T16:30:00Z');
    const late = async (chatId: number, minutes = 23 * 60 + 59, at = 0) => {
      const store = new MemorySubscriptionStore();
      await store.subscribe({ chatId, chatType: 'private', minutes, timezone: 'Asia/Shanghai', filter: null }, at);
      return store;
    };

    it('a 23:59 subscriber with no digest yesterday gets yesterday\'s, once', async () => {
      const store = await late(1);
      expect(await dueJobs(store, HALF_PAST_MIDNIGHT)).toEqual([{ chatId: 1, threadId: null, date: '2022-06-03' }]);
      await store.begin(subscriber(1), '2022-06-03', 's', HALF_PAST_MIDNIGHT);
      await store.complete(subscriber(1), '2022-06-03', 1, HALF_PAST_MIDNIGHT);
      expect(await dueJobs(store, HALF_PAST_MIDNIGHT + 60_000)).toEqual([]);
    });

    it('not once the two-hour grace is over, and not if yesterday\'s was sent or dropped', async () => {
      expect(await dueJobs(await late(1), Date.parse('2022-06-03T18:00:00Z'))).toEqual([]); // 02:00
      const sent = await late(1);
      await sent.begin(subscriber(1), '2022-06-03', 's', 0);
      await sent.complete(subscriber(1), '2022-06-03', 1, 0);
      expect(await dueJobs(sent, HALF_PAST_MIDNIGHT)).toEqual([]);
      const dropped = await late(1);
      await dropped.begin(subscriber(1), '2022-06-03', 's', 0);
      await dropped.fail(subscriber(1), '2022-06-03', 'rejected', true, 0);
      expect(await dueJobs(dropped, HALF_PAST_MIDNIGHT)).toEqual([]);
    });

    it('not for a subscription made (or changed) after yesterday\'s time', async () => {
      expect(await dueJobs(await late(1, 23 * 60 + 59, Date.parse('2022-06-03T16:10:00Z')), HALF_PAST_MIDNIGHT)).toEqual([]); // subscribed at 00:10
      expect(await dueJobs(await late(1, 23 * 60, Date.parse('2022-06-03T15:30:00Z')), HALF_PAST_MIDNIGHT)).toEqual([]); // at 23:30 for 23:00
    });

    it('never yesterday\'s and today\'s together: once today\'s time has come, only today\'s', async () => {
      expect(await dueJobs(await late(1, 10), HALF_PAST_MIDNIGHT)).toEqual([{ chatId: 1, threadId: null, date: '2022-06-04' }]);
    });
  });

  it('each subscription is read in its own time zone', async () => {
    const store = new MemorySubscriptionStore();
    await store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
    await store.subscribe({ chatId: 2, chatType: 'private', minutes: 480, timezone: 'Europe/London', filter: null }, 0);
    // 09:00 in Shanghai is 02:00 in London.
    expect((await dueJobs(store, AT)).map((j) => j.chatId)).toEqual([1]);
  });
});

describe('The running scheduler', () => {
  it('wakes on its cron pattern, sends what is due, and stops waking after stop()', async () => {
    api = await FakeBotApi.start();
    const store = await storeWith(1);
    const clock = virtualClock('2022-06-03T01:00:00Z');
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(fixtureReport(), store), clock });
    const runs: number[] = [];
    // Every second instead of every minute, so the test is quick.
    const scheduler = new DigestScheduler({ store, sender, clock, pattern: '* * * * * *', onRun: (s) => runs.push(s.sent) });
    scheduler.start();
    const deadline = Date.now() + 3000;
    while (api.sent().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop();
    expect(api.sent(1)).toHaveLength(1);
    expect(runs).toEqual([1]);
    await store.subscribe({ chatId: 2, chatType: 'private', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, 0);
    await new Promise((r) => setTimeout(r, 1200));
    expect(api.sent(2)).toHaveLength(0);
  });
});
