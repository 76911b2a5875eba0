// Articles on disk: `$DATA_DIR/articles/` (what `npm run add` and bot admins add, so it survives restarts) and
// `data/raw/`. At start and whenever a watched folder changes, every .txt not yet in service goes through the library.
// Folders are made with ensureDir: a recursive mkdirSync loops for ever on paths like /proc/1/x.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, unlinkSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir } from '../store/open-file.ts';
import { ArticleRefused, checkArticleBytes, MAX_ARTICLE_BYTES, type Added, type Library } from './library.ts';

/** Where added articles are kept. */
export function articlesDir(dataDir: string): string {
  return join(dataDir, 'articles');
}

const WORDS = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/u;

/**
 * A stable file name for an added article, starting with its date: `<date>-<words>.txt` when the given name is
 * `yyyy-mm-dd-words.txt` in plain letters, otherwise `<date>-<first 10 hex of the text's sha256>.txt` (a name in Chinese,
 * with spaces, or none), so the same text added twice gets the same name. The date is the article's, as chosen.
 */
export function stableArticleName(text: string, date: string, given?: string): string {
  const base = (given?.split(/[\\/]/u).pop() ?? '').replace(/\.(txt|md|markdown|html?)$/iu, '');
  const words = /^\d{4}-\d{2}-\d{2}-(.+)$/u.exec(base)?.[1];
  if (words !== undefined && WORDS.test(words)) return `${date}-${words}.txt`;
  return `${date}-${createHash('sha256').update(text).digest('hex').slice(0, 10)}.txt`;
}

/** What an added article was before it became clean text, kept beside it (`<name>.source.json`). */
export const ArticleProvenanceSchema = z.object({
  /** The file name it came as (null: pasted or standard input). */
  file: z.string().nullable(),
  format: z.string(),
  encoding: z.string(),
  url: z.string().nullable(),
  date: z.string(),
  dateFrom: z.string(),
});
export type ArticleProvenance = z.infer<typeof ArticleProvenanceSchema>;

/** The provenance file beside an article. */
function provenancePath(dataDir: string, name: string): string {
  return join(articlesDir(dataDir), `${name.replace(/\.txt$/u, '')}.source.json`);
}

/** Write an article into `$DATA_DIR/articles/` (temporary file, then rename, so a watcher never reads half of it). */
export function saveArticle(dataDir: string, name: string, text: string, provenance?: ArticleProvenance): string {
  const dir = articlesDir(dataDir);
  ensureDir(dir);
  const path = join(dir, name);
  // The source first: a watcher that takes the article in never finds it without its provenance.
  if (provenance) writeFileSync(provenancePath(dataDir, name), `${JSON.stringify(provenance, null, 2)}\n`);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return path;
}

/** Delete an added article's file (undo); false when there was none. */
export function deleteArticle(dataDir: string, name: string): boolean {
  try {
    unlinkSync(join(articlesDir(dataDir), name));
    try {
      unlinkSync(provenancePath(dataDir, name));
    } catch {
      // Articles saved without provenance (older ones, files dropped in by hand) have none.
    }
    return true;
  } catch {
    return false;
  }
}

/** Read and check one article file: the size before reading, then UTF-8 and the text checks. */
export function readArticleFile(path: string, source: string): { text: string; mtimeMs: number } {
  const st = statSync(path);
  if (st.size > MAX_ARTICLE_BYTES) throw new ArticleRefused(source, `太大（${Math.round(st.size / 1024)} KB，上限 ${MAX_ARTICLE_BYTES / 1024} KB），不像是一篇报道`);
  return { text: checkArticleBytes(source, readFileSync(path)), mtimeMs: st.mtimeMs };
}

/** What one pass over the folders did. */
export interface SyncResult {
  added: Added[];
  refused: ArticleRefused[];
}

/** Takes in every .txt in `dirs` the library does not have; a file refused once is tried again only when it changes. */
export class FolderSync {
  /** `path` → `size:mtime` of files refused, so a bad file is reported once, not at every change of the folder. */
  private readonly refusedFiles = new Map<string, string>();

  constructor(
    private readonly library: Library,
    private readonly dirs: readonly string[],
    /** Files not to take in (an article withdrawn by an undo since the file last changed: see ArticleMirror). */
    private readonly skip: (source: string, mtimeMs: number) => boolean = () => false,
  ) {}

  /** One pass: articles in name order (dates first in the name, so oldest first). */
  sync(): SyncResult {
    const result: SyncResult = { added: [], refused: [] };
    for (const dir of this.dirs) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((f) => f.endsWith('.txt') && !f.startsWith('.')).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        if (this.library.has(name)) continue;
        const path = join(dir, name);
        let stamp: string;
        try {
          const st = statSync(path);
          if (this.skip(name, st.mtimeMs)) continue;
          stamp = `${st.size}:${st.mtimeMs}`;
        } catch {
          continue;
        }
        if (this.refusedFiles.get(path) === stamp) continue;
        try {
          const { text, mtimeMs } = readArticleFile(path, name);
          result.added.push(this.library.add({ source: name, text }, mtimeMs));
          this.refusedFiles.delete(path);
        } catch (err) {
          if (!(err instanceof ArticleRefused)) throw err;
          this.refusedFiles.set(path, stamp);
          result.refused.push(err);
        }
      }
    }
    return result;
  }
}

/**
 * Watch folders and call `onChange` once things settle (`debounceMs` after the last event). Missing folders are
 * created; one that cannot be created or watched goes to `onError` and the others are still watched. Returns a
 * function that stops watching.
 */
export function watchFolders(dirs: readonly string[], onChange: () => void, onError: (dir: string, err: unknown) => void, debounceMs = 300): () => void {
  let timer: NodeJS.Timeout | null = null;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      ensureDir(dir);
      const w = watch(dir, { persistent: false }, fire);
      // A folder deleted under us ends its watcher; the other folders and a restart still work.
      w.on('error', (err) => {
        w.close();
        onError(dir, err);
      });
      watchers.push(w);
    } catch (err) {
      // An unwritable DATA_DIR is reported where the store opens it; here the folder is just not watched.
      onError(dir, err);
    }
  }
  return () => {
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
