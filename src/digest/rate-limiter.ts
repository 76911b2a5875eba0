import { z } from 'zod';

/** Telegram's documented broadcast limits; `Infinity` turns a limit off (benchmarks). */
// zod's number() refuses Infinity, which is how a limit is switched off.
const Rate = z.union([z.number().positive(), z.custom<number>((v) => v === Infinity)]);

export const RateLimitsSchema = z.object({
  globalPerSecond: Rate,
  perChatPerSecond: Rate,
  perGroupPerMinute: Rate,
  /**
   * Extra room added to every window: timer granularity, and the spread in how long requests take to reach
   * Telegram (the global window counts a request when it leaves; per-chat and per-group ones when it is answered).
   */
  marginMs: z.number().nonnegative(),
});
export type RateLimits = z.infer<typeof RateLimitsSchema>;

export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({
  globalPerSecond: 30,
  perChatPerSecond: 1,
  perGroupPerMinute: 20,
  marginMs: marginFor(30),
});

/**
 * The margin for a global limit of `globalPerSecond`: 10 ms, and 30 ms above 100 a second (paid broadcasts). At
 * 1,000 a second any 1,001 arrivals within a second are over, and bursts of requests reached the fake API on the
 * bench up to 25 ms late while the machine was busy, closer than 10 ms to the ones a second after them; at 30 a
 * second 10 ms has never been short. Costs 2% of a paid broadcast's rate.
 */
export function marginFor(globalPerSecond: number): number {
  return globalPerSecond > 100 ? 30 : 10;
}

export const UNCAPPED: Readonly<RateLimits> = Object.freeze({
  globalPerSecond: Infinity,
  perChatPerSecond: Infinity,
  perGroupPerMinute: Infinity,
  marginMs: 0,
});

