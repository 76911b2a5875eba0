import { randomBytes } from 'node:crypto';

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

/**
 * Rendered pages of long answers, under short random ASCII keys that fit in callback_data.
 * In memory only: after a restart old buttons get the "expired" toast, which is fine for a search bot.
 */
export class PageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: PageCacheOptions;

  constructor(options: Partial<PageCacheOptions> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Keep `pages` (and the answer's 转发 query, if any) and return their key (8 URL-safe characters). */
  put(pages: string[], share?: string): string {
    const key = randomBytes(6).toString('base64url');
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
  entry(key: string): { pages: string[]; share?: string } | undefined {
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
