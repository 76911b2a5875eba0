import { afterEach, describe, expect, it } from 'vitest';
import { Telegram } from 'telegraf';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { DigestSender, type SendApi, type SenderOptions, type SendEvent } from '../../src/digest/sender.ts';
import { DigestScheduler } from '../../src/digest/scheduler.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import { SendTimeoutError, telegramSendApi } from '../../src/digest/telegram.ts';
import { systemClock } from '../../src/digest/clock.ts';
import { storeLease } from '../../src/digest/lease.ts';
import { hostname } from 'node:os';
import { subscriber, type SubscribeInput, type Subscriber } from '../../src/store/types.ts';
import { simulatedClock, virtualClock } from './clock.ts';
import { fixtureReport } from './fixture.ts';

const report = fixtureReport();
let api: FakeBotApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** 2022-06-03 08:00 in Asia/Shanghai. */
const EIGHT_AM = '2022-06-03T00:00:00Z';

async function setup(options: { start?: string; sender?: Partial<SenderOptions> } = {}) {
  api = await FakeBotApi.start({ strictHtml: true });
  const store = new MemorySubscriptionStore();
  const clock = simulatedClock(options.start ?? EIGHT_AM);
  const events: Array<SendEvent & { at: number }> = [];
  // Virtual time stands still while a request to the local fake API is out, so its calls are instantaneous.
  const http = telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot }));
  const sender = new DigestSender({
    store,
    api: { sendMessage: (chatId, html, o) => clock.track(http.sendMessage(chatId, html, o)) },
    compose: makeCompose(report, store),
    clock,
    onEvent: (e) => events.push({ ...e, at: clock.now() }),
    ...options.sender,
  });
  const scheduler = new DigestScheduler({ store, sender, clock });
  const subscribe = (chatId: number, overrides: Partial<SubscribeInput> = {}) =>
    store.subscribe({ chatId, chatType: chatId > 0 ? 'private' : 'group', minutes: 480, timezone: 'Asia/Shanghai', filter: null, ...overrides }, clock.now());
  return { api, store, clock, events, sender, scheduler, subscribe };
}

