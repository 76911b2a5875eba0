/**
 * A corrected article replaces the version in service instead of becoming a second article: same headline and date,
 * or mostly the same sentences. Unchanged sections keep their ids, /latest lists it once with 已更新, chats alerted
 * for it are not alerted again, and other instances take the correction in the same way.
 */
import { readFileSync } from 'node:fs';
import { Telegram } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertDispatcher } from '../../src/digest/alerts.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import { DigestSender } from '../../src/digest/sender.ts';
import { telegramSendApi } from '../../src/digest/telegram.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { Library, type Added } from '../../src/live/library.ts';
import { ArticleMirror } from '../../src/live/mirror.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { htmlToPlain } from '../../src/render/replies.ts';
import { latestHtml } from '../../src/render/living.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { virtualClock } from '../digest/clock.ts';

const refs = readReferenceData('data');
const SEED = readRawArticles('data');
const SOURCE = '2030-01-15-invented-river-towns.txt';
const ARTICLE = readFileSync(`tests/fixtures/raw/${SOURCE}`, 'utf8');
/** One sentence corrected, under another file name (an editor's "copy"). */
const CORRECTED = ARTICLE.replace('全市已建成幸福河湖120条', '全市已建成幸福河湖126条');
const T = Date.parse('2030-01-15T02:00:00Z');

let api: FakeBotApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function library(onAdded?: (added: Added) => void, now = () => T) {
  return new Library(loadEngine('data'), { refs, now, ...(onAdded ? { onAdded } : {}) }, SEED);
}

describe('When a corrected version of an article in service is added', () => {
  it('it replaces the earlier version: one article, the lead once, the new figure answered', () => {
    const lib = library();
    const first = lib.add({ source: SOURCE, text: ARTICLE }, T);
    const second = lib.add({ source: '2030-01-15-river-towns-fixed.txt', text: CORRECTED }, T + 60_000);
    expect(second.replaced?.id).toBe(first.article.id);
    const { report, engine } = lib.current();
    expect(report.articles.filter((a) => a.title === first.article.title)).toHaveLength(1);
    expect(report.sections.filter((s) => s.articleId === first.article.id)).toHaveLength(first.sections.length);
    const district = engine.answer('district', '綦江').results.map((r) => r.sectionId);
    expect(new Set(district).size).toBe(district.length);
    expect(engine.answer('figures', '126').results[0]?.sectionId).toBeDefined();
    expect(engine.answer('figures', '120条').results.some((r) => r.sectionId.startsWith(first.article.id))).toBe(false);
  });

  it('unchanged sections keep their ids (digest history points at them)', () => {
    const lib = library();
    const first = lib.add({ source: SOURCE, text: ARTICLE }, T);
    const second = lib.add({ source: '2030-01-15-river-towns-fixed.txt', text: CORRECTED }, T + 60_000);
    expect(second.sections.map((s) => s.id)).toEqual(first.sections.map((s) => s.id));
    expect(second.article.id).toBe(first.article.id);
  });

  it('/latest shows it once, marked 已更新', () => {
    const lib = library();
    lib.add({ source: SOURCE, text: ARTICLE }, T);
    lib.add({ source: '2030-01-15-river-towns-fixed.txt', text: CORRECTED }, T + 60_000);
    const latest = htmlToPlain(latestHtml(lib.current().report, lib.current().lastAddedAt, 'Asia/Shanghai'));
    expect(latest.match(/守护一江碧水/gu)).toHaveLength(1);
    expect(latest).toMatch(/守护一江碧水.*已更新/u);
  });

  it('the same headline and date is an update even when much of the text changed', () => {
    const lib = library();
    const first = lib.add({ source: SOURCE, text: ARTICLE }, T);
    const paragraphs = ARTICLE.split('\n\n');
    const shortened = [...paragraphs.slice(0, 6), '本报记者  李  明'].join('\n\n') + '\n';
    expect(lib.add({ source: '2030-01-15-short.txt', text: shortened }, T + 1).replaced?.id).toBe(first.article.id);
  });

  it('an older version arriving after the newer one (files read in name order) does not replace it', () => {
    const lib = library();
    lib.add({ source: '2030-01-15-a-fixed.txt', text: CORRECTED }, T + 60_000);
    expect(() => lib.add({ source: '2030-01-15-b-old.txt', text: ARTICLE }, T)).toThrow(/旧版本/u);
  });

  it('a chat alerted for the first version gets no second alert; the correction alerts nobody twice', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    const store = new MemorySubscriptionStore();
    await store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: { kind: 'district', id: '江津区', label: '江津区' }, alerts: true }, 0);
    const clock = virtualClock('2030-01-15T02:00:00Z');
    let alerts: AlertDispatcher | null = null;
    let pending: Promise<void> = Promise.resolve();
    const lib = library((added) => void (pending = alerts!.articleAdded(added.article.id)), clock.now);
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(() => lib.current().report, store), clock });
    alerts = new AlertDispatcher({ store, sender, report: () => lib.current().report });
    lib.add({ source: SOURCE, text: ARTICLE });
    await pending;
    expect(api.sentTexts(1)).toHaveLength(1);
    clock.advance(60_000);
    lib.add({ source: '2030-01-15-river-towns-fixed.txt', text: CORRECTED });
    await pending;
    expect(api.sentTexts(1)).toHaveLength(1);
  });

  it('another instance takes the correction in as a replacement too, keeping the same ids, and the old version stays out', async () => {
    const store = new MemorySubscriptionStore();
    const a = library();
    const b = library();
    const mirrorB = new ArticleMirror({ library: b, store });
    const first = a.add({ source: SOURCE, text: ARTICLE }, T);
    await store.publishArticle(SOURCE, first.text, T);
    await mirrorB.pull();
    const corrected = a.add({ source: '2030-01-15-river-towns-fixed.txt', text: CORRECTED }, T + 60_000);
    // What main.ts does for a local correction: the new version on the list, the old one off it.
    await store.publishArticle(corrected.article.source, corrected.text, T + 60_000);
    await new ArticleMirror({ library: a, store }).retire(SOURCE, T + 60_000);
    await mirrorB.pull();
    const inB = b.current().report;
    expect(inB.articles.filter((x) => x.title === first.article.title).map((x) => x.source)).toEqual(['2030-01-15-river-towns-fixed.txt']);
    expect(inB.sections.filter((s) => s.articleId === first.article.id).map((s) => s.id)).toEqual(first.sections.map((s) => s.id));
    // A restart of B: report.json, then the list; the old version is withdrawn and does not come back.
    const c = library();
    await new ArticleMirror({ library: c, store }).pull();
    expect(c.current().report.articles.filter((x) => x.title === first.article.title).map((x) => x.source)).toEqual(['2030-01-15-river-towns-fixed.txt']);
  });
});
