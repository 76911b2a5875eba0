// The report in service, in one place: `data/report.json`, the articles in `data/raw/` and `$DATA_DIR/articles/` it
// was not built with, and (given a store) the store's shared list of what other instances added or withdrew. Every
// entry point opens it: the bot (polling, webhook, terminal chat) and inline mode keep it and follow it; `ask`,
// `broadcast` and `add` open it once. So a chat, a cron broadcast and an operator's `ask` see the same articles.
import { join } from 'node:path';
import type { EngineOptions } from '../core/engine.ts';
import type { RawArticle } from '../ingest/build.ts';
import { readRawArticles, readReferenceData } from '../ingest/files.ts';
import { loadEngine } from '../load-engine.ts';
import { articlesDir, FolderSync, watchFolders, type SyncResult } from './folders.ts';
import { Library, type LibraryOptions, type Snapshot } from './library.ts';
import { ArticleMirror, type MirrorOptions, type SharedArticleStore } from './mirror.ts';

export interface ReportSourceOptions {
  /** The project's data folder: reference data, `raw/`, and `report.json` unless `reportPath` says otherwise. */
  dataDir?: string;
  /** The built report (the bot's REPORT_PATH); default `<dataDir>/report.json`. */
  reportPath?: string;
  /** `$DATA_DIR`, whose `articles/` holds what `npm run add` and admins added; null when there is none. */
  stateDir: string | null;
  engine?: Partial<EngineOptions>;
  /** Hears about every article taken in (alerts, the shared list). */
  onAdded?: LibraryOptions['onAdded'];
  /** Epoch ms (injected for tests). */
  now?: () => number;
  /** DIGEST_TIMEZONE: the day an article with no date of its own is given (with a warning). */
  timezone?: string;
}

/** The report in service and where it comes from. */
export class ReportSource {
  /** The pipeline every new article goes through, and the snapshot queries read. */
  readonly library: Library;
  /** The folders articles are taken in from: `data/raw/`, then `$DATA_DIR/articles/`. */
  readonly folders: readonly string[];
  private readonly sync: FolderSync;
  private following: ArticleMirror | null = null;

  private constructor(library: Library, folders: readonly string[]) {
    this.library = library;
    this.folders = folders;
    // A file withdrawn (undo, `npm run remove`) since it last changed is not taken in again.
    this.sync = new FolderSync(library, folders, (source, mtimeMs) => this.following?.isWithdrawn(source, mtimeMs) ?? false);
  }

  /**
   * Load the built report and engine (throws with the file and the fix when it is missing or invalid); articles in
   * the folders come in at the first `syncFolders()`. Reference data is read only when an article is built.
   */
  static open(options: ReportSourceOptions): ReportSource {
    const dataDir = options.dataDir ?? 'data';
    const loaded = loadEngine(dataDir, options.engine ?? {}, options.reportPath ?? join(dataDir, 'report.json'));
    const inReport = new Set(loaded.report.articles.map((a) => a.source));
    // The texts of the built articles, so the same text dropped in again under another name is refused as a duplicate.
    const texts = rawTexts(dataDir).filter((a) => inReport.has(a.source));
    const library = new Library(
      loaded,
      { refs: () => readReferenceData(dataDir), ...(options.onAdded ? { onAdded: options.onAdded } : {}), ...(options.now ? { now: options.now } : {}), ...(options.timezone ? { timezone: options.timezone } : {}) },
      texts,
    );
    const folders = [join(dataDir, 'raw'), ...(options.stateDir !== null ? [articlesDir(options.stateDir)] : [])];
    return new ReportSource(library, folders);
  }

  /** The snapshot in service: read once per query and use its report and engine together. */
  current(): Snapshot {
    return this.library.current();
  }

  /** Take in every article in the folders not in service yet (oldest first); what was refused is returned, not thrown. */
  syncFolders(): SyncResult {
    return this.sync.sync();
  }

