/** Checks before and after opening the SQLite file, so a bad DATA_DIR or a damaged file stops start-up with the fix. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';

/** Why the store would not open; the message names the file or DATA_DIR and what to do. */
export class StoreOpenError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/**
 * Create `dir` and its missing parents one level at a time. `mkdirSync(…, { recursive: true })` loops for ever on
 * some paths (`/proc/1/x`: the parent exists but mkdir keeps answering ENOENT); each level is tried once here.
 */
export function ensureDir(dir: string, configured = dir): void {
  const target = resolve(dir);
  try {
    mkdirSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(target).isDirectory()) return;
    if (code === 'ENOENT' && dirname(target) !== target) {
      ensureDir(dirname(target), configured);
      try {
        mkdirSync(target);
        return;
      } catch (again) {
        err = again;
      }
    }
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(`DATA_DIR ${configured} cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message} at ${target}): set DATA_DIR to a writable directory, e.g. ./var/`, target);
  }
}

/** Refuse an existing file of 0 bytes: SQLite would silently treat it as a new, empty store. */
export function refuseEmptyFile(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // no file yet: a first start
  }
  if (size === 0) {
    throw new StoreOpenError(
      `${path} is empty (0 bytes): it should hold the subscriptions, so it was probably truncated (a full disk, a bad copy). ` +
        `Restore a backup (cp backup.sqlite ${path}), or, to start with no subscriptions, delete it (rm ${path}) and start again.`,
      path,
    );
  }
}

/** How to restore, said the same way for every kind of damage. */
function damaged(path: string, detail: string): StoreOpenError {
  return new StoreOpenError(
    `${path} is damaged (${detail}). Stop every process using it, then restore a backup: ` +
      `cp backup.sqlite ${path} and delete ${path}-wal and ${path}-shm (backups are made with sqlite3 ${path} ".backup backup.sqlite"). ` +
      `To start with no subscriptions instead, move the three files away.`,
    path,
  );
}

/** Run SQLite's quick integrity check; throws a StoreOpenError naming the file when the database is damaged. */
export function checkIntegrity(db: Database.Database, path: string): void {
  const rows = db.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>;
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (problems.length > 0) throw damaged(path, `${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; … ${problems.length - 3} more` : ''}`);
}

/** Turn SQLite's "not a database" and "malformed" errors met while opening into the same advice. */
export function asOpenError(err: unknown, path: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return damaged(path, (err as Error).message);
  return err;
}
