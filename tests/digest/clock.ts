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

/** A virtual clock for concurrent code (see `simulatedClock`). */
export interface SimulatedClock extends VirtualClock {
  /** Treat `work` as in progress: time stands still until it settles (a request to a real local server, say). */
  track<T>(work: Promise<T>): Promise<T>;
}

/**
 * A virtual clock under which concurrent sleepers wake in time order, like a discrete-event simulation: time
 * jumps to the earliest sleeper only once nothing else can run (no pending promise callbacks, no tracked work).
 * So a fake API that sleeps 100 ms per request lets ten requests overlap in 100 virtual ms, as the network would,
 * where `virtualClock` would add their sleeps one after another.
 */
export function simulatedClock(iso: string): SimulatedClock {
  let t = Date.parse(iso);
  let seq = 0;
  let busy = 0;
  let pumping = false;
  const sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  const pump = (): void => {
    pumping = false;
    if (busy > 0 || sleepers.length === 0) return;
    let first = 0;
    for (let i = 1; i < sleepers.length; i++) {
      const s = sleepers[i]!;
      const f = sleepers[first]!;
      if (s.at < f.at || (s.at === f.at && s.seq < f.seq)) first = i;
    }
    const [next] = sleepers.splice(first, 1);
    t = Math.max(t, next!.at);
    next!.wake();
    schedule();
  };
  // setImmediate runs after every pending promise callback: whatever the woken code does next has been done.
  const schedule = (): void => {
    if (pumping) return;
    pumping = true;
    setImmediate(pump);
  };
  return {
    now: () => t,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        if (ms <= 0 || signal?.aborted) return resolve();
        const sleeper = {
          at: t + ms,
          seq: seq++,
          wake: () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          },
        };
        const abort = (): void => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
          resolve();
        };
        signal?.addEventListener('abort', abort, { once: true });
        sleepers.push(sleeper);
        schedule();
      });
    },
    track(work) {
      busy++;
      const done = (): void => {
        busy--;
        schedule();
      };
      work.then(done, done);
      return work;
    },
    set(next) {
      t = Date.parse(next);
    },
    advance(ms) {
      t += ms;
    },
  };
}
