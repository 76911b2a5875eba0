// The sender against a Bot API that takes a round trip to answer, in virtual time (no wall-clock assertions:
// the speed figures are in `npm run bench:broadcast`).
import { describe, expect, it } from 'vitest';
import { DigestSender, type SendApi, type SenderOptions, type SenderStore, type SendEvent } from '../../src/digest/sender.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import type { DigestJob } from '../../src/digest/job-queue.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { simulatedClock, type SimulatedClock } from './clock.ts';
import { fixtureReport } from './fixture.ts';
import { subscriber } from '../../src/store/types.ts';

const report = fixtureReport();
/** 2022-06-03 08:00 in Asia/Shanghai. */
const EIGHT_AM = '2022-06-03T00:00:00Z';
const T0 = Date.parse(EIGHT_AM);

interface Request {
  chatId: number;
  /** The forum topic it was sent into (null: the chat itself). */
  threadId: number | null;
  sentAt: number;
  answeredAt: number | null;
}

/** An error as telegraf throws it for an API answer. */
function apiError(code: number, description: string, retryAfter?: number): Error {
  return Object.assign(new Error(`${code}: ${description}`), {
    response: { error_code: code, description, ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}) },
  });
}

/** A Bot API that answers each request `latency(i)` virtual ms after it left (or fails it), recording every request. */
function slowApi(clock: SimulatedClock, latency: (i: number) => number, fault: (r: Request, i: number) => Error | null) {
  const requests: Request[] = [];
  let out = 0;
  let maxOut = 0;
  const listeners: Array<(r: Request) => void> = [];
  const api: SendApi = {
    async sendMessage(chatId, _html, options) {
      const r: Request = { chatId, threadId: options?.threadId ?? null, sentAt: clock.now(), answeredAt: null };
      const i = requests.push(r) - 1;
      maxOut = Math.max(maxOut, ++out);
      for (const l of listeners) l(r);
      await clock.sleep(latency(i));
      out--;
      r.answeredAt = clock.now();
      const err = fault(r, i);
      if (err) throw err;
      return { message_id: i + 1 };
    },
  };
  return { api, requests, maxOut: () => maxOut, onRequest: (l: (r: Request) => void) => listeners.push(l) };
}

