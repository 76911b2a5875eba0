/**
 * The send budget several senders share: Telegram's limits are per bot, so with more than one instance sending,
 * each message must be counted where all of them see it. The sender asks `take` just before a request leaves
 * and `settle`s it when answered; a 429 pauses everyone.
 */
import { paceFor, RateLimiter, type Pace, type RateLimits } from './rate-limiter.ts';

export type BudgetVerdict = { ok: true; id: string } | { ok: false; readyAt: number; scope: 'global' | 'chat' };

export interface SendBudget {
  /** Count one message to `chatId` leaving at `now` if every limit allows it; otherwise when to ask again. */
  take(chatId: number, now: number): Promise<BudgetVerdict>;
  /**
   * The message counted as `id` was answered at `at` (the chat's and group's windows count it then). `leftAt`, when
   * later than the take, is when its request really left (a stall in between): the global window counts it then.
   */
  settle(id: string, at: number, leftAt?: number): Promise<void>;
  /** The message counted as `id` left only at `at`, well after it was counted: count it from then, now. */
  departed?(id: string, at: number): Promise<void>;
  /** A 429: nobody sends before `until`. */
  pauseUntil(until: number): Promise<void>;
}

/** Window sizes and counts, as the RateLimiter reads the limits (margin included); `Infinity` turns one off. */
export interface BudgetRules {
  global: { limit: number; windowMs: number };
  /** A tenth of a second's worth at once, then evenly, so a second's worth never leaves at once (as RateLimiter paces). */
  pace: Pace;
  chat: { limit: number; windowMs: number };
  group: { limit: number; windowMs: number };
}

function rule(rate: number, periodMs: number, marginMs: number): { limit: number; windowMs: number } {
  if (!Number.isFinite(rate)) return { limit: Infinity, windowMs: periodMs };
  if (rate >= 1) return { limit: Math.floor(rate), windowMs: periodMs + marginMs };
  return { limit: 1, windowMs: periodMs / rate + marginMs };
}

/**
 * Extra room in the shared global window. A message is counted when its sender takes the budget, and leaves after
 * its ledger row is written (a database round trip, longer under load); two workers' messages a second apart in the
 * budget could otherwise arrive less than a second apart. Costs about 5% of the rate (28.3/s instead of 30).
 */
export const SHARED_MARGIN_MS = 50;

/** The budget's rules for the configured limits (RateLimiter's arithmetic, plus SHARED_MARGIN_MS on the global window). */
export function budgetRules(limits: RateLimits): BudgetRules {
  return {
    global: rule(limits.globalPerSecond, 1000, limits.marginMs + SHARED_MARGIN_MS),
    pace: paceFor(limits.globalPerSecond),
    chat: rule(limits.perChatPerSecond, 1000, limits.marginMs),
    group: rule(limits.perGroupPerMinute, 60_000, limits.marginMs),
  };
}

/** What a store must offer to hold a shared budget (PostgreSQL does). */
export interface BudgetStore {
  /** `owner` is the sending process, so the messages it left in flight can be settled when it is known dead. */
  budgetTake(chatId: number, now: number, rules: BudgetRules, owner: string): Promise<BudgetVerdict>;
  budgetSettle(id: string, at: number, leftAt?: number): Promise<void>;
  budgetDeparted(id: string, at: number): Promise<void>;
  budgetPause(until: number): Promise<void>;
}

/** A budget kept in a shared store; `owner` names this process (see processOwner). */
export function storeBudget(store: BudgetStore, limits: RateLimits, owner: string): SendBudget {
  const rules = budgetRules(limits);
  return {
    take: (chatId, now) => store.budgetTake(chatId, now, rules, owner),
    settle: (id, at, leftAt) => store.budgetSettle(id, at, leftAt),
    departed: (id, at) => store.budgetDeparted(id, at),
    pauseUntil: (until) => store.budgetPause(until),
  };
}

/** A budget in this process's memory, for senders sharing one process (tests): one RateLimiter for all of them. */
export function memoryBudget(limits: RateLimits): SendBudget {
  const limiter = new RateLimiter(limits);
  const out = new Map<string, { chatId: number; leftAt: number }>();
  let seq = 0;
  return {
    async take(chatId, now) {
      const chatReady = limiter.chatReadyAt(chatId, now);
      if (chatReady > now) return { ok: false, readyAt: chatReady, scope: 'chat' };
      const globalReady = limiter.globalReadyAt(now);
      if (globalReady > now) return { ok: false, readyAt: globalReady, scope: 'global' };
      limiter.record(chatId, now);
      const id = String(++seq);
      out.set(id, { chatId, leftAt: now });
      return { ok: true, id };
    },
    async departed(id, at) {
      const o = out.get(id);
      if (!o || at <= o.leftAt) return;
      limiter.departed(o.leftAt, at);
      o.leftAt = at;
    },
    async settle(id, at, leftAt) {
      const o = out.get(id);
      if (!o) return;
      out.delete(id);
      const left = Math.max(o.leftAt, leftAt ?? o.leftAt);
      limiter.departed(o.leftAt, left);
      limiter.settle(o.chatId, left, at);
    },
    async pauseUntil(until) {
      limiter.pauseUntil(until);
    },
  };
}
