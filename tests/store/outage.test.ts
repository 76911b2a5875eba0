/** The outage seam: which failures mean "no database", fast failures while it lasts, the probe that ends it, and the in-memory fallbacks. */
import { describe, expect, it, vi } from 'vitest';
import { FallbackFloodGuard, FloodGuard } from '../../src/bot/flood.ts';
import { FallbackPages, PageCache } from '../../src/bot/pages.ts';
import { guardStore, isUnavailable, StoreOutage, StoreUnavailableError } from '../../src/store/outage.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const noTable = Object.assign(new Error('relation "subscriptions" does not exist'), { code: '42P01' });
const badValue = Object.assign(new Error('invalid input syntax for type bigint'), { code: '22P02' });

describe('isUnavailable', () => {
  it('says yes to a refused connection, a lost one, a dropped database and missing tables', () => {
    expect(isUnavailable(refused)).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('database "test" does not exist'), { code: '3D000' }))).toBe(true);
    expect(isUnavailable(noTable)).toBe(true);
  });

  it('says no to a bad value or a bug, which must not be hidden as an outage', () => {
    expect(isUnavailable(badValue)).toBe(false);
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});

describe('A guarded store', () => {
  function setup() {
    const inner = new MemorySubscriptionStore();
    const recover = vi.fn(async (): Promise<void> => { throw refused; });
    const changes: string[] = [];
    const outage = new StoreOutage({ recover }, { probeMs: 60_000, onChange: (s) => changes.push(s) });
    return { inner, recover, changes, outage, store: guardStore(inner, outage) };
  }

  it('starts the outage on a call that fails for want of the database, then fails at once without calling it', async () => {
    const { inner, outage, store, changes } = setup();
    const spy = vi.spyOn(inner, 'get').mockRejectedValueOnce(refused);
    await expect(store.get({ chatId: 1, threadId: null })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(outage.down).toBe(true);
    await expect(store.get({ chatId: 1, threadId: null })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(changes).toEqual(['down']);
    outage.stop();
  });

  it('passes other failures through untouched, with no outage', async () => {
    const { inner, outage, store } = setup();
    vi.spyOn(inner, 'get').mockRejectedValueOnce(badValue);
    await expect(store.get({ chatId: 1, threadId: null })).rejects.toBe(badValue);
    expect(outage.down).toBe(false);
  });

  it('comes back once recover() succeeds (a database recreated empty is migrated there), and calls reach the store again', async () => {
    const { inner, outage, store, recover, changes } = setup();
    vi.spyOn(inner, 'get').mockRejectedValueOnce(noTable);
    await expect(store.get({ chatId: 1, threadId: null })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await outage.tryRecover()).toBe(false);
    expect(outage.down).toBe(true);
    recover.mockResolvedValueOnce(undefined);
    expect(await outage.tryRecover()).toBe(true);
    expect(outage.down).toBe(false);
    expect(changes).toEqual(['down', 'up']);
    expect(await store.get({ chatId: 1, threadId: null })).toBeNull();
  });
});

describe('The in-memory fallbacks', () => {
  const outageOf = () => new StoreOutage({ recover: async () => { throw refused; } }, { probeMs: 60_000 });

  it('flood control counts in memory when the shared count fails, and when it does not answer in time', async () => {
    const outage = outageOf();
    const guard = new FallbackFloodGuard({ hit: () => new Promise(() => {}) }, new FloodGuard({ limit: 1 }), outage, 20);
    expect(await guard.hit(5)).toBe('allow');
    expect(outage.down).toBe(true);
    expect(await guard.hit(5)).toBe('warn'); // counted here: the limit still holds during the outage
    outage.stop();
  });

  it('pages put during an outage can be turned on this instance; the store is not asked while it lasts', async () => {
    const outage = outageOf();
    const shared = { put: vi.fn(async () => { throw refused; }), entry: vi.fn(async () => undefined) };
    const pages = new FallbackPages(shared, new PageCache(), outage);
    const key = await pages.put(['一', '二']);
    expect(outage.down).toBe(true);
    expect((await pages.entry(key))?.pages).toEqual(['一', '二']);
    expect(await pages.entry('unknown1')).toBeUndefined();
    expect(shared.entry).not.toHaveBeenCalled();
    outage.stop();
  });
});
