/**
 * PostgreSQL for tests: the server on 127.0.0.1:5432 (trust auth, database `test`) that the project's machines
 * start before each session and CI run. Each test gets a fresh schema, dropped afterwards. When no server answers,
 * the tests are skipped and one line says why: never passed in silence.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** TEST_DATABASE_URL alone if set (also to check the skip: point it at a port nothing listens on), else user postgres, then root. */
const CANDIDATES = process.env['TEST_DATABASE_URL'] ? [process.env['TEST_DATABASE_URL']] : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

export interface PgProbe {
  /** The URL that answered, or null. */
  url: string | null;
  /** Why none did (the last error), for the skip line. */
  reason: string;
}

let probed: Promise<PgProbe> | null = null;

/** Find a PostgreSQL that answers `select 1` (once per test file). */
export function probePostgres(): Promise<PgProbe> {
  probed ??= (async () => {
    let reason = 'no candidate URL';
    for (const url of CANDIDATES) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query('select 1');
        return { url, reason: '' };
      } catch (err) {
        reason = `${(err as Error).message || String(err)}`;
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return { url: null, reason };
  })();
  return probed;
}

/** A schema name no other run or test uses. */
export function freshSchema(): string {
  return `rb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drop a test schema and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The line printed when the PostgreSQL tests are skipped. */
export function skipLine(what: string, probe: PgProbe): string {
  return `SKIPPED ${what}: no PostgreSQL answers at 127.0.0.1:5432 (database test, user postgres or root; or set TEST_DATABASE_URL): ${probe.reason}`;
}