  /** Watch the folders and call `onChange` once they settle; returns a function that stops watching. */
  watch(onChange: () => void, onError: (dir: string, err: unknown) => void): () => void {
    return watchFolders(this.folders, onChange, onError);
  }

  /** The shared list this source follows, once `follow` was called. */
  get mirror(): ArticleMirror | null {
    return this.following;
  }

  /**
   * Follow the store's shared list: what other instances added comes in, what was withdrawn goes out, and a
   * withdrawn file in the folders stays out. Call `mirror.pull()` to read the list (the bot does so every few seconds).
   */
  follow(store: SharedArticleStore, options: Omit<MirrorOptions, 'library' | 'store'> = {}): ArticleMirror {
    this.following = new ArticleMirror({ library: this.library, store, ...options });
    return this.following;
  }
}

export interface InServiceOptions {
  dataDir?: string;
  reportPath: string;
  /** `$DATA_DIR`. */
  stateDir: string | null;
  /** The store whose shared list to read (what other instances added or withdrew); null: the folders only. */
  store: SharedArticleStore | null;
  engine?: Partial<EngineOptions>;
  /** An article in a folder or on the list that could not be taken in (it is left out; the others are in). */
  onRefused?: (source: string, reason: string) => void;
  /** The list could not be read: without this the promise rejects; with it the report is the folders' and this hears why. */
  onListError?: (err: unknown) => void;
}

/**
 * The report in service as a running bot would answer right now, for one-shot commands (`ask`, `broadcast`, `add`):
 * the built report, the folders, then the shared list. Nothing is written: a withdrawn article's file is left for
 * the bot to delete. A store that cannot be read rejects (a broadcast must not spend the day's digests on an old report).
 */
export async function reportInService(options: InServiceOptions): Promise<ReportSource> {
  const source = ReportSource.open({ stateDir: options.stateDir, reportPath: options.reportPath, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.engine ? { engine: options.engine } : {}) });
  const { refused } = source.syncFolders();
  for (const r of refused) options.onRefused?.(r.source, r.reason);
  if (options.store) {
    const mirror = source.follow(options.store, { onChange: (c) => { if (c.kind === 'refused') options.onRefused?.(c.source, c.reason); } });
    try {
      await mirror.pull();
    } catch (err) {
      if (!options.onListError) throw err;
      options.onListError(err);
    }
  }
  return source;
}

/** What a one-shot command needs to know to find the report in service (a slice of Config). */
export interface CommandConfig {
  reportPath: string;
  dataDir: string;
  databaseUrl: string | null;
}

/**
 * `reportInService` for a command that has no store open (`ask`, `add`): with DATABASE_URL the shared list is read
 * from PostgreSQL (articles other instances added may be in no folder here); with SQLite every article on the list
 * is in `$DATA_DIR/articles/` too, so the folders are enough and no database file is created. A list that cannot be
 * read is reported to `onListError` and the answer comes from the folders.
 */
export async function reportForCommand(config: CommandConfig, options: { dataDir?: string; reportPath?: string; onRefused?: InServiceOptions['onRefused']; onListError?: (err: unknown) => void } = {}): Promise<ReportSource> {
  const base = { reportPath: options.reportPath ?? config.reportPath, stateDir: config.dataDir, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.onRefused ? { onRefused: options.onRefused } : {}) };
  if (!config.databaseUrl) return reportInService({ ...base, store: null });
  // Imported here: with SQLite, `ask` and `add` load no database driver at all.
  const { openStore } = await import('../store/open.ts');
  let store: Awaited<ReturnType<typeof openStore>>['store'] | null = null;
  try {
    store = (await openStore(config)).store;
  } catch (err) {
    options.onListError?.(err);
  }
  try {
    return await reportInService({ ...base, store, onListError: options.onListError ?? (() => {}) });
  } finally {
    await store?.close();
  }
}

/** The texts in `data/raw/`, none when there is no such folder (a report.json on its own still answers). */
function rawTexts(dataDir: string): RawArticle[] {
  try {
    return readRawArticles(dataDir);
  } catch {
    return [];
  }
}
