import { mkdtempSync, existsSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { migrate, MIGRATIONS, SqliteSubscriptionStore, STORE_FILE } from '../../src/store/sqlite.ts';
import { input, storeContract, BIG_SUPERGROUP, type StoreHandle } from './contract.ts';
import { subscriber } from '../../src/store/types.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'digest-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const implementations: Array<[string, () => Promise<StoreHandle>]> = [
  ['memory', async () => {
    const store = new MemorySubscriptionStore();
    return { store, reopen: async () => store };
  }],
  ['SQLite', async () => {
    const dir = tempDir();
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    return {
      store,
      reopen: async () => new SqliteSubscriptionStore({ dataDir: dir }),
      schemaVersion: async () => store.schemaVersion(),
      latestVersion: MIGRATIONS.at(-1)!.version,
    };
  }],
];

describe.each(implementations)('The %s store (contract)', (_name, open) => {
  storeContract(open);
});

describe('The SQLite store on disk', () => {
  it('writes deliveries marked sent in batches, yet every ledger read or write of such a row comes after its mark', async () => {
    const store = new SqliteSubscriptionStore({ dataDir: tempDir() });
    const other = new SqliteSubscriptionStore({ path: store.path });
    // The completion's promise, not awaited (an async function would wait for it).
    const mark = async (chat: number, date: string) => {
      await store.begin(subscriber(chat), date, 's1', 1);
      return { written: store.complete(subscriber(chat), date, chat, 2) };
    };
    let marked = await mark(1, '2022-06-02');
    // Not yet written: another connection still sees it pending (it counts as in flight until then).
    expect((await other.delivery(subscriber(1), '2022-06-02'))?.status).toBe('pending');
    expect(await store.history(subscriber(1), '2022-06-03')).toEqual(['s1']);
    await marked.written;
    marked = await mark(2, '2022-06-03');
    expect(await store.delivery(subscriber(2), '2022-06-03')).toMatchObject({ status: 'sent', messageId: 2 });
    await marked.written;
    // A write after the mark must not be overtaken by it: a resend begun, a failure recorded.
    marked = await mark(3, '2022-06-03');
    await store.begin(subscriber(3), '2022-06-03', 's1', 3);
    await marked.written;
    expect(await other.delivery(subscriber(3), '2022-06-03')).toMatchObject({ status: 'pending', attempts: 2 });
    marked = await mark(4, '2022-06-03');
    await store.fail(subscriber(4), '2022-06-03', 'dropped by hand', true, 3);
    await marked.written;
    expect(await other.delivery(subscriber(4), '2022-06-03')).toMatchObject({ status: 'dropped' });
    await other.close();
    await store.close();
  });

  it('a batch still waiting is written when the store closes', async () => {
    const dir = tempDir();
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    await store.begin(subscriber(5), '2022-06-03', 's1', 1);
    const marked = store.complete(subscriber(5), '2022-06-03', 12, 2);
    await store.close();
    await marked;
    const reopened = new SqliteSubscriptionStore({ dataDir: dir });
    expect(await reopened.delivery(subscriber(5), '2022-06-03')).toMatchObject({ status: 'sent', messageId: 12 });
    await reopened.close();
  });

  it('creates its file in DATA_DIR on first start, in WAL mode, at the latest schema version', async () => {
    const dir = join(tempDir(), 'nested', 'var');
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    expect(existsSync(join(dir, STORE_FILE))).toBe(true);
    expect(store.journalMode()).toBe('wal');
    expect(await store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    await store.close();
  });

  it('keeps subscriptions and ledger across a reopen (nothing lives only in memory)', async () => {
    const dir = tempDir();
    const a = new SqliteSubscriptionStore({ dataDir: dir });
    await a.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', filter: { kind: 'district', id: '潼南区', label: '潼南区' } }), 1);
    await a.begin(subscriber(BIG_SUPERGROUP), '2022-06-03', 's1', 2);
    await a.close();
    const b = new SqliteSubscriptionStore({ dataDir: dir });
    expect(await b.get(subscriber(BIG_SUPERGROUP))).toMatchObject({ filter: { kind: 'district', id: '潼南区' }, active: true });
    expect((await b.delivery(subscriber(BIG_SUPERGROUP), '2022-06-03'))?.status).toBe('pending');
    await b.close();
  });

  it('upgrades a version-1 file in place, keeping its subscriptions', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, STORE_FILE));
    db.exec(MIGRATIONS[0]!.sql);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO subscriptions VALUES (?, 'private', 480, 'Asia/Shanghai', NULL, NULL, NULL, 1, NULL, 0, 0)`).run(42);
    db.prepare(`INSERT INTO deliveries VALUES (?, '2022-06-03', 's1', 'failed', 3, NULL, '502', 0)`).run(42);
    db.close();
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    expect((await store.get(subscriber(42)))?.active).toBe(true);
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'failed', attempts: 3, transientFailures: 0, unknownOutcomes: 0, retryAt: null });
    expect(await store.acquireLease('broadcast', 'a', 0, 1000)).toBe(true);
    await store.close();
  });

  it('upgrades a version-5 file with a single-filter subscription, which reads and matches as before', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, STORE_FILE));
    for (const step of MIGRATIONS.filter((m) => m.version <= 5)) db.exec(step.sql);
    db.pragma('user_version = 5');
    db.prepare(`INSERT INTO subscriptions VALUES (?, 'private', 480, 'Asia/Shanghai', 'district', '潼南区', '潼南区', 1, NULL, 0, 0)`).run(42);
    db.close();
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    expect((await store.get(subscriber(42)))?.filter).toEqual({ kind: 'district', id: '潼南区', label: '潼南区' });
    await store.close();
  });

  it('upgrades a version-9 file: a subscription in a forum topic becomes that topic\'s, with its ledger and history', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, STORE_FILE));
    for (const step of MIGRATIONS.filter((m) => m.version <= 9)) db.exec(step.sql);
    db.pragma('user_version = 9');
    const add = db.prepare(`INSERT INTO subscriptions (chat_id, chat_type, minutes, timezone, filter_kind, filter_id, filter_label, active, inactive_reason, created_at, updated_at, alerts, thread_id)
      VALUES (?, ?, ?, 'Asia/Shanghai', ?, ?, ?, ?, ?, 0, 0, ?, ?)`);
    add.run(BIG_SUPERGROUP, 'supergroup', 450, 'district', '潼南区', '潼南区', 1, null, 1, 77);
    add.run(42, 'private', 480, null, null, null, 1, null, 0, null);
    add.run(-5, 'supergroup', 480, null, null, null, 0, 'topic deleted: 400: Bad Request: message thread not found', 0, 9);
    const row = db.prepare(`INSERT INTO deliveries (chat_id, date, section_id, status, attempts, message_id, error, updated_at) VALUES (?, ?, ?, ?, 1, NULL, NULL, 0)`);
    row.run(BIG_SUPERGROUP, '2022-06-02', 's1', 'sent');
    row.run(BIG_SUPERGROUP, '2022-06-03', 's2', 'failed');
    row.run(42, '2022-06-02', 's3', 'sent');
    row.run(7, '2022-06-02', 's4', 'sent'); // a chat whose subscription row is gone keeps its history as the chat's own
    db.close();

    const store = new SqliteSubscriptionStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    const topic = subscriber(BIG_SUPERGROUP, 77);
    expect(await store.get(topic)).toMatchObject({ threadId: 77, minutes: 450, filter: { id: '潼南区' }, alerts: true, active: true });
    expect(await store.get(subscriber(BIG_SUPERGROUP))).toBeNull();
    expect(await store.history(topic, '2022-06-03')).toEqual(['s1']);
    expect(await store.delivery(topic, '2022-06-03')).toMatchObject({ threadId: 77, status: 'failed', sectionId: 's2' });
    expect(await store.get(subscriber(42))).toMatchObject({ threadId: null, active: true });
    expect(await store.history(subscriber(42), '2022-06-03')).toEqual(['s3']);
    expect(await store.get(subscriber(-5, 9))).toMatchObject({ active: false, inactiveReason: expect.stringMatching(/^topic deleted/) });
    expect(await store.history(subscriber(7), '2022-06-03')).toEqual(['s4']);
    // From now on another topic of the same forum subscribes on its own.
    await store.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', threadId: 78 }), 1);
    expect((await store.active()).map((s) => [s.chatId, s.threadId])).toEqual([[BIG_SUPERGROUP, 77], [BIG_SUPERGROUP, 78], [42, null]]);
    expect(await store.history(subscriber(BIG_SUPERGROUP, 78), '2022-06-03')).toEqual([]);
    await store.close();
  });

  it('migrating twice is a no-op', async () => {
    const db = new Database(':memory:');
    const latest = MIGRATIONS.at(-1)!.version;
    expect(migrate(db)).toBe(latest);
    expect(migrate(db)).toBe(latest);
    db.close();
  });

  it('answers a health check while open, and not once closed', async () => {
    const store = new SqliteSubscriptionStore({ dataDir: tempDir() });
    expect(await store.answers()).toBe(true);
    await store.close();
    expect(await store.answers()).toBe(false);
  });
});

describe('Opening a SQLite store that is not what it should be', () => {
  it('refuses an empty (0-byte) file instead of starting with no subscriptions, and says how to restore or start fresh', async () => {
    const dir = tempDir();
    const path = join(dir, STORE_FILE);
    writeFileSync(path, '');
    expect(() => new SqliteSubscriptionStore({ dataDir: dir })).toThrow(/is empty \(0 bytes\)[\s\S]*backup[\s\S]*delete it/);
    expect(() => new SqliteSubscriptionStore({ dataDir: dir })).toThrow(path);
    expect(statSync(path).size).toBe(0); // left as it was, for the operator to look at
  });

  it('refuses a file with a valid header and damaged pages, naming it and how to restore a backup', async () => {
    const dir = tempDir();
    const path = join(dir, STORE_FILE);
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    for (let i = 1; i <= 2000; i++) (await store.subscribe(input({ chatId: i }), i));
    await store.close();
    // Overwrite a page in the middle of the subscriptions table, leaving page 1 (the header and schema) intact.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 4);
    closeSync(fd);
    expect(() => new SqliteSubscriptionStore({ dataDir: dir })).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged[\\s\\S]*restore a backup`));
  });

  it('names DATA_DIR when the directory cannot be created', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => new SqliteSubscriptionStore({ dataDir: join(dir, 'file', 'sub') })).toThrow(/DATA_DIR .*file\/sub.* cannot be created/);
  });
});
