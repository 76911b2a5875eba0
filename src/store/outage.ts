/**
 * A shared database that goes away must not silence the bot: searching never needs it. This module notices the
 * outage (a call failing for want of the database, or its tables gone), makes further calls fail at once instead of
 * waiting on connection timeouts, and tries every few seconds to get the database back (migrating a database
 * recreated empty, under the migrations' advisory lock). Callers decide what to do meanwhile (flood control and page
 * buttons in the instance's memory, usage counts dropped, subscription commands answered with a specific sentence).
 */
import type { SubscriptionStore } from './types.ts';

/** A store call that failed because the database cannot be used now; `cause` is what the driver said. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// Node's socket errors when the server (or the network to it) is gone.
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATEs that say "not now" rather than "your query is wrong": class 08 (connection), the server shutting down or
// starting (57P01-57P03), the database gone (3D000), our tables or schema gone (42P01, 3F000: recreated empty).
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '3D000', '42P01', '3F000', '53300']);
// pg's own messages for a connection it lost or could not make (they carry no code).
const PG_CONNECTION_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|connection error|Connection refused|terminating connection/i;

/** True when `err` means the database cannot be used right now, as opposed to a bug or a refused value. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  if (err instanceof AggregateError) return err.errors.some(isUnavailable);
  return PG_CONNECTION_MESSAGE.test(err.message);
}

/** A store that can be brought back after an outage: reconnect, and migrate again if its tables are gone. */
export interface Recoverable {
  recover(): Promise<void>;
}

export interface OutageOptions {
  /** How often to try to get the database back while it is down (default 2 s). */
  probeMs?: number;
  /** Told when the database goes away (with what failed) and when it is back. */
  onChange?: (state: 'down' | 'up', err?: unknown) => void;
}

/** Whether the database is usable, and the probe that brings it back. */
export class StoreOutage {
  private downSince: number | null = null;
  private probe: ReturnType<typeof setInterval> | null = null;
  private probing = false;
  private stopped = false;

  constructor(private readonly target: Recoverable, private readonly options: OutageOptions = {}) {}

  /** True from the first failure for want of the database until a probe gets it back. */
  get down(): boolean {
    return this.downSince !== null;
  }

  /** Note a failed call: when it was for want of the database, the outage starts (once) and the probe runs. */
  failed(err: unknown): void {
    if (this.stopped || this.downSince !== null || !isUnavailable(err)) return;
    this.downSince = Date.now();
    this.options.onChange?.('down', err);
    this.probe = setInterval(() => void this.tryRecover(), this.options.probeMs ?? 2_000);
    this.probe.unref();
  }

  /** One attempt to get the database back now (the probe's; tests call it to skip the wait). */
  async tryRecover(): Promise<boolean> {
    if (this.downSince === null) return true;
    if (this.probing || this.stopped) return false;
    this.probing = true;
    try {
      await this.target.recover();
      this.downSince = null;
      if (this.probe) clearInterval(this.probe);
      this.probe = null;
      this.options.onChange?.('up');
      return true;
    } catch {
      return false;
    } finally {
      this.probing = false;
    }
  }

  /** Stop probing (the bot is stopping). */
  stop(): void {
    this.stopped = true;
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }
}

// Methods that keep their own meaning during an outage: `answers` already says false, `close` must still close.
const PASS_THROUGH: ReadonlySet<PropertyKey> = new Set(['answers', 'close']);

/**
 * `store` with every call watched by `outage`: a call failing for want of the database starts the outage and
 * rejects with StoreUnavailableError; while it lasts, calls reject with it at once (no connection timeout per call).
 */
export function guardStore(store: SubscriptionStore, outage: StoreOutage): SubscriptionStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || PASS_THROUGH.has(key)) return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (outage.down) throw new StoreUnavailableError(`database unavailable (${String(key)} not tried)`);
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (err) {
          if (!isUnavailable(err)) throw err;
          outage.failed(err);
          throw new StoreUnavailableError(`database unavailable: ${(err as Error).message}`, { cause: err });
        }
      };
    },
  });
}

/** `promise`, or a StoreUnavailableError after `ms` (a database that stopped answering without closing the connection). */
export function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The shared store's answer while the database answers (within `ms`), else `fallback`'s: an unavailable database is
 * reported to `outage` once, any other error is thrown. What an instance-memory fallback (flood control, pages) does.
 */
export async function sharedOr<T>(
  outage: { readonly down: boolean; failed(err: unknown): void },
  ms: number,
  shared: () => T | Promise<T>,
  fallback: () => T,
): Promise<T> {
  if (outage.down) return fallback();
  try {
    return await withinMs(Promise.resolve(shared()), ms);
  } catch (err) {
    if (!isUnavailable(err)) throw err;
    outage.failed(err);
    return fallback();
  }
}
