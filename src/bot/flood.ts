/** Per-user flood control: a sliding window of recent commands, in this process or in the shared store. */
import { sharedOr } from '../store/outage.ts';
import { floodStep, type FloodState } from '../store/shared.ts';
import type { FloodVerdict, SubscriptionStore } from '../store/types.ts';

export type { FloodVerdict } from '../store/types.ts';

/** What the middleware asks: one more message from a user; sync in memory, async in the store. */
export interface FloodCounter {
  hit(userId: number | string): FloodVerdict | Promise<FloodVerdict>;
  /** Forget idle users (in-memory counters only). */
  sweep?(): void;
}

export interface FloodOptions {
  /** Commands allowed per window (default 6). */
  limit: number;
  /** Window length in ms (default 10 s). */
  windowMs: number;
  /** Milliseconds since the epoch; injected so tests control time. */
  clock: () => number;
}

const DEFAULTS: FloodOptions = Object.freeze({ limit: 6, windowMs: 10_000, clock: Date.now });

/** Decides, per user, whether a command is answered, gets the one "slow down" notice, or is dropped silently. */
export class FloodGuard implements FloodCounter {
  private readonly users = new Map<string, FloodState>();
  private readonly opts: FloodOptions;

  constructor(options: Partial<FloodOptions> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Record one command from `userId`; past the limit the first call says `warn`, later ones `drop` until the window frees up. */
  hit(userId: number | string): FloodVerdict {
    const now = this.opts.clock();
    const key = String(userId);
    const { verdict, next } = floodStep(this.users.get(key) ?? null, now, this.opts.windowMs, this.opts.limit);
    this.users.set(key, next);
    return verdict;
  }

  /** Forget users with no recent commands, so memory stays bounded on a busy bot. */
  sweep(): void {
    const now = this.opts.clock();
    for (const [key, w] of this.users) {
      if (w.hits.every((t) => now - t >= this.opts.windowMs)) this.users.delete(key);
    }
  }

  /** Number of users currently tracked. */
  get size(): number {
    return this.users.size;
  }
}

/**
 * The same rule counted in the shared store (with DATABASE_URL), so a user is limited across every instance
 * behind the load balancer. `name` keeps separate budgets apart (messages, buttons).
 */
export class StoreFloodGuard implements FloodCounter {
  private readonly opts: FloodOptions;

  constructor(
    private readonly store: Pick<SubscriptionStore, 'floodHit'>,
    private readonly name: string,
    options: Partial<FloodOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  hit(userId: number | string): Promise<FloodVerdict> {
    return this.store.floodHit(`${this.name}:${userId}`, this.opts.clock(), this.opts.windowMs, this.opts.limit);
  }
}

/**
 * The shared count while the database answers, this instance's own count while it does not (a PostgreSQL outage
 * must not silence the bot): a user is then limited per instance, which is what a single instance does anyway.
 */
export class FallbackFloodGuard implements FloodCounter {
  constructor(
    private readonly shared: FloodCounter,
    private readonly memory: FloodGuard,
    private readonly outage: { readonly down: boolean; failed(err: unknown): void },
    /** Longest wait for the shared count before counting here (default 2 s). */
    private readonly timeoutMs = 2_000,
  ) {}

  async hit(userId: number | string): Promise<FloodVerdict> {
    return sharedOr(this.outage, this.timeoutMs, () => this.shared.hit(userId), () => this.memory.hit(userId));
  }

  sweep(): void {
    this.memory.sweep();
  }
}
