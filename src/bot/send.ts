/** Retrying Bot API calls the way Telegram asks: wait `retry_after` on 429, back off on 5xx and network errors, give up on 4xx. */
import { TelegramError } from 'telegraf';
import { classifyError } from '../api-errors.ts';

export interface RetryOptions {
  /** Total tries, including the first (default 3). */
  attempts: number;
  /** Longest `retry_after` worth waiting for in an interactive reply (default 10 s); longer ones give up. */
  maxRetryAfterMs: number;
  /** First back-off after a 5xx or network error, doubled each time (default 500 ms). */
  backoffMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** Three tries; wait up to 10 s for a 429, back off 0.5 s then 1 s on server and network errors. */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  attempts: 3,
  maxRetryAfterMs: 10_000,
  backoffMs: 500,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

/** HTTP-ish status of a failed call: the Bot API error code, 0 for network errors, -1 for anything else (a bug: never retried). */
export function errorCode(err: unknown): number {
  if (err instanceof TelegramError) return typeof err.code === 'number' ? err.code : 500;
  // telegraf uses node-fetch, whose transport failures are FetchErrors.
  if (err instanceof Error && (err.name === 'FetchError' || 'errno' in err)) return 0;
  return -1;
}

/** True when the user, chat or forum topic can no longer be written to (blocked, kicked, gone, topic deleted): no point in retrying or replying. */
export function isUnreachable(err: unknown): boolean {
  const kind = classifyError(err).kind;
  return kind === 'gone' || kind === 'topic_gone';
}

/**
 * How long to wait before retrying `err`, or null to give up. A timeout or reset is not retried: Telegram may have
 * delivered the reply, and a user seeing the same answer twice is worse than a missing one they can ask again.
 */
export function retryDelay(err: unknown, attempt: number, opts: RetryOptions): number | null {
  if (errorCode(err) === -1) return null; // a bug in our own code: retrying cannot help
  const failure = classifyError(err);
  if (failure.kind === 'retry_after') return failure.ms <= opts.maxRetryAfterMs ? failure.ms : null;
  if (failure.kind === 'transient') return opts.backoffMs * 2 ** (attempt - 1);
  return null;
}

/** Run `call`, retrying per RetryOptions; rethrows the last error. `onRetry` hears about each wait (for logs). */
export async function withRetry<T>(call: () => Promise<T>, options: Partial<RetryOptions> = {}, onRetry?: (err: unknown, delayMs: number, attempt: number) => void): Promise<T> {
  const opts = { ...DEFAULT_RETRY, ...options };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const delay = attempt < opts.attempts ? retryDelay(err, attempt, opts) : null;
      if (delay === null) throw err;
      onRetry?.(err, delay, attempt);
      await opts.sleep(delay);
    }
  }
}