describe('When the scheduler wakes up', () => {
  it('a DM and a group get exactly one digest at their time, and nothing more that day', async () => {
    const { api, scheduler, subscribe, clock } = await setup({ start: '2022-06-02T23:59:00Z' });
    subscribe(1);
    subscribe(-100);
    expect(await scheduler.tick()).toBeNull(); // 07:59: not yet
    expect(api.sent()).toHaveLength(0);
    clock.set(EIGHT_AM);
    expect((await scheduler.tick())?.sent).toBe(2);
    for (const minutes of [1, 2, 60, 600]) {
      clock.set(new Date(Date.parse(EIGHT_AM) + minutes * 60_000).toISOString());
      await scheduler.tick();
    }
    expect(api.sent(1)).toHaveLength(1);
    expect(api.sent(-100)).toHaveLength(1);
    expect(api.callsTo('sendMessage')[0]?.params['parse_mode']).toBe('HTML');
  });

  it('the next day brings the next section of the rotation', async () => {
    const { api, scheduler, subscribe, clock, store } = await setup();
    subscribe(1);
    await scheduler.tick();
    clock.set('2022-06-04T00:00:00Z');
    await scheduler.tick();
    const [d1, d2] = [(await store.delivery(subscriber(1), '2022-06-03')), (await store.delivery(subscriber(1), '2022-06-04'))];
    expect(d1?.status).toBe('sent');
    expect(d2?.status).toBe('sent');
    expect(d1?.sectionId).not.toBe(d2?.sectionId);
    expect(api.sentTexts(1)[0]).not.toBe(api.sentTexts(1)[1]);
  });

  it('a chat at 23:59 and a chat at 00:01 each get one digest per local day, dated in Asia/Shanghai', async () => {
    const { api, scheduler, subscribe, clock, store } = await setup({ start: '2022-06-02T16:01:00Z' }); // 06-03 00:01
    subscribe(2359, { minutes: 23 * 60 + 59 });
    subscribe(1, { minutes: 1 });
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
    expect((await store.delivery(subscriber(1), '2022-06-03'))?.status).toBe('sent');
    clock.set('2022-06-03T15:58:00Z'); // 23:58
    await scheduler.tick();
    expect(api.sent(2359)).toHaveLength(0);
    clock.set('2022-06-03T15:59:00Z'); // 23:59
    await scheduler.tick();
    expect(api.sent(2359)).toHaveLength(1);
    expect((await store.delivery(subscriber(2359), '2022-06-03'))?.status).toBe('sent');
    clock.set('2022-06-03T16:00:00Z'); // 00:00 of 06-04: neither is due yet
    await scheduler.tick();
    expect(api.sent()).toHaveLength(2);
    clock.set('2022-06-03T16:01:00Z'); // 00:01 of 06-04
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(2);
    expect((await store.delivery(subscriber(1), '2022-06-04'))?.status).toBe('sent');
    expect(api.sent(2359)).toHaveLength(1);
  });

  it('after days of downtime each chat catches up once, with today\'s digest only', async () => {
    const { api, scheduler, subscribe, clock, store } = await setup();
    subscribe(1);
    await scheduler.tick();
    clock.set('2022-06-07T04:00:00Z'); // four days later, 12:00 local
    await scheduler.tick();
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(2);
    expect(await store.delivery(subscriber(1), '2022-06-04')).toBeNull();
    expect((await store.delivery(subscriber(1), '2022-06-07'))?.status).toBe('sent');
  });

  it('a 23:59 subscriber gets yesterday\'s digest after downtime across midnight, and today\'s at 23:59 as usual', async () => {
    const { api, scheduler, subscribe, clock, store } = await setup({ start: '2022-06-03T10:00:00Z' }); // 18:00
    subscribe(2359, { minutes: 23 * 60 + 59 });
    clock.set('2022-06-03T16:40:00Z'); // the bot was down from 23:50 to 00:40
    expect((await scheduler.tick())?.sent).toBe(1);
    expect((await store.delivery(subscriber(2359), '2022-06-03'))?.status).toBe('sent');
    for (const at of ['2022-06-03T16:41:00Z', '2022-06-03T17:59:00Z', '2022-06-04T15:58:00Z']) {
      clock.set(at);
      await scheduler.tick();
    }
    expect(api.sent(2359)).toHaveLength(1);
    clock.set('2022-06-04T15:59:00Z'); // 23:59 of 06-04
    await scheduler.tick();
    expect(api.sent(2359)).toHaveLength(2);
    expect((await store.delivery(subscriber(2359), '2022-06-04'))?.status).toBe('sent');
    expect(api.sentTexts(2359)[0]).not.toBe(api.sentTexts(2359)[1]);
  });

  it('an unsubscribed chat gets nothing', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup();
    subscribe(1);
    subscribe(2);
    await store.deactivate(subscriber(2), 'unsubscribed', clock.now());
    await scheduler.tick();
    expect(api.sent(2)).toHaveLength(0);
    expect(api.sent(1)).toHaveLength(1);
  });
});

