import { randomBytes } from 'node:crypto';
import { sharedOr } from '../store/outage.ts';
import type { SubscriptionStore } from '../store/types.ts';

/** An answer's pages, and the inline query behind its 转发 button (kept so every page shows it). */
export interface PageEntry {
  pages: string[];
  share?: string;
}

/** Where long answers' pages wait for 上一页/下一页: in this process (PageCache) or in the shared store (StorePages). */
export interface Pages {
  /** Keep `pages` (and the 转发 query, if any) and return their key (8 URL-safe characters, fits callback_data). */
  put(pages: string[], share?: string): string | Promise<string>;
  /** The pages and 转发 query under `key`, or undefined when unknown or expired. */
  entry(key: string): PageEntry | undefined | Promise<PageEntry | undefined>;
}

export interface PageCacheOptions {
  /** Most answers kept; the oldest is forgotten first (default 500). */
  maxEntries: number;
  /** How long page buttons keep working (default 48 h). */
  ttlMs: number;
  clock: () => number;
}

const DEFAULTS: PageCacheOptions = Object.freeze({ maxEntries: 500, ttlMs: 48 * 3600_000, clock: Date.now });

interface Entry {
  pages: string[];
  /** The inline query behind the 转发 button, kept so every page shows it. */
  share?: string;
  expires: number;
}

/** A fresh page key: 48 random bits, so keys from different instances never collide in practice. */
function newKey(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * Rendered pages of long answers, under short random ASCII keys that fit in callback_data.
 * In memory only, for tests and the terminal: the bot keeps its pages in the store (StorePages).
 */
export class PageCache implements Pages {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: PageCacheOptions;

  constructor(options: Partial<PageCacheOptions> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Keep `pages` (and the answer's 转发 query, if any) and return their key (8 URL-safe characters). */
  put(pages: string[], share?: string): string {
    const key = newKey();
    this.entries.set(key, { pages, ...(share !== undefined ? { share } : {}), expires: this.opts.clock() + this.opts.ttlMs });
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return key;
  }

  /** The pages under `key`, or undefined when unknown or expired. */
  get(key: string): string[] | undefined {
    return this.entry(key)?.pages;
  }

  /** The pages and 转发 query under `key`, or undefined when unknown or expired. */
  entry(key: string): PageEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.opts.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Pages in the subscription store, so a tap on 下一页 works whichever instance gets it and after a restart.
 * The pages themselves are kept (not the query): a re-ingested report must not change an answer already shown.
 */
export class StorePages implements Pages {
  constructor(
    private readonly store: Pick<SubscriptionStore, 'putPages' | 'getPages'>,
    private readonly opts: { ttlMs: number; clock: () => number } = { ttlMs: DEFAULTS.ttlMs, clock: DEFAULTS.clock },
  ) {}

  async put(pages: string[], share?: string): Promise<string> {
    const key = newKey();
    const now = this.opts.clock();
    // The store keeps a list of strings: the 转发 query rides along as a last, marked entry no page can start with.
    await this.store.putPages(key, share === undefined ? pages : [...pages, `${SHARE_MARK}${share}`], now + this.opts.ttlMs, now);
    return key;
  }

  async entry(key: string): Promise<PageEntry | undefined> {
    const stored = await this.store.getPages(key, this.opts.clock());
    if (!stored) return undefined;
    const last = stored[stored.length - 1];
    if (last?.startsWith(SHARE_MARK)) return { pages: stored.slice(0, -1), share: last.slice(SHARE_MARK.length) };
    return { pages: stored };
  }
}

/** Marks the stored 转发 query: the unit separator, a control character rendered pages never contain (PostgreSQL text refuses NUL). */
const SHARE_MARK = '\u001fshare:';

/**
 * Pages in the shared store while the database answers, in this instance's memory while it does not: a long answer
 * given during an outage can still be paged (on this instance), and one given before it says it has expired.
 */
export class FallbackPages implements Pages {
  constructor(
    private readonly shared: Pages,
    private readonly memory: PageCache,
    private readonly outage: { readonly down: boolean; failed(err: unknown): void },
    /** Longest wait for the shared store before using memory (default 2 s). */
    private readonly timeoutMs = 2_000,
  ) {}

  async put(pages: string[], share?: string): Promise<string> {
    return sharedOr(this.outage, this.timeoutMs, () => this.shared.put(pages, share), () => this.memory.put(pages, share));
  }

  async entry(key: string): Promise<PageEntry | undefined> {
    // Keys are random, so one kept here during an outage never names another answer in the store.
    const kept = this.memory.entry(key);
    if (kept) return kept;
    return sharedOr(this.outage, this.timeoutMs, () => this.shared.entry(key), () => undefined);
  }
}
