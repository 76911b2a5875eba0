// The answering code warmed up in the background once the bot takes updates (see core/warm-up.ts for why): a few
// milliseconds of answers at a time, the event loop free in between, so a user asking meanwhile waits one slice at most.
import { answerUncached, type Engine } from '../core/engine.ts';
import type { Report } from '../core/report.ts';
import { WARM_UP_ANSWERS, warmUpQueries, warmUpSteps } from '../core/warm-up.ts';

export interface WarmUp {
  /** Stop after the slice running now (a stopping bot, a chat that ended). */
  stop(): void;
  /** Resolves when the warm-up is over or stopped: how many answers it gave, in how many milliseconds. */
  done: Promise<{ answers: number; ms: number }>;
}

export interface WarmUpOptions {
  /** Answers given in all (default WARM_UP_ANSWERS). */
  answers: number;
  /** The longest one slice answers for before giving the event loop back. */
  sliceMs: number;
}

/** Warm `engine` up on queries made from `report`, in slices of `sliceMs` between the event loop's other work. */
export function warmUpInBackground(engine: Engine, report: Report, options: Partial<WarmUpOptions> = {}): WarmUp {
  const { answers = WARM_UP_ANSWERS, sliceMs = 4 } = options;
  let steps: Iterator<void> | null = null;
  const started = performance.now();
  let given = 0;
  let stopped = false;
  let finish: (r: { answers: number; ms: number }) => void = () => {};
  const done = new Promise<{ answers: number; ms: number }>((resolve) => (finish = resolve));
  const slice = (): void => {
    try {
      // Made in the first slice: a report the queries cannot be made from must not fail the start.
      steps ??= warmUpSteps(answerUncached(engine), warmUpQueries(report), answers);
      const until = performance.now() + sliceMs;
      while (!stopped && performance.now() < until) {
        if (steps.next().done) stopped = true;
        else given++;
      }
    } catch {
      // The engine reports its own bugs (onError); a warm-up that cannot go on just ends.
      stopped = true;
    }
    if (stopped) finish({ answers: given, ms: performance.now() - started });
    else setImmediate(slice);
  };
  setImmediate(slice);
  return {
    stop: () => {
      stopped = true;
    },
    done,
  };
}