/**
 * A sliding-window log: at most `limit` events in any `windowMs` interval.
 * Sliding (not fixed) windows, because Telegram counts any second, not calendar seconds.
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Earliest time at or after `now` when one more event fits. */
  readyAt(now: number): number {
    if (!Number.isFinite(this.limit)) return now;
    this.evict(now);
    const count = this.times.length - this.head;
    if (count < this.limit) return now;
    return Math.max(now, this.times[this.times.length - this.limit]! + this.windowMs);
  }

  record(at: number): void {
    if (!Number.isFinite(this.limit)) return;
    this.times.push(at);
    this.evict(at);
  }

  /**
   * Move the newest event to `at` (when its request finished). The request reached Telegram somewhere between
   * start and finish; counting it at the finish keeps the window safe however slow the network was.
   * For windows with one request out at a time (a chat's), so the newest event is that request's.
   */
  settleLast(at: number): void {
    if (!Number.isFinite(this.limit)) return;
    const last = this.times.length - 1;
    if (last >= this.head) {
      if (this.times[last]! < at) this.times[last] = at;
    } else {
      // The request outlasted the window and its start was evicted: count it again, at its end.
      this.times.push(at);
    }
  }

  /** Count the event recorded at `from` at `to` instead (later); for windows with several requests out. */
  move(from: number, to: number): void {
    if (!Number.isFinite(this.limit) || to <= from) return;
    const t = this.times;
    for (let j = t.length - 1; j >= this.head && t[j]! >= from; j--) {
      if (t[j] === from) {
        t.splice(j, 1);
        break;
      }
    }
    let k = t.length;
    while (k > this.head && t[k - 1]! > to) k--;
    t.splice(k, 0, to);
  }

  /** Whether the window holds nothing that still counts (so its owner can be forgotten). */
  idle(now: number): boolean {
    this.evict(now);
    return this.times.length === this.head;
  }

  private evict(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    // Compact now and then so the log never grows without bound.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The first index of `sorted` whose value is not below `v`. */
function sortedIndex(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A pace's arithmetic (GCRA): one event every `intervalMs`, up to `toleranceMs` early; interval 0 is no pace. */
export interface Pace {
  intervalMs: number;
  toleranceMs: number;
}

/** The pace for a global limit: a tenth of a second's worth at once, then evenly (the limiter's and the shared budget's). */
export function paceFor(perSecond: number): Pace {
  const interval = 1000 / perSecond;
  // Off when uncapped, and for a rate so small its interval overflows (the sliding window still holds it back).
  const intervalMs = Number.isFinite(interval) && interval > 0 ? interval : 0;
  const burst = Math.ceil(perSecond / 10);
  return { intervalMs, toleranceMs: intervalMs > 0 && burst > 1 ? (burst - 1) * intervalMs : 0 };
}

/** Earliest time at or after `now` when the next event may go, `due` being when it would be due on the beat. */
export function paceReadyAt(pace: Pace, due: number, now: number): number {
  if (pace.intervalMs === 0) return now;
  // Less a microsecond: 3 × (1000 / 30) is not quite 100 in floating point, nor is an epoch time plus it exact.
  return Math.max(now, Math.ceil(due - pace.toleranceMs - 1e-3));
}

/** When the event after one at `at` is due on the beat. */
export function paceNext(pace: Pace, due: number, at: number): number {
  return Math.max(due, at) + pace.intervalMs;
}

/**
 * Pacing, not a limit (the sliding windows are the limits): a burst at once, then one event every interval (GCRA,
 * a token bucket kept as one time). Unlike a sliding window it remembers no event's time, so an event sent late
 * (a busy moment of this process) costs nothing afterwards; a 100 ms sliding window for the same job lost each
 * such delay again every 100 ms, a tenth of a paid broadcast's rate.
 */
export class Pacer {
  /** When the next event would be due if events came exactly one interval apart. */
  private due = -Infinity;

  constructor(private readonly pace: Pace) {}

  /** Earliest time at or after `now` when the next event may go (whole ms, as clocks give them). */
  readyAt(now: number): number {
    return paceReadyAt(this.pace, this.due, now);
  }

  record(at: number): void {
    this.due = paceNext(this.pace, this.due, at);
  }
}

/** `per second: 30` → 30 events per 1,000 ms; rates below one become one event per longer window. */
function windowFor(rate: number, periodMs: number, marginMs: number): SlidingWindow {
  if (!Number.isFinite(rate)) return new SlidingWindow(Infinity, periodMs);
  if (rate >= 1) return new SlidingWindow(Math.floor(rate), periodMs + marginMs);
  return new SlidingWindow(1, periodMs / rate + marginMs);
}

/**
 * Global, per-chat and per-group send limits; groups are chats with negative ids.
 *
 * Telegram counts a message when it arrives, somewhere between its request's start and its answer. A chat has
 * one request out at a time, so its windows count each message at the answer: safe however slow the network,
 * at no cost in speed. The global window counts a request when it leaves: counting it at the answer too would
 * cut the rate to `limit / (1 s + round trip)` (23/s instead of 30 at 300 ms), and requests that leave a window
 * apart arrive a window apart, give or take the spread of the network delay (`marginMs`). A request written to the
 * network later than it was counted (this process stalled in between) is counted again when it was written
 * (`departed`). A request answered later than usual (a stall on the way) may have arrived that much later, so it
 * is then counted at its answer less a fast round trip (about the latest it can have arrived, the way back being
 * at least about that quick).
 * Should Telegram still count differently, its 429 pauses everyone (`pauseUntil`).
 */
export class RateLimiter {
  private readonly global: SlidingWindow;
  /**
   * Spreads each second's messages over it: a tenth of the limit at once, then one every 1/limit s. A full
   * second's worth at once would put that many requests in flight together (more sockets, and more messages a
   * crash leaves unknown).
   */
  private readonly pace: Pacer;
  private readonly chats = new Map<number, SlidingWindow>();
  private readonly groups = new Map<number, SlidingWindow>();
  private records = 0;
  /** The last round trips (ms), for what counts as a usual one. */
  private readonly roundTrips: number[] = [];
  private readonly sortedRoundTrips: number[] = [];
  private usualRoundTrip = Infinity;
  private fastRoundTrip = 0;
  /** Nothing goes out before this (epoch ms): set by a 429, which Telegram means for the whole bot. */
  private pausedUntil = -Infinity;

  constructor(readonly limits: RateLimits = DEFAULT_RATE_LIMITS) {
    RateLimitsSchema.parse(limits);
    this.global = windowFor(limits.globalPerSecond, 1000, limits.marginMs);
    this.pace = new Pacer(paceFor(limits.globalPerSecond));
  }

  /** Whether a 429's pause is still on at `now`. */
  pausedAt(now: number): boolean {
    return this.pausedUntil > now;
  }

  /** Earliest time this chat may receive a message, ignoring the global limit. */
  chatReadyAt(chatId: number, now: number): number {
    const chat = this.chats.get(chatId)?.readyAt(now) ?? now;
    const group = chatId < 0 ? (this.groups.get(chatId)?.readyAt(now) ?? now) : now;
    return Math.max(chat, group);
  }

  /** Earliest time any message may go out under the global limit (and any pause). */
  globalReadyAt(now: number): number {
    return Math.max(this.global.readyAt(now), this.pace.readyAt(now), this.pausedUntil);
  }

  /** Send nothing to anyone before `until` (a 429's `retry_after`); a shorter pause never cuts a longer one. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Earliest time a message to this chat may go out. */
  readyAt(chatId: number, now: number): number {
    return Math.max(this.chatReadyAt(chatId, now), this.globalReadyAt(now));
  }

  /** Count a message whose request leaves now. */
  record(chatId: number, now: number): void {
    this.global.record(now);
    this.pace.record(now);
    if (Number.isFinite(this.limits.perChatPerSecond)) this.windowOf(this.chats, chatId, this.limits.perChatPerSecond, 1000).record(now);
    if (chatId < 0 && Number.isFinite(this.limits.perGroupPerMinute)) this.windowOf(this.groups, chatId, this.limits.perGroupPerMinute, 60_000).record(now);
    if (++this.records % 10_000 === 0) this.forget(now);
  }

  /**
   * The request counted at `countedAt` was written to the network only at `at`: this process stalled between the
   * decision and the write, so it reached Telegram that much later. The global window counts it then.
   */
  departed(countedAt: number, at: number): void {
    this.global.move(countedAt, at);
  }

  /**
   * The request that left at `leftAt` for this chat was answered at `at`; the sender calls this after every attempt,
   * and never has two requests out to one chat. The chat's and group's windows count it at `at`; the global window
   * keeps it at `leftAt`, unless the answer was later than usual (see the class comment).
   */
  settle(chatId: number, leftAt: number, at: number): void {
    const roundTrip = at - leftAt;
    if (roundTrip > this.usualRoundTrip) this.global.move(leftAt, at - this.fastRoundTrip);
    this.learnRoundTrip(roundTrip);
    if (Number.isFinite(this.limits.perChatPerSecond)) this.windowOf(this.chats, chatId, this.limits.perChatPerSecond, 1000).settleLast(at);
    if (chatId < 0 && Number.isFinite(this.limits.perGroupPerMinute)) this.windowOf(this.groups, chatId, this.limits.perGroupPerMinute, 60_000).settleLast(at);
  }

  // Usual: the 90th percentile of the last 64, so ordinary jitter moves nothing and only outliers count later;
  // fast: the 10th, a way back as quick as they come (counting an outlier at its answer less a usual round trip
  // let bursts delayed on the way in, 20 ms on the bench, arrive closer than a window to the ones a second later).
  // Kept sorted as they come and go, rather than sorted again for every answer of a broadcast.
  private learnRoundTrip(ms: number): void {
    this.roundTrips.push(ms);
    this.sortedRoundTrips.splice(sortedIndex(this.sortedRoundTrips, ms), 0, ms);
    if (this.roundTrips.length > 64) this.sortedRoundTrips.splice(sortedIndex(this.sortedRoundTrips, this.roundTrips.shift()!), 1);
    if (this.roundTrips.length < 8) return;
    this.usualRoundTrip = this.sortedRoundTrips[Math.floor(this.sortedRoundTrips.length * 0.9)]!;
    this.fastRoundTrip = this.sortedRoundTrips[Math.floor(this.sortedRoundTrips.length * 0.1)]!;
  }

  private windowOf(map: Map<number, SlidingWindow>, chatId: number, rate: number, periodMs: number): SlidingWindow {
    let w = map.get(chatId);
    if (!w) {
      w = windowFor(rate, periodMs, this.limits.marginMs);
      map.set(chatId, w);
    }
    return w;
  }

  // Windows with nothing left in them carry no information; dropping them bounds memory on big broadcasts.
  private forget(now: number): void {
    for (const map of [this.chats, this.groups]) for (const [id, w] of map) if (w.idle(now)) map.delete(id);
  }
}
