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

let api: FakeBotApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const AT = Date.parse('2022-06-03T09:00:00+08:00');
function storeWith(...chatIds: number[]): MemorySubscriptionStore {
  const store = new MemorySubscriptionStore();
  for (const chatId of chatIds) store.subscribe({ chatId, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
  return store;
}

describe('Which digests are due', () => {
  it('those never tried today, left pending by a crash, or failed, but not sent, dropped or unsubscribed', () => {
    const store = storeWith(1, 2, 3, 4, 5, 6);
    store.begin(2, '2022-06-03', 's', 0); // pending: the process died mid-send
    store.begin(3, '2022-06-03', 's', 0);
    store.fail(3, '2022-06-03', '502', false, 0);
    store.begin(4, '2022-06-03', 's', 0);
    store.complete(4, '2022-06-03', 1, 0);
    store.begin(5, '2022-06-03', 's', 0);
    store.fail(5, '2022-06-03', 'rejected', true, 0);
    store.deactivate(6, 'unsubscribed', 0);
    expect(dueJobs(store, AT).map((j) => j.chatId)).toEqual([1, 2, 3]);
  });

  it('yesterday\'s unfinished digest is not due today: only today\'s is', () => {
    const store = storeWith(1);
    store.begin(1, '2022-06-02', 's', 0);
    expect(dueJobs(store, AT)).toEqual([{ chatId: 1, date: '2022-06-03' }]);
  });

  describe('just after midnight, when the bot was down across it', () => {
    // 2022-06-04 00:30 in Asia/Shanghai.
    const HALF_PAST_MIDNIGHT = Date.parse('2022-06-03T16:30:00Z');
    const late = (chatId: number, minutes = 23 * 60 + 59, at = 0) => {
      const store = new MemorySubscriptionStore();
      store.subscribe({ chatId, chatType: 'private', minutes, timezone: 'Asia/Shanghai', filter: null }, at);
      return store;
    };

    it('a 23:59 subscriber with no digest yesterday gets yesterday\'s, once', () => {
      const store = late(1);
      expect(dueJobs(store, HALF_PAST_MIDNIGHT)).toEqual([{ chatId: 1, date: '2022-06-03' }]);
      store.begin(1, '2022-06-03', 's', HALF_PAST_MIDNIGHT);
      store.complete(1, '2022-06-03', 1, HALF_PAST_MIDNIGHT);
      expect(dueJobs(store, HALF_PAST_MIDNIGHT + 60_000)).toEqual([]);
    });

    it('not once the two-hour grace is over, and not if yesterday\'s was sent or dropped', () => {
      expect(dueJobs(late(1), Date.parse('2022-06-03T18:00:00Z'))).toEqual([]); // 02:00
      const sent = late(1);
      sent.begin(1, '2022-06-03', 's', 0);
      sent.complete(1, '2022-06-03', 1, 0);
      expect(dueJobs(sent, HALF_PAST_MIDNIGHT)).toEqual([]);
      const dropped = late(1);
      dropped.begin(1, '2022-06-03', 's', 0);
      dropped.fail(1, '2022-06-03', 'rejected', true, 0);
      expect(dueJobs(dropped, HALF_PAST_MIDNIGHT)).toEqual([]);
    });

    it('not for a subscription made (or changed) after yesterday\'s time', () => {
      expect(dueJobs(late(1, 23 * 60 + 59, Date.parse('2022-06-03T16:10:00Z')), HALF_PAST_MIDNIGHT)).toEqual([]); // subscribed at 00:10
      expect(dueJobs(late(1, 23 * 60, Date.parse('2022-06-03T15:30:00Z')), HALF_PAST_MIDNIGHT)).toEqual([]); // at 23:30 for 23:00
    });

    it('never yesterday\'s and today\'s together: once today\'s time has come, only today\'s', () => {
      expect(dueJobs(late(1, 10), HALF_PAST_MIDNIGHT)).toEqual([{ chatId: 1, date: '2022-06-04' }]);
    });
  });

  it('each subscription is read in its own time zone', () => {
    const store = new MemorySubscriptionStore();
    store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
    store.subscribe({ chatId: 2, chatType: 'private', minutes: 480, timezone: 'Europe/London', filter: null }, 0);
    // 09:00 in Shanghai is 02:00 in London.
    expect(dueJobs(store, AT).map((j) => j.chatId)).toEqual([1]);
  });
});

describe('The running scheduler', () => {
  it('wakes on its cron pattern, sends what is due, and stops waking after stop()', async () => {
    api = await FakeBotApi.start();
    const store = storeWith(1);
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
    store.subscribe({ chatId: 2, chatType: 'private', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, 0);
    await new Promise((r) => setTimeout(r, 1200));
    expect(api.sent(2)).toHaveLength(0);
  });
});
