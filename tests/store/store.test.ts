import { mkdtempSync, existsSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { migrate, MIGRATIONS, SqliteSubscriptionStore, STORE_FILE } from '../../src/store/sqlite.ts';
import type { SubscribeInput, SubscriptionStore } from '../../src/store/types.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'digest-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const BIG_SUPERGROUP = -1002147483648123; // beyond 32 bits, within 2^53
function input(overrides: Partial<SubscribeInput> = {}): SubscribeInput {
  return { chatId: 42, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null, ...overrides };
}

const implementations: Array<[string, () => SubscriptionStore]> = [
  ['memory', () => new MemorySubscriptionStore()],
  ['sqlite', () => new SqliteSubscriptionStore({ dataDir: tempDir() })],
];

describe.each(implementations)('The %s subscription store', (_name, make) => {
  it('keeps a subscription with its time and filter, and lists it as active', () => {
    const store = make();
    store.subscribe(input({ minutes: 450, filter: { kind: 'topic', id: 'employment', label: '就业' } }), 1000);
    expect(store.get(42)).toMatchObject({ minutes: 450, filter: { id: 'employment' }, active: true, createdAt: 1000 });
    expect(store.active().map((s) => s.chatId)).toEqual([42]);
  });

  it('re-subscribing changes the settings but keeps the creation time', () => {
    const store = make();
    store.subscribe(input(), 1000);
    store.subscribe(input({ minutes: 600 }), 2000);
    expect(store.get(42)).toMatchObject({ minutes: 600, createdAt: 1000, updatedAt: 2000 });
  });

  it('deactivating keeps the row and the reason, and re-subscribing revives it', () => {
    const store = make();
    store.subscribe(input(), 1000);
    expect(store.deactivate(42, 'blocked: bot was blocked by the user', 2000)).toBe(true);
    expect(store.deactivate(42, 'again', 3000)).toBe(false);
    expect(store.get(42)).toMatchObject({ active: false, inactiveReason: 'blocked: bot was blocked by the user' });
    expect(store.active()).toEqual([]);
    store.subscribe(input(), 4000);
    expect(store.get(42)).toMatchObject({ active: true, inactiveReason: null });
  });

  it('stores 64-bit supergroup ids exactly', () => {
    const store = make();
    store.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup' }), 1);
    store.begin(BIG_SUPERGROUP, '2022-06-03', 's1', 2);
    expect(store.get(BIG_SUPERGROUP)?.chatId).toBe(BIG_SUPERGROUP);
    expect(store.delivery(BIG_SUPERGROUP, '2022-06-03')?.chatId).toBe(BIG_SUPERGROUP);
    expect(store.get(BIG_SUPERGROUP + 1)).toBeNull();
  });

  it('refuses chat ids that would lose digits', () => {
    const store = make();
    expect(() => store.subscribe(input({ chatId: 2 ** 53 + 2 }), 1)).toThrow(/chat id/);
    expect(() => store.subscribe(input({ chatId: 1.5 }), 1)).toThrow(/chat id/);
  });

  it('walks a delivery from pending to sent and counts attempts', () => {
    const store = make();
    expect(store.begin(42, '2022-06-03', 's1', 1)).toMatchObject({ status: 'pending', attempts: 1 });
    store.fail(42, '2022-06-03', '500 Internal Server Error', false, 2);
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'failed', error: '500 Internal Server Error' });
    expect(store.begin(42, '2022-06-03', 's1', 3)).toMatchObject({ status: 'pending', attempts: 2 });
    store.complete(42, '2022-06-03', 777, 4);
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'sent', messageId: 777, error: null });
  });

  it('counts transient failures apart from other attempts and keeps the time of the next retry', () => {
    const store = make();
    store.begin(42, '2022-06-03', 's1', 1);
    store.fail(42, '2022-06-03', '502: Bad Gateway', false, 2, { at: 1002 });
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'failed', attempts: 1, transientFailures: 1, retryAt: 1002 });
    store.begin(42, '2022-06-03', 's1', 1002);
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'pending', attempts: 2, transientFailures: 1, retryAt: null });
    store.fail(42, '2022-06-03', '401: Unauthorized', false, 1003);
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'failed', attempts: 2, transientFailures: 1, retryAt: null });
  });

  it('counts requests whose outcome is unknown (timeout, reset), also when the row is then dropped', () => {
    const store = make();
    store.begin(42, '2022-06-03', 's1', 1);
    store.fail(42, '2022-06-03', 'network: no answer', false, 2, { at: 1002, unknownOutcome: true });
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'failed', unknownOutcomes: 1, transientFailures: 1, retryAt: 1002 });
    store.begin(42, '2022-06-03', 's1', 1002);
    store.fail(42, '2022-06-03', 'network: no answer again', true, 1003, { at: 1003, unknownOutcome: true });
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'dropped', unknownOutcomes: 2, retryAt: null });
  });

  it('history lists only delivered sections from earlier days, oldest first', () => {
    const store = make();
    store.begin(42, '2022-06-02', 'b', 1);
    store.complete(42, '2022-06-02', 1, 1);
    store.begin(42, '2022-06-01', 'a', 1);
    store.complete(42, '2022-06-01', 2, 1);
    store.begin(42, '2022-06-03', 'c', 1);
    store.complete(42, '2022-06-03', 3, 1);
    store.begin(42, '2022-06-02', 'x', 1); // a different chat's rows never leak in
    store.begin(43, '2022-05-01', 'z', 1);
    store.complete(43, '2022-05-01', 4, 1);
    store.complete(42, '2022-06-02', 5, 1);
    expect(store.history(42, '2022-06-03')).toEqual(['a', 'x']);
    store.fail(42, '2022-06-01', 'gone', true, 2);
    expect(store.history(42, '2022-06-03')).toEqual(['x']);
  });

  it('moves a migrated group\'s subscription and ledger to the supergroup id', () => {
    const store = make();
    store.subscribe(input({ chatId: -123, chatType: 'group', minutes: 420 }), 1);
    store.begin(-123, '2022-06-02', 'a', 1);
    store.complete(-123, '2022-06-02', 1, 1);
    const moved = store.migrate(-123, BIG_SUPERGROUP, 5);
    expect(moved).toMatchObject({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', minutes: 420, active: true });
    expect(store.get(-123)).toBeNull();
    expect(store.history(BIG_SUPERGROUP, '2022-06-03')).toEqual(['a']);
  });

  it('lets one owner hold the broadcast lease until it expires, is released, or is taken over', () => {
    const store = make();
    expect(store.acquireLease('broadcast', 'a', 0, 1000)).toBe(true);
    expect(store.acquireLease('broadcast', 'b', 500, 1000)).toBe(false);
    expect(store.acquireLease('broadcast', 'a', 900, 1000)).toBe(true); // renewal
    expect(store.acquireLease('broadcast', 'b', 1500, 1000)).toBe(false);
    expect(store.acquireLease('broadcast', 'b', 1900, 1000)).toBe(true); // expired
    expect(store.leaseHolder('broadcast')).toEqual({ owner: 'b', expiresAt: 2900 });
    expect(store.acquireLease('broadcast', 'c', 2000, 1000, 'b')).toBe(true); // b is known dead
    store.releaseLease('broadcast', 'b'); // not b's any more: no effect
    expect(store.leaseHolder('broadcast')?.owner).toBe('c');
    store.releaseLease('broadcast', 'c');
    expect(store.leaseHolder('broadcast')).toBeNull();
  });

  it('keeps the supergroup\'s own subscription when it already had one', () => {
    const store = make();
    store.subscribe(input({ chatId: -123, chatType: 'group', minutes: 420 }), 1);
    store.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', minutes: 600 }), 1);
    expect(store.migrate(-123, BIG_SUPERGROUP, 5)?.minutes).toBe(600);
    expect(store.get(-123)).toMatchObject({ active: false, inactiveReason: `migrated to ${BIG_SUPERGROUP}` });
  });
});