function setup(options: { latency?: (i: number) => number; fault?: (r: Request, i: number) => Error | null; sender?: Partial<SenderOptions> } = {}) {
  const store = new MemorySubscriptionStore();
  const clock = simulatedClock(EIGHT_AM);
  const slow = slowApi(clock, options.latency ?? (() => 100), options.fault ?? (() => null));
  const events: Array<SendEvent & { at: number }> = [];
  const make = (overrides: Partial<SenderOptions> = {}) =>
    new DigestSender({ store, api: slow.api, compose: makeCompose(report, store), clock, onEvent: (e) => events.push({ ...e, at: clock.now() }), ...options.sender, ...overrides });
  const subscribe = (chatId: number) =>
    store.subscribe({ chatId, chatType: chatId > 0 ? 'private' : 'group', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, clock.now());
  /** `n` private chats due today. */
  const privates = (n: number, from = 1): DigestJob[] =>
    Array.from({ length: n }, (_, i) => {
      subscribe(from + i);
      return { chatId: from + i, threadId: null, date: '2022-06-03' };
    });
  return { store, clock, events, make, subscribe, privates, ...slow };
}

/** Dates from 2022-06-03 on, one per day. */
const dates = (n: number) => Array.from({ length: n }, (_, d) => new Date(T0 + d * 86_400_000).toISOString().slice(0, 10));

/** Groups with a backlog of dates each, among private chats: the per-chat and per-group limits bind while the cap stays busy. */
function mix(s: ReturnType<typeof setup>, groups: number, days: number, privateChats: number): DigestJob[] {
  const jobs: DigestJob[] = [];
  for (let g = 1; g <= groups; g++) s.subscribe(-g);
  for (const date of dates(days)) for (let g = 1; g <= groups; g++) jobs.push({ chatId: -g, threadId: null, date });
  return [...jobs, ...s.privates(privateChats)];
}

/** Round trips between 50 and 400 ms, varying from request to request. */
const jittered = (i: number) => 50 + ((i * 7919) % 351);

function byChat(requests: readonly Request[]): Map<number, Request[]> {
  const map = new Map<number, Request[]>();
  for (const r of requests) map.set(r.chatId, [...(map.get(r.chatId) ?? []), r]);
  return map;
}

describe('When Telegram answers after a round trip', () => {
  it.each([100, 300])('at %i ms the broadcast goes at the cap of 30 a second, not at one message per round trip', async (rtt) => {
    const s = setup({ latency: () => rtt });
    const summary = await s.make().run(s.privates(300));
    expect(summary.sent).toBe(300);
    // One at a time would deliver 5,000 / rtt in the first five seconds (50 or 17); the cap allows 150.
    const answeredIn5s = s.requests.filter((r) => r.answeredAt! < T0 + 5000).length;
    expect(answeredIn5s).toBeGreaterThanOrEqual(140);
    // All 300 in about ten seconds (ten windows of the cap, plus the last round trip), where one at a time takes 300 round trips.
    expect(Math.max(...s.requests.map((r) => r.answeredAt!)) - T0).toBeLessThanOrEqual(10 * 1010 + rtt);
    expect(s.maxOut()).toBeGreaterThan(1);
  });

  it('a chat never has two requests out, and gets its messages in the order of its jobs, even after a retry', async () => {
    // Group -1's first request fails (502): its later dates wait for the retry instead of overtaking it.
    const s = setup({ latency: jittered, fault: (r) => (r.chatId === -1 && s.requests.filter((q) => q.chatId === -1).length === 1 ? apiError(502, 'Bad Gateway') : null) });
    const jobs = mix(s, 5, 6, 60);
    expect((await s.make().run(jobs)).sent).toBe(jobs.length);
    for (const [chatId, list] of byChat(s.requests)) {
      for (let i = 1; i < list.length; i++) expect(list[i]!.sentAt, `chat ${chatId}`).toBeGreaterThanOrEqual(list[i - 1]!.answeredAt!);
      const sentDates = s.events.filter((e) => e.type === 'sent' && e.chatId === chatId).map((e) => (e.type === 'sent' ? e.date : ''));
      expect(sentDates, `chat ${chatId}`).toEqual(jobs.filter((j) => j.chatId === chatId).map((j) => j.date));
    }
    expect(s.requests.filter((r) => r.chatId === -1)).toHaveLength(7); // one retry
    expect(s.maxOut()).toBeGreaterThan(5);
  });

  it('a forum\'s topics share their chat\'s limits: never two requests out to the forum, a second apart, each topic\'s dates in order', async () => {
    const s = setup({ latency: jittered });
    const jobs: DigestJob[] = [];
    const forums = [-1001, -1002, -1003];
    for (const chatId of forums) {
      for (const threadId of [null, 7, 8]) await s.store.subscribe({ chatId, chatType: 'supergroup', threadId, minutes: 0, timezone: 'Asia/Shanghai', filter: null }, s.clock.now());
      for (const date of dates(4)) for (const threadId of [null, 7, 8]) jobs.push({ chatId, threadId, date });
    }
    jobs.push(...s.privates(60));
    expect((await s.make().run(jobs)).sent).toBe(jobs.length);
    expect(s.maxOut()).toBeGreaterThan(5);
    for (const chatId of forums) {
      const list = byChat(s.requests).get(chatId)!;
      expect(list).toHaveLength(12);
      for (let i = 1; i < list.length; i++) expect(list[i]!.sentAt - list[i - 1]!.answeredAt!, `forum ${chatId}`).toBeGreaterThanOrEqual(1000);
      for (const threadId of [null, 7, 8]) {
        const sent = s.events.filter((e) => e.type === 'sent' && e.chatId === chatId && e.threadId === threadId).map((e) => (e.type === 'sent' ? e.date : ''));
        expect(sent, `forum ${chatId} topic ${threadId}`).toEqual(dates(4));
        expect(list.filter((r) => r.threadId === threadId)).toHaveLength(4);
      }
    }
  });

  it('with many requests out the limits hold: 30 leave in any second, and a chat or group counts each message at its answer', async () => {
    const s = setup({ latency: jittered });
    const jobs = mix(s, 8, 25, 300);
    expect((await s.make().run(jobs)).sent).toBe(jobs.length);
    const departures = s.requests.map((r) => r.sentAt).sort((a, b) => a - b);
    for (let i = 0; i + 30 < departures.length; i++) expect(departures[i + 30]! - departures[i]!).toBeGreaterThanOrEqual(1000);
    for (const [chatId, list] of byChat(s.requests)) {
      // Wherever between leaving and the answer a message reached Telegram, the chat's next one arrives a second later…
      for (let i = 1; i < list.length; i++) expect(list[i]!.sentAt - list[i - 1]!.answeredAt!, `chat ${chatId}`).toBeGreaterThanOrEqual(1000);
      // …and no minute holds more than 20 of a group's.
      if (chatId < 0) for (let i = 0; i + 20 < list.length; i++) expect(list[i + 20]!.sentAt - list[i]!.answeredAt!, `group ${chatId}`).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('a 429 while requests are out pauses everyone for retry_after, then every chat gets its digest once', async () => {
    const s = setup({ fault: (r) => (r.chatId === 5 && s.requests.filter((q) => q.chatId === 5).length === 1 ? apiError(429, 'Too Many Requests: retry after 5', 5) : null) });
    const summary = await s.make().run(s.privates(90));
    expect(summary.sent).toBe(90);
    const ban = s.requests.find((r) => r.chatId === 5)!;
    expect(s.requests.filter((r) => r.sentAt > ban.answeredAt! && r.sentAt < ban.answeredAt! + 5000)).toEqual([]);
    for (const list of byChat(s.requests).values()) expect(list.length).toBeLessThanOrEqual(list[0]!.chatId === 5 ? 2 : 1);
  });

  it('a fatal answer while everyone waits out a 429 ends the run then, not when the pause is over', async () => {
    const s = setup({
      latency: (i) => (i === 5 ? 500 : 100),
      fault: (r) => (r.chatId === 5 ? apiError(429, 'Too Many Requests: retry after 60', 60) : r.chatId === 6 ? apiError(401, 'Unauthorized') : null),
    });
    const summary = await s.make().run(s.privates(90));
    expect(summary.fatal).toMatch(/401|Unauthorized/);
    expect(s.clock.now() - T0).toBeLessThan(5000);
  });

  it('never has more requests out than maxInFlight, even when answers take longer than the window', async () => {
    const s = setup({ latency: () => 2500 });
    expect((await s.make().run(s.privates(120))).sent).toBe(120);
    expect(s.maxOut()).toBe(30); // the default: a second's worth at the cap; the window alone would allow 75
  });
});

describe('When the sender stops with requests out', () => {
  it('a graceful stop lets each of them finish and be recorded, and the next run sends exactly the rest', async () => {
    const s = setup({ latency: () => 300 });
    const jobs = s.privates(200);
    const sender = s.make();
    let outAtStop = 0;
    s.onRequest(() => {
      if (s.requests.length === 45) {
        outAtStop = s.requests.filter((r) => r.answeredAt === null).length;
        void sender.stop();
      }
    });
    const summary = await sender.run(jobs);
    expect(outAtStop).toBeGreaterThan(1);
    expect(summary).toMatchObject({ sent: 45, left: 155 });
    for (const j of jobs) expect((await s.store.delivery(subscriber(j.chatId), j.date))?.status).not.toBe('pending');
    expect((await s.make().run(jobs)).sent).toBe(155);
    for (const list of byChat(s.requests).values()) expect(list).toHaveLength(1);
  });

  it('a crash leaves pending only the messages in flight; the restart resends those once: one duplicate each at most, none lost', async () => {
    const s = setup({ latency: () => 300 });
    const jobs = s.privates(200);
    // The process dies at the 45th request: nothing more reaches the store, and no answer is ever heard.
    let crashed = false;
    const dying = new Proxy(s.store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (crashed) throw new Error('the process is gone');
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as SenderStore;
    const hung: SendApi = {
      sendMessage: (chatId, html) => {
        const answer = s.api.sendMessage(chatId, html);
        if (s.requests.length >= 45) crashed = true;
        // Worst case: Telegram delivered every request that left, but the dead process never hears back.
        return answer.then((a) => (crashed ? new Promise<never>(() => {}) : a));
      },
    };
    void s.make({ store: dying, api: hung }).run(jobs);
    while (!crashed) await s.clock.sleep(10);
    const delivered = s.requests.length;
    let pending = 0;
    for (const j of jobs) if ((await s.store.delivery(subscriber(j.chatId), j.date))?.status === 'pending') pending++;
    expect(pending).toBeGreaterThan(1); // several were out: the bound is per message in flight, not per crash
    expect(pending).toBeLessThanOrEqual(30);

    const restart = await s.make({ clock: simulatedClock(new Date(s.clock.now()).toISOString()) }).run(jobs);
    expect(restart.sent).toBe(200 - delivered + pending);
    const counts = [...byChat(s.requests).values()].map((l) => l.length);
    expect(counts).toHaveLength(200); // none lost
    expect(counts.filter((n) => n === 2)).toHaveLength(pending); // one duplicate per message that was in flight
    expect(Math.max(...counts)).toBe(2);
  });
});
