/** Which store the configuration asks for: PostgreSQL with DATABASE_URL (several instances), SQLite in DATA_DIR otherwise. */
import { StoreOpenError } from './open-file.ts';
import type { PostgresBroadcast } from './postgres-broadcast.ts';
import type { PostgresStore } from './postgres.ts';
import { SqliteSubscriptionStore } from './sqlite.ts';
import type { SubscriptionStore } from './types.ts';

/** The store, and for PostgreSQL what several senders share (send budget, claimed queue of chats). */
export type OpenedStore =
  | { kind: 'sqlite'; store: SubscriptionStore; broadcast: null }
  | { kind: 'postgres'; store: PostgresStore; broadcast: PostgresBroadcast };

/** `postgres://user:secret@host/db` → `postgres://user@host/db`, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** Open and migrate the configured store; throws StoreOpenError whose message names the variable and the fix. */
export async function openStore(config: { databaseUrl: string | null; dataDir: string }, onError?: (err: Error) => void): Promise<OpenedStore> {
  if (!config.databaseUrl) {
    try {
      return { store: new SqliteSubscriptionStore({ dataDir: config.dataDir }), kind: 'sqlite', broadcast: null };
    } catch (err) {
      if (err instanceof StoreOpenError) throw err;
      throw new StoreOpenError(`cannot open the subscription store in DATA_DIR ${config.dataDir}: ${(err as Error).message} (DATA_DIR must be a writable directory)`, config.dataDir);
    }
  }
  try {
    // Loaded only here: with SQLite (the default) a start never loads pg, which takes ~80 ms with what it pulls in.
    const { PostgresStore } = await import('./postgres.ts');
    const store = await PostgresStore.open({ connectionString: config.databaseUrl, ...(onError ? { onError } : {}) });
    return { store, kind: 'postgres', broadcast: store.broadcast };
  } catch (err) {
    const where = redactUrl(config.databaseUrl);
    throw new StoreOpenError(`cannot use the PostgreSQL database in DATABASE_URL (${where}): ${(err as Error).message}. Check that the server is running, the database exists and the user may create tables in it.`, where);
  }
}