describe('In a forum whose topics subscribe on their own', () => {
  const FORUM = -1001234567890;
  const topic = (threadId: number | null) => subscriber(FORUM, threadId);
  /** Who got what: each delivered message's topic (null: the chat itself) and text, in the order they arrived. */
  const deliveries = (api: FakeBotApi) => api.sent(FORUM).map((c) => ({ threadId: (c.params['message_thread_id'] as number | undefined) ?? null, text: String(c.params['text']) }));

  async function forumSetup() {
    const s = await setup();
    for (const threadId of [77, 78]) await s.subscribe(FORUM, { chatType: 'supergroup', threadId });
    return s;
  }

  it('two topics of one forum each get their digest in their own topic, a second apart like any two messages to one chat', async () => {
    const { api, scheduler, clock, store } = await forumSetup();
    await store.subscribe({ chatId: 5, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, clock.now());
    const arrivals: Array<{ threadId: unknown; at: number }> = [];
    api.onCall((c) => { if (c.chatId === String(FORUM)) arrivals.push({ threadId: c.params['message_thread_id'], at: clock.now() }); });
    expect((await scheduler.tick())?.sent).toBe(3);
    expect(deliveries(api).map((d) => d.threadId).sort()).toEqual([77, 78]);
    for (const d of deliveries(api)) expect(d.text).toContain('📰 每日摘要');
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(1000);
    for (const threadId of [77, 78]) expect(await store.delivery(topic(threadId), '2022-06-03')).toMatchObject({ threadId, status: 'sent' });
    expect(await store.delivery(topic(null), '2022-06-03')).toBeNull();
    clock.advance(60_000);
    expect(await scheduler.tick()).toBeNull(); // each topic has had today's
  });

  it('each topic has its own history: both start the rotation with the same section, and each gets the next one the next day', async () => {
    const { api, scheduler, clock } = await forumSetup();
    await scheduler.tick();
    clock.set('2022-06-04T00:00:00Z');
    await scheduler.tick();
    const [first77, first78, next77, next78] = ['77-0', '78-0', '77-1', '78-1'].map((k) => {
      const [threadId, day] = k.split('-').map(Number) as [number, number];
      return deliveries(api).filter((d) => d.threadId === threadId)[day]!.text;
    });
    expect(first78).toBe(first77);
    expect(next78).toBe(next77);
    expect(next77).not.toBe(first77);
  });

  it('a deleted topic ends only its own subscription, with the reason; the other topic gets its digests on', async () => {
    const { api, scheduler, clock, store, events } = await forumSetup();
    api.fail({ method: 'sendMessage', chatId: FORUM, threadId: 77 }, { kind: 'bad_request', description: 'message thread not found' });
    expect(await scheduler.tick()).toMatchObject({ sent: 1, deactivated: 1 });
    expect(await store.get(topic(77))).toMatchObject({ active: false, inactiveReason: 'topic deleted: 400: Bad Request: message thread not found' });
    expect(await store.get(topic(78))).toMatchObject({ active: true });
    expect(events.find((e) => e.type === 'deactivated')).toMatchObject({ chatId: FORUM, threadId: 77, wholeChat: false });
    clock.set('2022-06-04T00:00:00Z');
    await scheduler.tick();
    expect(deliveries(api).map((d) => d.threadId)).toEqual([78, 78]);
    expect(api.callsTo('sendMessage', FORUM).filter((c) => c.params['message_thread_id'] === 77)).toHaveLength(1); // never tried again
  });

  it('a forum that removed the bot ends every topic\'s subscription at the first refused message', async () => {
    const { api, scheduler, store, events } = await forumSetup();
    await store.subscribe({ chatId: FORUM, chatType: 'supergroup', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
    api.fail({ chatId: FORUM }, { kind: 'kicked' });
    expect(await scheduler.tick()).toMatchObject({ sent: 0, deactivated: 1, skipped: 2 });
    expect(api.callsTo('sendMessage', FORUM)).toHaveLength(1);
    for (const sub of await store.subscriptionsOf(FORUM)) expect(sub).toMatchObject({ active: false, inactiveReason: expect.stringMatching(/kicked/) });
    expect(events.find((e) => e.type === 'deactivated')).toMatchObject({ chatId: FORUM, wholeChat: true });
  });
});

describe('When Telegram pushes back', () => {
  it('on 429 the chat waits retry_after and gets its digest once', async () => {
    const { api, scheduler, subscribe, events } = await setup();
    subscribe(1);
    subscribe(2);
    api.fail({ method: 'sendMessage', chatId: 1, times: 2 }, { kind: 'retry_after', seconds: 7 });
    const summary = await scheduler.tick();
    expect(summary?.sent).toBe(2);
    expect(api.sent(1)).toHaveLength(1);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => e.type === 'retry' && e.waitMs)).toEqual([7000, 7000]);
    const sent = events.filter((e) => e.type === 'sent');
    expect(sent.map((e) => e.chatId)).toEqual([2, 1]);
    expect(sent[1]!.at - Date.parse(EIGHT_AM)).toBeGreaterThanOrEqual(14_000);
  });

  it('a 429 pauses the whole sender for retry_after: no chat gets a request during the ban, then all continue', async () => {
    const { api, scheduler, subscribe, clock } = await setup();
    for (let chatId = 1; chatId <= 40; chatId++) subscribe(chatId);
    api.fail({ method: 'sendMessage', chatId: 1, times: 1 }, { kind: 'retry_after', seconds: 10 });
    // The virtual clock stands still while a request is out, so this is the time each request was made.
    const calls: Array<{ chatId: string | null; at: number; status: number }> = [];
    api.onCall((c) => calls.push({ chatId: c.chatId, at: clock.now(), status: c.status }));
    expect((await scheduler.tick())?.sent).toBe(40);
    const ban = calls.find((c) => c.status === 429)!;
    expect(ban.chatId).toBe('1');
    expect(calls.filter((c) => c.at > ban.at && c.at < ban.at + 10_000)).toEqual([]);
    for (let chatId = 1; chatId <= 40; chatId++) expect(api.sent(chatId)).toHaveLength(1);
  });

  it('on 5xx and dropped connections it backs off exponentially and delivers once', async () => {
    const { api, scheduler, subscribe, events } = await setup();
    subscribe(1);
    api.fail({ method: 'sendMessage', chatId: 1, times: 2 }, { kind: 'server_error' });
    api.fail({ method: 'sendMessage', chatId: 1, times: 1 }, { kind: 'network' });
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.waitMs)).toEqual([1000, 2000, 4000]);
  });

  it('gives up after bounded attempts, keeps the subscription and tries again on the next wake-up', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup({ sender: { maxAttempts: 3 } });
    subscribe(1);
    api.fail({ method: 'sendMessage', chatId: 1 }, { kind: 'server_error', code: 502 });
    const first = await scheduler.tick();
    expect(first?.failed).toBe(1);
    expect(api.callsTo('sendMessage', 1)).toHaveLength(3);
    expect(await store.delivery(subscriber(1), '2022-06-03')).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await store.get(subscriber(1)))?.active).toBe(true);
    api.clearFaults();
    clock.advance(60_000);
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
  });

  it('an 8-minute outage (502) only delays the digests: every chat gets one once Telegram is back', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup();
    for (const chatId of [1, 2, 3]) subscribe(chatId);
    const outageEnds = Date.parse(EIGHT_AM) + 8 * 60_000;
    // The scheduler wakes every minute; a run's own waits move the virtual clock on, so a wake-up never goes back.
    for (let minute = 0; minute <= 30; minute++) {
      clock.set(new Date(Math.max(clock.now(), Date.parse(EIGHT_AM) + minute * 60_000)).toISOString());
      api.clearFaults();
      if (clock.now() < outageEnds) api.fail({ method: 'sendMessage' }, { kind: 'server_error', code: 502 });
      await scheduler.tick();
    }
    for (const chatId of [1, 2, 3]) {
      expect(api.sent(chatId)).toHaveLength(1);
      expect(await store.delivery(subscriber(chatId), '2022-06-03')).toMatchObject({ status: 'sent' });
    }
    // The backoff grew but stayed capped: each chat was retried a handful of times, not every second.
    expect(api.callsTo('sendMessage', 1).length).toBeLessThan(20);
  });

  it('a day of transient failures never uses up the daily cap, while repeated crashes mid-send still do', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup({ sender: { maxDailyAttempts: 5 } });
    subscribe(1);
    subscribe(2);
    for (let i = 0; i < 30; i++) {
      await store.begin(subscriber(1), '2022-06-03', '', clock.now());
      await store.fail(subscriber(1), '2022-06-03', '502: Bad Gateway', false, clock.now(), { at: clock.now() });
    }
    for (let i = 0; i < 5; i++) (await store.begin(subscriber(2), '2022-06-03', '', clock.now())); // five crashes, each left it pending
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
    expect(api.sent(2)).toHaveLength(0);
    expect((await store.delivery(subscriber(2), '2022-06-03'))?.status).toBe('dropped');
  });

  it('a chat still backing off is not due before its retry time', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup();
    subscribe(1);
    await store.begin(subscriber(1), '2022-06-03', '', clock.now());
    await store.fail(subscriber(1), '2022-06-03', '502: Bad Gateway', false, clock.now(), { at: clock.now() + 90_000 });
    clock.advance(60_000);
    expect(await scheduler.tick()).toBeNull();
    clock.advance(60_000);
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
  });

  it('a blocked user or a missing chat is deactivated with the reason kept, and the others still get theirs', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup();
    subscribe(1);
    subscribe(2);
    subscribe(-3);
    api.fail({ chatId: 1 }, { kind: 'blocked' });
    api.fail({ chatId: -3 }, { kind: 'chat_not_found' });
    const summary = await scheduler.tick();
    expect(summary).toMatchObject({ sent: 1, deactivated: 2 });
    expect(await store.get(subscriber(1))).toMatchObject({ active: false, inactiveReason: expect.stringMatching(/blocked by the user/) });
    expect(await store.get(subscriber(-3))).toMatchObject({ active: false, inactiveReason: expect.stringMatching(/chat not found/) });
    clock.advance(60_000);
    await scheduler.tick();
    expect(api.callsTo('sendMessage', 1)).toHaveLength(1); // never retried
    expect(api.sent(2)).toHaveLength(1);
  });

  it('a group that became a supergroup has its subscription moved and gets the digest there', async () => {
    const { api, scheduler, subscribe, store, clock } = await setup();
    subscribe(-100, { minutes: 420 });
    api.fail({ chatId: -100 }, { kind: 'migrate', toChatId: -1001234567890 });
    const summary = await scheduler.tick();
    expect(summary).toMatchObject({ sent: 1, migrated: 1 });
    expect(api.sent(-1001234567890)).toHaveLength(1);
    expect(await store.get(subscriber(-100))).toBeNull();
    expect(await store.get(subscriber(-1001234567890))).toMatchObject({ active: true, minutes: 420, chatType: 'supergroup' });
    clock.advance(60_000);
    await scheduler.tick();
    expect(api.sent()).toHaveLength(1);
  });

  it('a filter that matches no section (yet) waits for news: one short line a day, the subscription stays', async () => {
    const { api, scheduler, subscribe, store, clock, events } = await setup();
    subscribe(1, { filter: { kind: 'topic', id: 'tourism', label: '文旅' } });
    subscribe(2);
    expect(await scheduler.tick()).toMatchObject({ sent: 2, deactivated: 0 });
    expect(api.sentTexts(1)).toEqual([expect.stringContaining('“文旅”方面没有新内容')]);
    expect(await store.get(subscriber(1))).toMatchObject({ active: true });
    expect(events.some((e) => e.type === 'deactivated')).toBe(false);
    clock.set('2022-06-04T00:00:00Z');
    await scheduler.tick();
    expect(api.callsTo('sendMessage', 1)).toHaveLength(2);
  });

  it('a message Telegram rejects is dropped for the day without unsubscribing the chat', async () => {
    const { api, scheduler, subscribe, store } = await setup();
    subscribe(1);
    api.fail({ chatId: 1 }, { kind: 'bad_request', description: "can't parse entities" });
    await scheduler.tick();
    expect((await store.delivery(subscriber(1), '2022-06-03'))?.status).toBe('dropped');
    expect((await store.get(subscriber(1)))?.active).toBe(true);
  });
});

