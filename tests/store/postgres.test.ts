import { afterAll, afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PG_MIGRATIONS, migratePg } from '../../src/store/postgres-schema.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { openStore } from '../../src/store/open.ts';
import { storeContract, input } from './contract.ts';
import { dropSchema, freshSchema, probePostgres, skipLine } from '../support/postgres.ts';
import { subscriber } from '../../src/store/types.ts';

const probe = await probePostgres();
const url = probe.url;
const schemas: string[] = [];
const LATEST = PG_MIGRATIONS.at(-1)!.version;

if (!url) {
  // One visible line, and one skipped test carrying the reason, so the summary shows these did not run.
  console.log(skipLine('the PostgreSQL store tests', probe));
  it.skip(skipLine('the PostgreSQL store tests', probe), () => {});
}

afterAll(async () => {
  if (url) for (const s of schemas.splice(0)) await dropSchema(url, s);
});

async function fresh(): Promise<{ store: PostgresStore; schema: string }> {
  const schema = freshSchema();
  schemas.push(schema);
  return { store: await PostgresStore.open({ connectionString: url!, schema }), schema };
}

/** A fresh schema (dropped after the run) and a client on it for `fn`; returns the schema's name. */
async function inFreshSchema(fn: (client: pg.PoolClient, schema: string) => Promise<void>): Promise<string> {
  const schema = freshSchema();
  schemas.push(schema);
  const pool = new pg.Pool({ connectionString: url!, options: `-c search_path=${schema}` });
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
    const client = await pool.connect();
    try {
      await fn(client, schema);
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
  return schema;
}

describe.runIf(url)('The PostgreSQL store (contract)', () => {
  storeContract(async () => {
    const { store, schema } = await fresh();
    return {
      store,
      reopen: () => PostgresStore.open({ connectionString: url!, schema }),
      schemaVersion: () => store.schemaVersion(),
      latestVersion: LATEST,
    };
  });
});

describe.runIf(url)('PostgreSQL migrations', () => {
  const open: PostgresStore[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('several instances starting at once migrate once, and all of them work', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open({ connectionString: url!, schema })));
    open.push(...stores);
    for (const s of stores) expect(await s.schemaVersion()).toBe(LATEST);
    const { rows } = await stores[0]!.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(PG_MIGRATIONS.length);
    await stores[1]!.subscribe(input(), 1);
    expect((await stores[2]!.get(subscriber(42)))?.active).toBe(true);
  });

  it('applies only the steps a database has not run, in order', async () => {
    await inFreshSchema(async (client) => {
      const steps = [...PG_MIGRATIONS, { version: LATEST + 1, sql: 'CREATE TABLE later_step (x int)' }];
      expect(await migratePg(client, steps.slice(0, 1))).toBe(1);
      expect(await migratePg(client, steps)).toBe(LATEST + 1);
      expect(await migratePg(client, steps)).toBe(LATEST + 1);
      const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(steps.map((s) => s.version));
    });
  });

  it('a failing step leaves the database as it was', async () => {
    await inFreshSchema(async (client, schema) => {
      await expect(migratePg(client, [...PG_MIGRATIONS, { version: LATEST + 1, sql: 'CREATE TABLE oops (x nosuchtype)' }])).rejects.toThrow(/nosuchtype/);
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`, [schema]);
      expect(rows[0].n).toBe(0);
    });
  });

  it('upgrading from version 6, a subscription in a forum topic becomes that topic\'s, with its ledger and history', async () => {
    const BIG = -1002147483648123;
    const schema = await inFreshSchema(async (client) => {
      expect(await migratePg(client, PG_MIGRATIONS.filter((m) => m.version <= 6))).toBe(6);
      const add = `INSERT INTO subscriptions (chat_id, chat_type, minutes, timezone, active, created_at, updated_at, alerts, thread_id) VALUES ($1, $2, $3, 'Asia/Shanghai', true, 0, 0, $4, $5)`;
      await client.query(add, [BIG, 'supergroup', 450, true, 77]);
      await client.query(add, [42, 'private', 480, false, null]);
      const row = `INSERT INTO deliveries (chat_id, date, section_id, status, attempts, updated_at) VALUES ($1, $2, $3, $4, 1, 0)`;
      await client.query(row, [BIG, '2022-06-02', 's1', 'sent']);
      await client.query(row, [BIG, '2022-06-03', 's2', 'failed']);
      await client.query(row, [42, '2022-06-02', 's3', 'sent']);
    });
    const store = await PostgresStore.open({ connectionString: url!, schema });
    open.push(store);
    expect(await store.schemaVersion()).toBe(LATEST);
    const topic = subscriber(BIG, 77);
    expect(await store.get(topic)).toMatchObject({ threadId: 77, minutes: 450, alerts: true, active: true });
    expect(await store.get(subscriber(BIG))).toBeNull();
    expect(await store.history(topic, '2022-06-03')).toEqual(['s1']);
    expect(await store.delivery(topic, '2022-06-03')).toMatchObject({ threadId: 77, status: 'failed', sectionId: 's2' });
    expect(await store.history(subscriber(42), '2022-06-03')).toEqual(['s3']);
    await store.subscribe(input({ chatId: BIG, chatType: 'supergroup', threadId: 78 }), 1);
    expect((await store.active()).map((s) => [s.chatId, s.threadId])).toEqual([[BIG, 77], [BIG, 78], [42, null]]);
  });

  it('chats ids beyond 32 bits and times in milliseconds fit (bigint columns)', async () => {
    const { store } = await fresh();
    open.push(store);
    await store.subscribe(input({ chatId: -1002147483648123, chatType: 'supergroup' }), 1_654_214_400_000);
    expect(await store.get(subscriber(-1002147483648123))).toMatchObject({ chatId: -1002147483648123, createdAt: 1_654_214_400_000 });
  });
});

describe('Opening the store DATABASE_URL names', () => {
  it('says which server could not be used, without its password', async () => {
    await expect(openStore({ databaseUrl: 'postgres://bot:s3cret@127.0.0.1:1/none', dataDir: './var/' })).rejects.toThrow(/DATABASE_URL \(postgres:\/\/bot@127\.0\.0\.1:1\/none\)/);
    await expect(openStore({ databaseUrl: 'postgres://bot:s3cret@127.0.0.1:1/none', dataDir: './var/' })).rejects.not.toThrow(/s3cret/);
  });
});
