/** Time as the digest code sees it; injected so schedules and retries are deterministic in tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Wait `ms`, or less if `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Let pending I/O run (one turn of the event loop), so a request just made is written now. Optional: virtual
   * clocks in tests leave it out, as their time moves only when nothing else can run.
   */
  yieldToIo?(): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
  yieldToIo: () => new Promise<void>((resolve) => setImmediate(resolve)),
});