describe('When a request gets no answer (timeout, reset)', () => {
  /** A Bot API whose first `timeouts` requests reach Telegram (and are delivered) but whose answers never come back. */
  function lostAnswers(timeouts: number) {
    const delivered: number[] = [];
    let calls = 0;
    const api: SendApi = {
      async sendMessage(chatId) {
        delivered.push(chatId);
        if (++calls <= timeouts) throw new SendTimeoutError(30_000);
        return { message_id: calls };
      },
    };
    return { api, delivered };
  }

  it('the message is resent at most once that day, then the row is dropped with the reason, so four timeouts make two copies, not five', async () => {
    const { api, delivered } = lostAnswers(4);
    const { scheduler, subscribe, store, clock, events } = await setup({ sender: { api } });
    subscribe(1);
    for (let minute = 0; minute < 10; minute++) {
      clock.set(new Date(Math.max(clock.now(), Date.parse(EIGHT_AM) + minute * 60_000)).toISOString());
      await scheduler.tick();
    }
    expect(delivered).toEqual([1, 1]);
    expect(await store.delivery(subscriber(1), '2022-06-03')).toMatchObject({ status: 'dropped', unknownOutcomes: 2, error: expect.stringMatching(/may have been delivered/) });
    expect(events.find((e) => e.type === 'dropped')).toMatchObject({ chatId: 1, reason: expect.stringMatching(/no answer within 30000 ms/) });
    expect((await store.get(subscriber(1)))?.active).toBe(true); // tomorrow is another day
  });

  it('one lost answer is retried and then delivered normally', async () => {
    const { api, delivered } = lostAnswers(1);
    const { scheduler, subscribe, store } = await setup({ sender: { api } });
    subscribe(1);
    await scheduler.tick();
    expect(delivered).toEqual([1, 1]);
    expect(await store.delivery(subscriber(1), '2022-06-03')).toMatchObject({ status: 'sent', unknownOutcomes: 1 });
  });
});

