/** Per-user flood control: a sliding window of recent commands. */

export type FloodVerdict = 'allow' | 'warn' | 'drop';

export interface FloodOptions {
  /** Commands allowed per window (default 6). */
  limit: number;
  /** Window length in ms (default 10 s). */
  windowMs: number;
  /** Milliseconds since the epoch; injected so tests control time. */
  clock: () => number;
}

const DEFAULTS: FloodOptions = Object.freeze({ limit: 6, windowMs: 10_000, clock: Date.now });

interface UserWindow {
  hits: number[];
  warned: boolean;
}

/** Decides, per user, whether a command is answered, gets the one "slow down" notice, or is dropped silently. */
export class FloodGuard {
  private readonly users = new Map<string, UserWindow>();
  private readonly opts: FloodOptions;

  constructor(options: Partial<FloodOptions> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Record one command from `userId`; past the limit the first call says `warn`, later ones `drop` until the window frees up. */
  hit(userId: number | string): FloodVerdict {
    const now = this.opts.clock();
    const key = String(userId);
    const w = this.users.get(key) ?? { hits: [], warned: false };
    w.hits = w.hits.filter((t) => now - t < this.opts.windowMs);
    this.users.set(key, w);
    if (w.hits.length < this.opts.limit) {
      w.hits.push(now);
      w.warned = false;
      return 'allow';
    }
    // Over the limit: dropped commands are not counted, so the user is free again once old ones age out.
    if (w.warned) return 'drop';
    w.warned = true;
    return 'warn';
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