describe('The SQLite store on disk', () => {
  it('creates its file in DATA_DIR on first start, in WAL mode, at the latest schema version', () => {
    const dir = join(tempDir(), 'nested', 'var');
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    expect(existsSync(join(dir, STORE_FILE))).toBe(true);
    expect(store.journalMode()).toBe('wal');
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    store.close();
  });

  it('keeps subscriptions and ledger across a reopen (nothing lives only in memory)', () => {
    const dir = tempDir();
    const a = new SqliteSubscriptionStore({ dataDir: dir });
    a.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', filter: { kind: 'district', id: '潼南区', label: '潼南区' } }), 1);
    a.begin(BIG_SUPERGROUP, '2022-06-03', 's1', 2);
    a.close();
    const b = new SqliteSubscriptionStore({ dataDir: dir });
    expect(b.get(BIG_SUPERGROUP)).toMatchObject({ filter: { kind: 'district', id: '潼南区' }, active: true });
    expect(b.delivery(BIG_SUPERGROUP, '2022-06-03')?.status).toBe('pending');
    b.close();
  });

  it('upgrades a version-1 file in place, keeping its subscriptions', () => {
    const dir = tempDir();
    const db = new Database(join(dir, STORE_FILE));
    db.exec(MIGRATIONS[0]!.sql);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO subscriptions VALUES (?, 'private', 480, 'Asia/Shanghai', NULL, NULL, NULL, 1, NULL, 0, 0)`).run(42);
    db.prepare(`INSERT INTO deliveries VALUES (?, '2022-06-03', 's1', 'failed', 3, NULL, '502', 0)`).run(42);
    db.close();
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    expect(store.get(42)?.active).toBe(true);
    expect(store.delivery(42, '2022-06-03')).toMatchObject({ status: 'failed', attempts: 3, transientFailures: 0, unknownOutcomes: 0, retryAt: null });
    expect(store.acquireLease('broadcast', 'a', 0, 1000)).toBe(true);
    store.close();
  });

  it('migrating twice is a no-op', () => {
    const db = new Database(':memory:');
    const latest = MIGRATIONS.at(-1)!.version;
    expect(migrate(db)).toBe(latest);
    expect(migrate(db)).toBe(latest);
    db.close();
  });

  it('answers a health check while open, and not once closed', () => {
    const store = new SqliteSubscriptionStore({ dataDir: tempDir() });
    expect(store.answers()).toBe(true);
    store.close();
    expect(store.answers()).toBe(false);
  });
});

describe('Opening a SQLite store that is not what it should be', () => {
  it('refuses an empty (0-byte) file instead of starting with no subscriptions, and says how to restore or start fresh', () => {
    const dir = tempDir();
    const path = join(dir, STORE_FILE);
    writeFileSync(path, '');
    expect(() => new SqliteSubscriptionStore({ dataDir: dir })).toThrow(/is empty \(0 bytes\)[\s\S]*backup[\s\S]*delete it/);
    expect(() => new SqliteSubscriptionStore({ dataDir: dir })).toThrow(path);
    expect(statSync(path).size).toBe(0); // left as it was, for the operator to look at
  });

  it('refuses a file with a valid header and damaged pages, naming it and how to restore a backup', () => {
    const dir = tempDir();
    const path = join(dir, STORE_FILE);
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    for (let i = 1; i <= 2000; i++) store.subscribe(input({ chatId: i }), i);
    store.close();
    // Overwrite a page in the middle of the subscriptions table, leaving page 1 (the header and schema) intact.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 4);
    closeSync(fd);
    expect(() => new SqliteSubscriptionStore({ dataDir: dir })).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged[\\s\\S]*restore a backup`));
  });

  it('names DATA_DIR when the directory cannot be created', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => new SqliteSubscriptionStore({ dataDir: join(dir, 'file', 'sub') })).toThrow(/DATA_DIR .*file\/sub.* cannot be created/);
  });
});