describe('When the ledger is busy just after Telegram accepted a message', () => {
  /** A store whose `complete` fails `times` times with SQLITE_BUSY. */
  class BusyStore extends MemorySubscriptionStore {
    constructor(public busy: number) {
      super();
    }
    override async complete(who: Subscriber, date: string, messageId: number, at: number): Promise<void> {
      if (this.busy-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      await super.complete(who, date, messageId, at);
    }
  }

  async function busySetup(busy: number) {
    api = await FakeBotApi.start({ strictHtml: true });
    const store = new BusyStore(busy);
    const clock = virtualClock(EIGHT_AM);
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(report, store), clock });
    const scheduler = new DigestScheduler({ store, sender, clock });
    await store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, clock.now());
    return { api, store, clock, scheduler };
  }

  it('the completion is retried, so the row ends sent and the digest is not sent again', async () => {
    const { api, store, clock, scheduler } = await busySetup(3);
    expect((await scheduler.tick())?.sent).toBe(1);
    expect((await store.delivery(subscriber(1), '2022-06-03'))?.status).toBe('sent');
    clock.advance(60_000);
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
  });

  it('if it stays busy, the sender remembers the delivery and records it on the next run instead of resending', async () => {
    const { api, store, clock, scheduler } = await busySetup(8);
    await scheduler.tick();
    expect((await store.delivery(subscriber(1), '2022-06-03'))?.status).toBe('pending');
    clock.advance(60_000);
    await scheduler.tick();
    expect(api.sent(1)).toHaveLength(1);
    expect((await store.delivery(subscriber(1), '2022-06-03'))?.status).toBe('sent');
  });
});

