import type { Clock } from '../../src/digest/clock.ts';

/** A clock that only moves when told to, or when someone sleeps (sleeping jumps ahead instantly). */
export interface VirtualClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function virtualClock(iso: string): VirtualClock {
  let t = Date.parse(iso);
  return {
    now: () => t,
    async sleep(ms) {
      t += Math.max(0, ms);
      await Promise.resolve();
    },
    set(next) {
      t = Date.parse(next);
    },
    advance(ms) {
      t += ms;
    },
  };
}
