import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Telegram } from 'telegraf';
import { alertKey, type DigestFilter } from '../../src/core/digest.ts';
import { AlertDispatcher } from '../../src/digest/alerts.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import { DigestSender, type SendApi, type SendEvent } from '../../src/digest/sender.ts';
import { telegramSendApi } from '../../src/digest/telegram.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { Library } from '../../src/live/library.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { subscriber, type SubscribeInput } from '../../src/store/types.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { simulatedClock, virtualClock } from './clock.ts';

const refs = readReferenceData('data');
const SEED = readRawArticles('data');
const SOURCE = '2030-01-15-invented-river-towns.txt';
const ARTICLE = readFileSync(`tests/fixtures/raw/${SOURCE}`, 'utf8');
const jiangjin: DigestFilter = { kind: 'district', id: '江津区', label: '江津区' };
const tongnan: DigestFilter = { kind: 'district', id: '潼南区', label: '潼南区' };

let api: FakeBotApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** The bot's wiring in small: the real library (its onAdded hook), a sender on a fake Bot API, the dispatcher. */
async function setup(subs: Array<Partial<SubscribeInput> & { chatId: number }>) {
  api = await FakeBotApi.start({ strictHtml: true });
  const store = new MemorySubscriptionStore();
  for (const s of subs) await store.subscribe({ chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null, ...s }, 0);
  const clock = virtualClock('2030-01-15T02:00:00Z');
  const events: Array<SendEvent & { at: number }> = [];
  let alerts: AlertDispatcher | null = null;
  let pending: Promise<void> = Promise.resolve();
  const library = new Library(loadEngine('data'), { refs, now: clock.now, onAdded: (added) => void (pending = alerts!.articleAdded(added.article.id)) }, SEED);
  const sender = new DigestSender({
    store,
    api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })),
    compose: makeCompose(() => library.current().report, store),
    clock,
    onEvent: (e) => events.push({ ...e, at: clock.now() }),
  });
  alerts = new AlertDispatcher({ store, sender, report: () => library.current().report });
  const add = async () => {
    const added = library.add({ source: SOURCE, text: ARTICLE });
    await pending;
    return added;
  };
  return { api, store, library, sender, alerts, events, add, settled: () => pending };
}

describe('When an article is added while the bot runs', () => {
  it('a subscriber with alerts on whose filter matches gets one short alert, exactly once; others get nothing', async () => {
    const { api, store, alerts, add } = await setup([
      { chatId: 1, filter: jiangjin, alerts: true },
      { chatId: 2, filter: tongnan, alerts: true }, // the new article is not about 潼南
      { chatId: 3, filter: jiangjin, alerts: false }, // the daily digest only
      { chatId: 4, filter: null, alerts: true },
    ]);
    await store.deactivate(subscriber(4), 'unsubscribed', 1);
    const added = await add();
    const texts = api.sentTexts(1);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`🔔 新报道：${added.article.title}`);
    expect(texts[0]).toContain('打造宜居宜业的滨江新城');
    expect(texts[0]).toContain('符合你的筛选：江津区');
    expect(validateTelegramHtml(texts[0]!)).toEqual([]);
    for (const chat of [2, 3, 4]) expect(api.sentTexts(chat)).toEqual([]);
    expect(await store.delivery(subscriber(1), alertKey(added.article.id))).toMatchObject({ status: 'sent' });
    // The same article heard of again (a second notice, a retry after a restart): the ledger says it went out.
    await alerts.articleAdded(added.article.id);
    expect(api.sentTexts(1)).toHaveLength(1);
  });

  it('in a forum, each topic whose own filter matches gets the alert in that topic, once', async () => {
    const forum = { chatId: -1001234567890, chatType: 'supergroup' as const };
    const { api, store, alerts, add } = await setup([
      { ...forum, threadId: 77, filter: jiangjin, alerts: true },
      { ...forum, threadId: 78, filter: tongnan, alerts: true }, // this topic follows 潼南: not this article
      { ...forum, threadId: 79, filter: null, alerts: true },
      { ...forum, filter: jiangjin, alerts: false }, // General: the daily digest only
    ]);
    const added = await add();
    const sent = api.sent(forum.chatId);
    expect(sent.map((c) => c.params['message_thread_id']).sort()).toEqual([77, 79]);
    for (const c of sent) expect(String(c.params['text'])).toContain(`🔔 新报道：${added.article.title}`);
    expect(await store.delivery(subscriber(forum.chatId, 77), alertKey(added.article.id))).toMatchObject({ status: 'sent' });
    expect(await store.delivery(subscriber(forum.chatId, 78), alertKey(added.article.id))).toBeNull();
    await alerts.articleAdded(added.article.id);
    expect(api.sent(forum.chatId)).toHaveLength(2);
  });

  it('an alert is no day\'s digest: the chat still gets its digest, and the alert never enters its history', async () => {
    const { store, add } = await setup([{ chatId: 1, filter: jiangjin, alerts: true }]);
    const added = await add();
    expect(await store.delivery(subscriber(1), '2030-01-15')).toBeNull();
    expect(await store.history(subscriber(1), '2030-01-16')).toEqual([]);
    expect((await store.delivery(subscriber(1), alertKey(added.article.id)))?.sectionId).toMatch(/^2030-01-15-invented-river-towns/);
  });

  it('an article matching many chats is queued under the sending limits, not sent in one burst', async () => {
    // Virtual time in which requests overlap as on a network (100 ms round trip): departures are what the limit counts.
    const clock = simulatedClock('2030-01-15T02:00:00Z');
    const left: number[] = [];
    const slowApi: SendApi = {
      async sendMessage() {
        left.push(clock.now());
        await clock.sleep(100);
        return { message_id: left.length };
      },
    };
    const store = new MemorySubscriptionStore();
    for (let i = 0; i < 75; i++) await store.subscribe({ chatId: 1000 + i, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null, alerts: true }, 0);
    const library = new Library(loadEngine('data'), { refs }, SEED);
    const sender = new DigestSender({ store, api: slowApi, compose: makeCompose(() => library.current().report, store), clock });
    const alerts = new AlertDispatcher({ store, sender, report: () => library.current().report });
    const added = library.add({ source: SOURCE, text: ARTICLE });
    await alerts.articleAdded(added.article.id);
    expect(left).toHaveLength(75);
    // At most 30 leave in any second (BROADCAST_PER_SECOND), so the 61st leaves two seconds after the first.
    for (const t of left) expect(left.filter((o) => o >= t && o < t + 1000).length).toBeLessThanOrEqual(30);
    expect(left[60]! - left[0]!).toBeGreaterThanOrEqual(2000);
  });

  it('a subscriber whose article was taken out again (undo) before its turn gets nothing and keeps its subscription', async () => {
    const { api, store, library, alerts, settled } = await setup([{ chatId: 1, filter: jiangjin, alerts: true }]);
    const added = library.add({ source: SOURCE, text: ARTICLE });
    library.remove(added.article.id);
    await settled();
    await alerts.articleAdded(added.article.id);
    expect(api.sentTexts(1)).toEqual([]);
    expect((await store.get(subscriber(1)))?.active).toBe(true);
  });
});