describe('When something unexpected breaks for one chat', () => {
  it('the other chats still get their digests', async () => {
    const { api, scheduler, subscribe, store, events } = await setup({
      sender: {
        compose: (sub, date, pinned) => {
          if (sub.chatId === 2) throw new Error('compose bug');
          return makeCompose(report, store)(sub, date, pinned);
        },
      },
    });
    for (const chatId of [1, 2, 3]) subscribe(chatId);
    expect(await scheduler.tick()).toMatchObject({ sent: 2, failed: 1 });
    expect(api.sent(1)).toHaveLength(1);
    expect(api.sent(3)).toHaveLength(1);
    expect(events.find((e) => e.type === 'failed')).toMatchObject({ chatId: 2, reason: 'unexpected: compose bug' });
  });
});

describe('When many chats are due at once', () => {
  it('never sends more than 30 messages in any one-second window', async () => {
    const { scheduler, subscribe, events } = await setup();
    for (let i = 1; i <= 200; i++) subscribe(i);
    expect((await scheduler.tick())?.sent).toBe(200);
    const times = events.filter((e) => e.type === 'sent').map((e) => e.at);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(1000);
    // …while still going at close to the cap.
    expect(times.at(-1)! - times[0]!).toBeLessThan(7_000);
  });

  it('a graceful stop lets every message in flight finish and leaves the rest due, so nothing is lost or repeated', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    const store = new MemorySubscriptionStore();
    // Five a second, so the first five are out together and fifteen are still queued when the stop comes.
    const make = () =>
      new DigestSender({ store, api: telegramSendApi(new Telegram(api!.token, { apiRoot: api!.apiRoot })), compose: makeCompose(report, store), clock: systemClock, limits: { globalPerSecond: 5, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 0 } });
    const now = Date.parse(EIGHT_AM) + 3600_000;
    for (let i = 1; i <= 20; i++) (await store.subscribe({ chatId: i, chatType: 'private', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, now));
    for (const chatId of [2, 3, 5]) api.fail({ chatId, times: 1 }, { kind: 'delay', ms: 300 });
    const sender = make();
    const jobs = Array.from({ length: 20 }, (_, i) => ({ chatId: i + 1, threadId: null, date: '2022-06-03' }));
    const run = sender.run(jobs);
    // Calls are recorded on arrival: wait until the three slow requests are all at the server, then stop.
    while (!['2', '3', '5'].every((chat) => api!.calls.some((c) => c.chatId === chat))) await new Promise((r) => setTimeout(r, 5));
    const stopped = sender.stop();
    const summary = await run;
    await stopped;
    for (const chatId of [2, 3, 5]) expect((await store.delivery(subscriber(chatId), '2022-06-03'))?.status).toBe('sent'); // the ones in flight completed
    expect(summary).toMatchObject({ sent: 5, left: 15 });
    expect(await sender.run(jobs)).toMatchObject({ sent: 0, left: 20 }); // a stopped sender sends nothing more
    const rest = await make().run(jobs);
    expect(rest.sent).toBe(15);
    for (let i = 1; i <= 20; i++) expect(api.sent(i)).toHaveLength(1);
  });
});

