import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RateLimiter, SlidingWindow, UNCAPPED } from '../../src/digest/rate-limiter.ts';
import { maxInWindow } from './windows.ts';

/** Drive a limiter like the sender does: each message goes out at the earliest time it allows. */
function schedule(limiter: RateLimiter, chats: readonly number[], start = 0): number[] {
  let now = start;
  return chats.map((chat) => {
    now = limiter.readyAt(chat, now);
    limiter.record(chat, now);
    return now;
  });
}

describe('The rate limiter', () => {
  it('a sliding window allows `limit` events, then the next one exactly a window after the oldest', () => {
    const w = new SlidingWindow(3, 1000);
    for (const t of [0, 10, 20]) w.record(t);
    expect(w.readyAt(30)).toBe(1000);
    w.record(1000);
    expect(w.readyAt(1000)).toBe(1010);
  });

  it('for any mix of chats and groups, no second has over 30 messages, no chat over 1, no group over 20 a minute', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 40 }).filter((c) => c !== 0), { minLength: 1, maxLength: 400 }), (chats) => {
        const limiter = new RateLimiter({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 0 });
        const times = schedule(limiter, chats);
        expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(30);
        for (const chat of new Set(chats)) {
          const own = times.filter((_, i) => chats[i] === chat);
          expect(maxInWindow(own, 1000)).toBeLessThanOrEqual(1);
          if (chat < 0) expect(maxInWindow(own, 60_000)).toBeLessThanOrEqual(20);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('keeps pace with the cap: 300 distinct chats take about ten seconds, not more', () => {
    const times = schedule(new RateLimiter({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 10 }), Array.from({ length: 300 }, (_, i) => i + 1));
    expect(times.at(-1)!).toBeLessThan(10 * 1010);
    expect(times.at(-1)!).toBeGreaterThanOrEqual(9 * 1000);
  });

  it("spreads each second's messages over it: at 30 a second, three at once, then one every 33 ms, never thirty at once", () => {
    const times = schedule(new RateLimiter({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 10 }), Array.from({ length: 60 }, (_, i) => i + 1));
    expect(times.slice(0, 6)).toEqual([0, 0, 0, 34, 67, 100]);
    for (let i = 3; i < 30; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(33);
    expect(maxInWindow(times, 100)).toBeLessThanOrEqual(6);
  });

  it('a message sent late does not hold back the ones after it (the pace remembers no lateness)', () => {
    const limiter = new RateLimiter({ globalPerSecond: 30, perChatPerSecond: Infinity, perGroupPerMinute: Infinity, marginMs: 0 });
    for (const chat of [1, 2, 3]) limiter.record(chat, 0);
    expect(limiter.globalReadyAt(0)).toBe(34);
    limiter.record(4, 60); // due at 34, sent at 60: this process was busy
    expect(limiter.globalReadyAt(60)).toBe(67); // still on the 33 ms beat, not 33 ms after the late one
    limiter.record(5, 67);
    expect(limiter.globalReadyAt(67)).toBe(100);
  });

  it("counts a chat's message at its answer, so a slow request cannot bring the chat's next message within a second", () => {
    const limiter = new RateLimiter({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 2, marginMs: 0 });
    limiter.record(-1, 0);
    limiter.settle(-1, 0, 500); // this request took half a second
    expect(limiter.chatReadyAt(-1, 600)).toBe(1500);
    limiter.record(-1, 1500);
    limiter.settle(-1, 1500, 1600);
    expect(limiter.chatReadyAt(-1, 1600)).toBe(60_500); // the group's two a minute, also from the answers
  });

  it('counts a request that outlasted the chat window at its end, not forgetting it', () => {
    const limiter = new RateLimiter({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 0 });
    limiter.record(1, 0);
    limiter.chatReadyAt(1, 3000); // a look meanwhile evicts the start, a window ago
    limiter.settle(1, 0, 5000); // answered after five seconds
    expect(limiter.chatReadyAt(1, 5000)).toBe(6000);
  });

  it('counts the overall limit when requests leave, so slow answers do not slow the broadcast', () => {
    const limiter = new RateLimiter({ globalPerSecond: 2, perChatPerSecond: Infinity, perGroupPerMinute: Infinity, marginMs: 0 });
    limiter.record(1, 0);
    limiter.record(2, 0);
    expect(limiter.globalReadyAt(0)).toBe(1000);
    limiter.settle(1, 0, 300);
    limiter.settle(2, 0, 400); // round trips of 300 and 400 ms
    expect(limiter.globalReadyAt(600)).toBe(1000);
  });

  it('counts a request answered much later than usual at its answer less a round trip: it may have arrived late', () => {
    const limiter = new RateLimiter({ globalPerSecond: 2, perChatPerSecond: Infinity, perGroupPerMinute: Infinity, marginMs: 0 });
    for (let i = 0; i < 10; i++) {
      limiter.record(i, i * 1000);
      limiter.settle(i, i * 1000, i * 1000 + 100); // usually 100 ms
    }
    limiter.record(100, 10_000);
    limiter.record(101, 10_000);
    limiter.settle(100, 10_000, 10_100);
    limiter.settle(101, 10_000, 10_600); // 500 ms late: counted at 10,500
    limiter.record(102, limiter.globalReadyAt(10_600));
    expect(limiter.globalReadyAt(11_000)).toBe(11_500); // not 11,000: two may have arrived in [10,500, 11,000]
  });

  it('counts an outlier at its answer less a fast round trip, not a usual one: the way back may have been quick', () => {
    const limiter = new RateLimiter({ globalPerSecond: 1, perChatPerSecond: Infinity, perGroupPerMinute: Infinity, marginMs: 0 });
    // Round trips spread over 80–120 ms, as a jittery network gives them: fast (10th percentile) 85, usual (90th) 117.
    for (let i = 0; i < 64; i++) {
      limiter.record(i, i * 1000);
      limiter.settle(i, i * 1000, i * 1000 + 80 + ((i * 27) % 41));
    }
    limiter.record(100, 100_000);
    limiter.settle(100, 100_000, 100_150); // 150 ms: it may have arrived as late as 150 - 85 = 65 ms after it left
    expect(limiter.globalReadyAt(100_200)).toBe(101_065); // a usual round trip would have said 33 ms
  });

  it('judges round trips by the last 64 only: after the network slowed down, the slow ones are the usual ones', () => {
    const limiter = new RateLimiter({ globalPerSecond: 1, perChatPerSecond: Infinity, perGroupPerMinute: Infinity, marginMs: 0 });
    for (let i = 0; i < 64; i++) {
      limiter.record(i, i * 1000);
      limiter.settle(i, i * 1000, i * 1000 + 100);
    }
    for (let i = 64; i < 128; i++) {
      limiter.record(i, i * 1000);
      limiter.settle(i, i * 1000, i * 1000 + 300); // now 300 ms, 64 times: the 100 ms ones are forgotten
    }
    limiter.record(200, 200_000);
    limiter.settle(200, 200_000, 200_350); // 350 ms: an outlier, less a fast round trip of 300 (not 100)
    expect(limiter.globalReadyAt(200_400)).toBe(201_050);
  });

  it('counts a request written to the network later than it was decided (this process stalled) when it was written', () => {
    const limiter = new RateLimiter({ globalPerSecond: 2, perChatPerSecond: Infinity, perGroupPerMinute: Infinity, marginMs: 0 });
    limiter.record(1, 0);
    limiter.record(2, 0);
    limiter.departed(0, 40); // the second left 40 ms late: it reached Telegram then
    expect(limiter.globalReadyAt(500)).toBe(1000); // a second after the first, which left on time
    limiter.departed(0, 30); // the first, 30 ms late
    expect(limiter.globalReadyAt(500)).toBe(1030);
    expect(limiter.globalReadyAt(1035)).toBe(1035);
  });

  it('a pause holds every chat back until it ends, even uncapped, and a shorter pause never cuts a longer one', () => {
    const limiter = new RateLimiter(UNCAPPED);
    limiter.pauseUntil(10_000);
    limiter.pauseUntil(5_000);
    expect(limiter.readyAt(7, 100)).toBe(10_000);
    expect(limiter.globalReadyAt(10_000)).toBe(10_000);
    expect(limiter.globalReadyAt(12_000)).toBe(12_000);
  });

  it('uncapped, it never makes anyone wait', () => {
    expect(schedule(new RateLimiter(UNCAPPED), [1, 1, 1, -2, -2]).every((t) => t === 0)).toBe(true);
  });

  it('a rate too small to pace still lets one message go, then holds every other back', () => {
    const limiter = new RateLimiter({ globalPerSecond: 1e-310, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 0 });
    expect(limiter.globalReadyAt(0)).toBe(0);
    limiter.record(1, 0);
    expect(limiter.globalReadyAt(1)).toBe(Infinity);
  });

  it('rates below one per period spread events out', () => {
    const limiter = new RateLimiter({ globalPerSecond: 0.5, perChatPerSecond: 1, perGroupPerMinute: 20, marginMs: 0 });
    expect(schedule(limiter, [1, 2, 3])).toEqual([0, 2000, 4000]);
  });
});
