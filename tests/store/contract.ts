/**
 * The store contract: one suite every SubscriptionStore must pass (memory, SQLite, PostgreSQL), so the three
 * agree on subscriptions, the ledger, leases, pages, flood windows, usage counts, migrations and concurrency.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { subscriber, type SubscribeInput, type SubscriptionStore } from '../../src/store/types.ts';

/** One store under test, and a way to open another on the same database (a second instance, or a restart). */
export interface StoreHandle {
  store: SubscriptionStore;
  /** Open the same database again (migrations run again, as at every start); memory returns the same store. */
  reopen(): Promise<SubscriptionStore>;
  /** The schema version it is at, where the store has versions. */
  schemaVersion?(): Promise<number>;
  latestVersion?: number;
}

export const BIG_SUPERGROUP = -1002147483648123; // beyond 32 bits, within 2^53
export function input(overrides: Partial<SubscribeInput> = {}): SubscribeInput {
  return { chatId: 42, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null, ...overrides };
}

/** Register the contract's tests in the current describe block; `open` makes a fresh, empty store each time. */
export function storeContract(open: () => Promise<StoreHandle>): void {
  const opened: SubscriptionStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0).reverse()) await s.close();
  });
  const setup = async (): Promise<StoreHandle & { twin: () => Promise<SubscriptionStore> }> => {
    const handle = await open();
    opened.push(handle.store);
    const twin = async () => {
      const other = await handle.reopen();
      if (other !== handle.store) opened.push(other);
      return other;
    };
    return { ...handle, twin };
  };

  it('keeps a subscription with its time and filter, and lists it as active', async () => {
    const { store } = await setup();
    await store.subscribe(input({ minutes: 450, filter: { kind: 'topic', id: 'employment', label: '就业' } }), 1000);
    expect(await store.get(subscriber(42))).toMatchObject({ minutes: 450, filter: { id: 'employment' }, active: true, createdAt: 1000 });
    expect((await store.active()).map((s) => s.chatId)).toEqual([42]);
  });

  it('keeps a filter of several words with exclusions, and a single filter stays as it was when replaced by one', async () => {
    const { store, twin } = await setup();
    const combined = {
      kind: 'terms' as const,
      id: '潼南区 就业 -招聘',
      label: '潼南区 就业 -招聘',
      terms: [
        { kind: 'district' as const, id: '潼南区', label: '潼南区', exclude: false },
        { kind: 'topic' as const, id: 'employment', label: '就业', exclude: false },
        { kind: 'word' as const, id: '招聘', label: '招聘', exclude: true },
      ],
    };
    await store.subscribe(input({ filter: combined }), 1000);
    expect((await store.get(subscriber(42)))?.filter).toEqual(combined);
    expect((await (await twin()).active())[0]?.filter).toEqual(combined);
    await store.subscribe(input({ filter: { kind: 'district', id: '潼南区', label: '潼南区' } }), 2000);
    expect((await store.get(subscriber(42)))?.filter).toEqual({ kind: 'district', id: '潼南区', label: '潼南区' });
  });

  describe('in a forum, where each topic is a subscriber of its own', () => {
    const forum = (threadId: number | null = null) => subscriber(BIG_SUPERGROUP, threadId);
    const inForum = (overrides: Partial<SubscribeInput> = {}) => input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', ...overrides });

    it('two topics and the chat itself keep three subscriptions with their own settings, across a reopen', async () => {
      const { store, twin } = await setup();
      await store.subscribe(inForum({ threadId: 77, minutes: 420 }), 1000);
      await store.subscribe(inForum({ threadId: 78, filter: { kind: 'district', id: '潼南区', label: '潼南区' }, alerts: true }), 1000);
      await store.subscribe(inForum({ minutes: 600 }), 2000);
      const again = await twin();
      expect(await again.get(forum(77))).toMatchObject({ threadId: 77, minutes: 420, filter: null, alerts: false, active: true });
      expect(await again.get(forum(78))).toMatchObject({ threadId: 78, minutes: 480, filter: { id: '潼南区' }, alerts: true, active: true });
      expect(await again.get(forum())).toMatchObject({ threadId: null, minutes: 600, active: true });
      expect(await again.get(forum(79))).toBeNull();
      expect((await again.subscriptionsOf(BIG_SUPERGROUP)).map((s) => s.threadId)).toEqual([null, 77, 78]);
      expect((await again.active()).map((s) => [s.minutes, s.threadId])).toEqual([[420, 77], [480, 78], [600, null]]);
    });

    it('re-subscribing in one topic changes only that topic\'s subscription', async () => {
      const { store } = await setup();
      await store.subscribe(inForum({ threadId: 77 }), 1000);
      await store.subscribe(inForum({ threadId: 78 }), 1000);
      await store.subscribe(inForum({ threadId: 77, minutes: 600 }), 2000);
      expect(await store.get(forum(77))).toMatchObject({ minutes: 600, createdAt: 1000, updatedAt: 2000 });
      expect(await store.get(forum(78))).toMatchObject({ minutes: 480, updatedAt: 1000 });
    });

    it('stopping one topic leaves the others; stopping the whole chat ends every topic and no other chat', async () => {
      const { store } = await setup();
      for (const threadId of [77, 78, null]) await store.subscribe(inForum({ threadId }), 1000);
      await store.subscribe(input(), 1000);
      expect(await store.deactivate(forum(77), 'topic deleted: 400: Bad Request: message thread not found', 2000)).toBe(true);
      expect((await store.active()).map((s) => [s.chatId, s.threadId])).toEqual([[BIG_SUPERGROUP, null], [BIG_SUPERGROUP, 78], [42, null]]);
      expect(await store.deactivateChat(BIG_SUPERGROUP, 'blocked: bot was kicked', 3000)).toBe(2);
      expect((await store.subscriptionsOf(BIG_SUPERGROUP)).map((s) => [s.threadId, s.active, s.inactiveReason])).toEqual([
        [null, false, 'blocked: bot was kicked'],
        [77, false, 'topic deleted: 400: Bad Request: message thread not found'],
        [78, false, 'blocked: bot was kicked'],
      ]);
      expect(await store.deactivateChat(BIG_SUPERGROUP, 'again', 4000)).toBe(0);
      expect((await store.active()).map((s) => s.chatId)).toEqual([42]);
      await store.subscribe(inForum({ threadId: 78 }), 5000); // /subscribe in a topic revives that topic only
      expect((await store.active()).map((s) => [s.chatId, s.threadId])).toEqual([[BIG_SUPERGROUP, 78], [42, null]]);
    });

    it('each topic has its own ledger rows and history', async () => {
      const { store } = await setup();
      await store.begin(forum(77), '2022-06-02', 'a', 1);
      await store.complete(forum(77), '2022-06-02', 1, 2);
      await store.begin(forum(78), '2022-06-02', 'b', 1);
      await store.complete(forum(78), '2022-06-02', 2, 2);
      await store.begin(forum(), '2022-06-02', 'c', 1);
      expect(await store.delivery(forum(77), '2022-06-02')).toMatchObject({ chatId: BIG_SUPERGROUP, threadId: 77, sectionId: 'a', status: 'sent', messageId: 1 });
      expect(await store.delivery(forum(78), '2022-06-02')).toMatchObject({ threadId: 78, sectionId: 'b', status: 'sent', messageId: 2 });
      expect(await store.delivery(forum(), '2022-06-02')).toMatchObject({ threadId: null, sectionId: 'c', status: 'pending', attempts: 1 });
      expect(await store.delivery(forum(79), '2022-06-02')).toBeNull();
      expect(await store.history(forum(77), '2022-06-03')).toEqual(['a']);
      expect(await store.history(forum(78), '2022-06-03')).toEqual(['b']);
      expect(await store.history(forum(), '2022-06-03')).toEqual([]);
      // A transition of one topic's row leaves the other topics' rows for the same date alone.
      await store.begin(forum(78), '2022-06-03', 'd', 3);
      await store.begin(forum(77), '2022-06-03', 'e', 3);
      await store.fail(forum(78), '2022-06-03', '502: Bad Gateway', false, 4, { at: 5 });
      await store.complete(forum(77), '2022-06-03', 9, 4);
      expect(await store.delivery(forum(78), '2022-06-03')).toMatchObject({ status: 'failed', transientFailures: 1, retryAt: 5 });
      expect(await store.delivery(forum(77), '2022-06-03')).toMatchObject({ status: 'sent', transientFailures: 0, messageId: 9 });
      expect(await store.history(forum(77), '2022-06-04')).toEqual(['a', 'e']);
      expect(await store.history(forum(78), '2022-06-04')).toEqual(['b']);
    });

    it('a migration moves every topic\'s subscription and ledger, and keeps a topic the new chat already has', async () => {
      const { store } = await setup();
      const group = (threadId: number | null = null) => subscriber(-123, threadId);
      await store.subscribe(input({ chatId: -123, chatType: 'group', minutes: 420 }), 1);
      await store.subscribe(input({ chatId: -123, chatType: 'group', threadId: 77, minutes: 430 }), 1);
      await store.subscribe(input({ chatId: -123, chatType: 'group', threadId: 78, minutes: 440 }), 1);
      await store.subscribe(inForum({ threadId: 78, minutes: 600 }), 1);
      for (const [threadId, section] of [[null, 'a'], [77, 'b'], [78, 'c']] as const) {
        await store.begin(group(threadId), '2022-06-02', section, 1);
        await store.complete(group(threadId), '2022-06-02', 1, 1);
      }
      const moved = await store.migrate(-123, BIG_SUPERGROUP, 5);
      expect(moved.map((s) => [s.chatId, s.threadId, s.minutes, s.chatType, s.active])).toEqual([
        [BIG_SUPERGROUP, null, 420, 'supergroup', true],
        [BIG_SUPERGROUP, 77, 430, 'supergroup', true],
        [BIG_SUPERGROUP, 78, 600, 'supergroup', true],
      ]);
      expect(await store.get(group())).toBeNull();
      expect(await store.get(group(77))).toBeNull();
      expect(await store.get(group(78))).toMatchObject({ active: false, inactiveReason: `migrated to ${BIG_SUPERGROUP}` });
      expect(await store.history(forum(), '2022-06-03')).toEqual(['a']);
      expect(await store.history(forum(77), '2022-06-03')).toEqual(['b']);
      expect(await store.history(forum(78), '2022-06-03')).toEqual(['c']);
      expect(await store.delivery(group(77), '2022-06-02')).toBeNull();
    });

    it('refuses a thread id that is no forum topic\'s', async () => {
      const { store } = await setup();
      await expect(store.subscribe(inForum({ threadId: 0 }), 1)).rejects.toThrow(/thread id/);
      await expect(store.get(forum(1.5))).rejects.toThrow(/thread id/);
      await expect(store.begin(forum(-3), '2022-06-03', 's1', 1)).rejects.toThrow(/thread id/);
    });
  });

  it('keeps whether a subscription wants alerts (off unless asked for), across a reopen', async () => {
    const { store, twin } = await setup();
    await store.subscribe(input(), 1000);
    expect((await store.get(subscriber(42)))?.alerts).toBe(false);
    await store.subscribe(input({ chatId: 43, alerts: true, skipQuietDays: true }), 1000);
    expect(await (await twin()).get(subscriber(43))).toMatchObject({ alerts: true, skipQuietDays: true });
    expect((await store.get(subscriber(42)))?.skipQuietDays).toBe(false);
    expect((await store.active()).map((s) => [s.chatId, s.alerts])).toEqual([[42, false], [43, true]]);
  });

  it('re-subscribing changes the settings but keeps the creation time', async () => {
    const { store } = await setup();
    await store.subscribe(input(), 1000);
    await store.subscribe(input({ minutes: 600 }), 2000);
    expect(await store.get(subscriber(42))).toMatchObject({ minutes: 600, createdAt: 1000, updatedAt: 2000 });
  });

  it('deactivating keeps the row and the reason, and re-subscribing revives it', async () => {
    const { store } = await setup();
    await store.subscribe(input(), 1000);
    expect(await store.deactivate(subscriber(42), 'blocked: bot was blocked by the user', 2000)).toBe(true);
    expect(await store.deactivate(subscriber(42), 'again', 3000)).toBe(false);
    expect(await store.get(subscriber(42))).toMatchObject({ active: false, inactiveReason: 'blocked: bot was blocked by the user' });
    expect(await store.active()).toEqual([]);
    await store.subscribe(input(), 4000);
    expect(await store.get(subscriber(42))).toMatchObject({ active: true, inactiveReason: null });
  });

  it('stores 64-bit supergroup ids exactly', async () => {
    const { store } = await setup();
    await store.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup' }), 1);
    await store.begin(subscriber(BIG_SUPERGROUP), '2022-06-03', 's1', 2);
    expect((await store.get(subscriber(BIG_SUPERGROUP)))?.chatId).toBe(BIG_SUPERGROUP);
    expect((await store.delivery(subscriber(BIG_SUPERGROUP), '2022-06-03'))?.chatId).toBe(BIG_SUPERGROUP);
    expect(await store.get(subscriber(BIG_SUPERGROUP + 1))).toBeNull();
  });

  it('refuses chat ids that would lose digits', async () => {
    const { store } = await setup();
    await expect(store.subscribe(input({ chatId: 2 ** 53 + 2 }), 1)).rejects.toThrow(/chat id/);
    await expect(store.subscribe(input({ chatId: 1.5 }), 1)).rejects.toThrow(/chat id/);
  });

  it('walks a delivery from pending to sent and counts attempts', async () => {
    const { store } = await setup();
    expect(await store.begin(subscriber(42), '2022-06-03', 's1', 1)).toMatchObject({ status: 'pending', attempts: 1 });
    await store.fail(subscriber(42), '2022-06-03', '500 Internal Server Error', false, 2);
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'failed', error: '500 Internal Server Error' });
    expect(await store.begin(subscriber(42), '2022-06-03', 's1', 3)).toMatchObject({ status: 'pending', attempts: 2 });
    await store.complete(subscriber(42), '2022-06-03', 777, 4);
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'sent', messageId: 777, error: null });
  });

  it('records every delivery of a burst marked sent at once: another instance sees each once its completion resolved', async () => {
    const { store, twin } = await setup();
    const chats = Array.from({ length: 250 }, (_, i) => 1000 + i);
    for (const c of chats) await store.begin(subscriber(c), '2022-06-03', 's1', 1);
    await Promise.all(chats.map((c, i) => store.complete(subscriber(c), '2022-06-03', i + 1, 2)));
    const other = await twin();
    for (const [i, c] of chats.entries()) expect(await other.delivery(subscriber(c), '2022-06-03')).toMatchObject({ status: 'sent', messageId: i + 1 });
  });

  it('counts transient failures apart from other attempts and keeps the time of the next retry', async () => {
    const { store } = await setup();
    await store.begin(subscriber(42), '2022-06-03', 's1', 1);
    await store.fail(subscriber(42), '2022-06-03', '502: Bad Gateway', false, 2, { at: 1002 });
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'failed', attempts: 1, transientFailures: 1, retryAt: 1002 });
    await store.begin(subscriber(42), '2022-06-03', 's1', 1002);
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'pending', attempts: 2, transientFailures: 1, retryAt: null });
    await store.fail(subscriber(42), '2022-06-03', '401: Unauthorized', false, 1003);
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'failed', attempts: 2, transientFailures: 1, retryAt: null });
  });

  it('counts requests whose outcome is unknown (timeout, reset), also when the row is then dropped', async () => {
    const { store } = await setup();
    await store.begin(subscriber(42), '2022-06-03', 's1', 1);
    await store.fail(subscriber(42), '2022-06-03', 'network: no answer', false, 2, { at: 1002, unknownOutcome: true });
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'failed', unknownOutcomes: 1, transientFailures: 1, retryAt: 1002 });
    await store.begin(subscriber(42), '2022-06-03', 's1', 1002);
    await store.fail(subscriber(42), '2022-06-03', 'network: no answer again', true, 1003, { at: 1003, unknownOutcome: true });
    expect(await store.delivery(subscriber(42), '2022-06-03')).toMatchObject({ status: 'dropped', unknownOutcomes: 2, retryAt: null });
  });

  it('history lists only delivered sections from earlier days, oldest first', async () => {
    const { store } = await setup();
    await store.begin(subscriber(42), '2022-06-02', 'b', 1);
    await store.complete(subscriber(42), '2022-06-02', 1, 1);
    await store.begin(subscriber(42), '2022-06-01', 'a', 1);
    await store.complete(subscriber(42), '2022-06-01', 2, 1);
    await store.begin(subscriber(42), '2022-06-03', 'c', 1);
    await store.complete(subscriber(42), '2022-06-03', 3, 1);
    await store.begin(subscriber(42), '2022-06-02', 'x', 1); // a different chat's rows never leak in
    await store.begin(subscriber(43), '2022-05-01', 'z', 1);
    await store.complete(subscriber(43), '2022-05-01', 4, 1);
    await store.complete(subscriber(42), '2022-06-02', 5, 1);
    expect(await store.history(subscriber(42), '2022-06-03')).toEqual(['a', 'x']);
    await store.fail(subscriber(42), '2022-06-01', 'gone', true, 2);
    expect(await store.history(subscriber(42), '2022-06-03')).toEqual(['x']);
  });

  it('moves a migrated group\'s subscription and ledger to the supergroup id', async () => {
    const { store } = await setup();
    await store.subscribe(input({ chatId: -123, chatType: 'group', minutes: 420 }), 1);
    await store.begin(subscriber(-123), '2022-06-02', 'a', 1);
    await store.complete(subscriber(-123), '2022-06-02', 1, 1);
    const moved = await store.migrate(-123, BIG_SUPERGROUP, 5);
    expect(moved).toEqual([expect.objectContaining({ chatId: BIG_SUPERGROUP, threadId: null, chatType: 'supergroup', minutes: 420, active: true })]);
    expect(await store.get(subscriber(-123))).toBeNull();
    expect(await store.history(subscriber(BIG_SUPERGROUP), '2022-06-03')).toEqual(['a']);
  });

  it('lets one owner hold the broadcast lease until it expires, is released, or is taken over', async () => {
    const { store } = await setup();
    expect(await store.acquireLease('broadcast', 'a', 0, 1000)).toBe(true);
    expect(await store.acquireLease('broadcast', 'b', 500, 1000)).toBe(false);
    expect(await store.acquireLease('broadcast', 'a', 900, 1000)).toBe(true); // renewal
    expect(await store.acquireLease('broadcast', 'b', 1500, 1000)).toBe(false);
    expect(await store.acquireLease('broadcast', 'b', 1900, 1000)).toBe(true); // expired
    expect(await store.leaseHolder('broadcast')).toEqual({ owner: 'b', expiresAt: 2900 });
    expect(await store.acquireLease('broadcast', 'c', 2000, 1000, 'b')).toBe(true); // b is known dead
    await store.releaseLease('broadcast', 'b'); // not b's any more: no effect
    expect((await store.leaseHolder('broadcast'))?.owner).toBe('c');
    await store.releaseLease('broadcast', 'c');
    expect(await store.leaseHolder('broadcast')).toBeNull();
  });

  it('keeps the supergroup\'s own subscription when it already had one', async () => {
    const { store } = await setup();
    await store.subscribe(input({ chatId: -123, chatType: 'group', minutes: 420 }), 1);
    await store.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', minutes: 600 }), 1);
    expect((await store.migrate(-123, BIG_SUPERGROUP, 5)).map((s) => s.minutes)).toEqual([600]);
    expect(await store.get(subscriber(-123))).toMatchObject({ active: false, inactiveReason: `migrated to ${BIG_SUPERGROUP}` });
  });

  it('keeps answer pages until they expire, for any instance and after a restart', async () => {
    const { store, twin } = await setup();
    await store.putPages('k1', ['<b>一</b>', '二'], 2000, 1000);
    const other = await twin();
    expect(await other.getPages('k1', 1999)).toEqual(['<b>一</b>', '二']);
    expect(await other.getPages('k1', 2000)).toBeNull();
    expect(await store.getPages('nope', 0)).toBeNull();
  });

  it("keeps a picture's file_id for any instance, replaces it when the picture is uploaded again, and forgets it after 30 days", async () => {
    const { store, twin } = await setup();
    const day = 24 * 3600_000;
    await store.putFileId('map:a', 'file-1', 1000);
    const other = await twin();
    expect(await other.getFileId('map:a')).toBe('file-1');
    await other.putFileId('map:a', 'file-2', 2000);
    expect(await store.getFileId('map:a')).toBe('file-2');
    expect(await store.getFileId('map:b')).toBeNull();
    // An entry not put again for 30 days goes when another picture is kept.
    await store.putFileId('map:b', 'file-3', 2000 + 30 * day);
    expect(await store.getFileId('map:a')).toBeNull();
    expect(await other.getFileId('map:b')).toBe('file-3');
  });

  it('keeps the shared list of added articles: each in once, withdrawn by undo, back when added again, seen by any instance', async () => {
    const { store, twin } = await setup();
    expect(await store.publishArticle('2030-01-15-a.txt', '正文一', 1000)).toBe(true);
    expect(await store.publishArticle('2030-01-15-a.txt', '正文一', 1001)).toBe(false);
    const other = await twin();
    expect(await other.sharedArticles()).toEqual([{ source: '2030-01-15-a.txt', addedAt: 1000, withdrawnAt: null }]);
    expect(await other.sharedArticleText('2030-01-15-a.txt')).toBe('正文一');
    expect(await other.sharedArticleText('nope.txt')).toBeNull();
    expect(await other.withdrawArticle('2030-01-15-a.txt', 2000)).toBe(true);
    expect(await store.withdrawArticle('2030-01-15-a.txt', 2001)).toBe(false);
    expect(await store.withdrawArticle('nope.txt', 2001)).toBe(false);
    expect(await store.sharedArticles()).toEqual([{ source: '2030-01-15-a.txt', addedAt: 1000, withdrawnAt: 2000 }]);
    expect(await store.sharedArticleText('2030-01-15-a.txt')).toBeNull();
    // A copy older than the undo (a file left on another instance) does not bring it back; a newer one does.
    expect(await store.publishArticle('2030-01-15-a.txt', '正文一', 1000)).toBe(false);
    expect(await store.publishArticle('2030-01-15-a.txt', '正文二', 3000)).toBe(true);
    expect(await other.sharedArticles()).toEqual([{ source: '2030-01-15-a.txt', addedAt: 3000, withdrawnAt: null }]);
    expect(await other.sharedArticleText('2030-01-15-a.txt')).toBe('正文二');
  });

  it('counts a user\'s messages in a sliding window: allow up to the limit, warn once, then drop', async () => {
    const { store } = await setup();
    const verdicts = [];
    for (let i = 0; i < 9; i++) verdicts.push(await store.floodHit('msg:1', 1000 + i, 10_000, 6));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'warn', 'drop', 'drop']);
    expect(await store.floodHit('msg:2', 1010, 10_000, 6)).toBe('allow'); // users are apart
    expect(await store.floodHit('msg:1', 11_000, 10_000, 6)).toBe('allow'); // the first one aged out
    expect(await store.floodHit('msg:1', 11_000, 10_000, 6)).toBe('warn'); // full again: a new notice
  });

  it('counts chats, commands, subscribers and today\'s digests for /stats', async () => {
    const { store } = await setup();
    await store.subscribe(input({ chatId: 1 }), 0);
    await store.subscribe(input({ chatId: -2, chatType: 'group' }), 0);
    await store.subscribe(input({ chatId: 3 }), 0);
    await store.subscribe(input({ chatId: -4, chatType: 'supergroup', threadId: 9 }), 0);
    await store.subscribe(input({ chatId: -4, chatType: 'supergroup', threadId: 10 }), 0);
    await store.deactivate(subscriber(3), 'unsubscribed', 1);
    await store.begin(subscriber(1), '2022-06-03', 's1', 1);
    await store.complete(subscriber(1), '2022-06-03', 9, 2);
    await store.begin(subscriber(-2), '2022-06-03', 's1', 1);
    await store.begin(subscriber(1), '2022-06-02', 's0', 1);
    const day = 86_400_000;
    const now = 30 * day;
    for (const [chatId, command, date, at] of [
      [1, 'district', '2022-06-03', now],
      [1, 'district', '2022-06-02', now - day],
      [-2, 'topic', '2022-06-03', now],
      [5, 'district', '2022-05-01', now - 20 * day], // too old for the week's commands, and not active this week
      [1, null, '2022-06-03', now],
    ] as const) await store.recordUse({ chatId, chatType: chatId > 0 ? 'private' : 'group', command, date, at });
    const stats = await store.stats('2022-06-03', '2022-05-28', now);
    expect(stats).toEqual({
      subscribers: { private: 1, group: 1, supergroup: 2 },
      topics: 2,
      chats: { total: 3, lastWeek: 2 },
      digests: { sent: 1, pending: 1 },
      commands: [{ command: 'district', count: 2 }, { command: 'topic', count: 1 }],
    });
  });

  it('keeps everything across a reopen, and reopening (migrating again) changes nothing', async () => {
    const { store, twin, schemaVersion, latestVersion } = await setup();
    await store.subscribe(input({ chatId: BIG_SUPERGROUP, chatType: 'supergroup', filter: { kind: 'district', id: '潼南区', label: '潼南区' } }), 1);
    await store.begin(subscriber(BIG_SUPERGROUP), '2022-06-03', 's1', 2);
    const again = await twin();
    expect(await again.get(subscriber(BIG_SUPERGROUP))).toMatchObject({ filter: { kind: 'district', id: '潼南区' }, active: true });
    expect((await again.delivery(subscriber(BIG_SUPERGROUP), '2022-06-03'))?.status).toBe('pending');
    if (schemaVersion) expect(await schemaVersion()).toBe(latestVersion);
    expect(await again.answers()).toBe(true);
  });

  it('answers a health check while open, and not once closed', async () => {
    const handle = await open();
    expect(await handle.store.answers()).toBe(true);
    await handle.store.close();
    expect(await handle.store.answers()).toBe(false);
  });

  describe('when two instances use it at the same moment', () => {
    it('exactly one of them takes a free lease', async () => {
      const { store, twin } = await setup();
      const other = await twin();
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).acquireLease('broadcast', `owner-${i}`, 0, 60_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('flood control counts every message once: the limit holds across them', async () => {
      const { store, twin } = await setup();
      const other = await twin();
      const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).floodHit('msg:7', 1000, 10_000, 6)));
      expect(verdicts.filter((v) => v === 'allow')).toHaveLength(6);
      expect(verdicts.filter((v) => v === 'warn')).toHaveLength(1);
    });

    it('no ledger attempt and no usage count is lost', async () => {
      const { store, twin } = await setup();
      const other = await twin();
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).begin(subscriber(42), '2022-06-03', 's1', i)));
      expect((await store.delivery(subscriber(42), '2022-06-03'))?.attempts).toBe(12);
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).recordUse({ chatId: 42, chatType: 'private', command: 'search', date: '2022-06-03', at: i })));
      expect((await store.stats('2022-06-03', '2022-06-03', 12)).commands).toEqual([{ command: 'search', count: 12 }]);
    });

    it('exactly one of them puts the same article on the shared list (so only one sends its alerts)', async () => {
      const { store, twin } = await setup();
      const other = await twin();
      const firsts = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).publishArticle('2030-01-15-a.txt', '正文', i)));
      expect(firsts.filter(Boolean)).toHaveLength(1);
    });

    it('a migration and a re-subscription of the same group do not deadlock or lose the subscription', async () => {
      const { store, twin } = await setup();
      const other = await twin();
      await store.subscribe(input({ chatId: -123, chatType: 'group' }), 1);
      await Promise.all([store.migrate(-123, BIG_SUPERGROUP, 2), other.migrate(-123, BIG_SUPERGROUP, 2)]);
      expect(await store.get(subscriber(BIG_SUPERGROUP))).toMatchObject({ active: true, chatType: 'supergroup' });
      expect(await store.get(subscriber(-123))).toBeNull();
    });
  });
}