describe('When two processes share one store', () => {
  it('only the holder of the broadcast lease sends; the other run sends nothing and says who holds it', async () => {
    const { api, store, clock, subscribe } = await setup();
    subscribe(1);
    const make = (owner: string) =>
      new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(report, store), clock, lease: storeLease(store, clock, { owner }) });
    expect(await store.acquireLease('broadcast', 'bot/1/a', clock.now(), 60_000)).toBe(true); // the bot is mid-run
    const blocked = await make('cli/2/b').run([{ chatId: 1, threadId: null, date: '2022-06-03' }]);
    expect(blocked).toMatchObject({ sent: 0, lockedBy: 'bot/1/a', left: 1 });
    expect(api.sent()).toHaveLength(0);
    clock.advance(61_000); // the holder stopped renewing
    expect(await make('cli/2/b').run([{ chatId: 1, threadId: null, date: '2022-06-03' }])).toMatchObject({ sent: 1, lockedBy: null });
    expect(await store.leaseHolder('broadcast')).toBeNull(); // released at the end of the run
  });

  it('a lease left by a process that died on this machine is taken over at once', async () => {
    const { api, store, clock, subscribe } = await setup();
    subscribe(1);
    expect(await store.acquireLease('broadcast', `${hostname()}/999999999/dead`, clock.now(), 60_000)).toBe(true);
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(report, store), clock, lease: storeLease(store, clock) });
    expect((await sender.run([{ chatId: 1, threadId: null, date: '2022-06-03' }])).sent).toBe(1);
  });
});
