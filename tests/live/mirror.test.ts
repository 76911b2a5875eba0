import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { Library, type Added } from '../../src/live/library.ts';
import { ArticleMirror } from '../../src/live/mirror.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';

const refs = readReferenceData('data');
const ARTICLE = readFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt', 'utf8');
const SOURCE = '2030-01-15-invented-river-towns.txt';
const SEED = readRawArticles('data');
const T = Date.parse('2030-01-15T02:00:00Z');

/** Two instances of the bot: each its own library, one store between them; local adds are published as main.ts does. */
function twoInstances() {
  const store = new MemorySubscriptionStore();
  const make = (name: string) => {
    const forgotten: string[] = [];
    const firsts: string[] = [];
    let mirror!: ArticleMirror;
    const onAdded = (added: Added) => {
      if (added.origin === 'local') void mirror.publish(added.article.source, added.text, Date.parse(added.article.addedAt!)).then((first) => first && firsts.push(added.article.id));
    };
    const library = new Library(loadEngine('data'), { refs, now: () => T, onAdded }, SEED);
    mirror = new ArticleMirror({ library, store, forget: (source) => forgotten.push(source) });
    return { name, library, mirror, forgotten, firsts, finds: () => library.current().engine.answer('district', '綦江').results.length > 0 };
  };
  return { store, a: make('a'), b: make('b') };
}

describe('Articles added on one instance, with several sharing a store', () => {
  it('the other instance takes the article in at its next look at the shared list, and answers from it', async () => {
    const { a, b } = twoInstances();
    a.library.add({ source: SOURCE, text: ARTICLE }, T);
    await Promise.resolve();
    expect(b.finds()).toBe(false);
    await b.mirror.pull();
    expect(b.finds()).toBe(true);
    expect(b.library.current().report.articles.find((x) => x.source === SOURCE)?.addedAt).toBe(new Date(T).toISOString());
  });

  it('only the instance that put the article on the list first sends its alerts, also when both took the same file in', async () => {
    const { a, b } = twoInstances();
    a.library.add({ source: SOURCE, text: ARTICLE }, T);
    b.library.add({ source: SOURCE, text: ARTICLE }, T);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([...a.firsts, ...b.firsts]).toHaveLength(1);
    // Taken in from the list, it is not published again (it would alert nobody, and must not alert twice).
    const c = twoInstances();
    c.a.library.add({ source: SOURCE, text: ARTICLE }, T);
    await c.b.mirror.pull();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(c.b.firsts).toEqual([]);
  });

  it('an undo on either instance takes the article out of both, and the local copy goes too', async () => {
    const { a, b } = twoInstances();
    const added = a.library.add({ source: SOURCE, text: ARTICLE }, T);
    await Promise.resolve();
    await b.mirror.pull();
    expect(await b.mirror.withdraw(added.article.id, SOURCE, T + 1000)).toBe(true);
    expect(b.finds()).toBe(false);
    await a.mirror.pull();
    expect(a.finds()).toBe(false);
    expect(a.forgotten).toEqual([SOURCE]);
    // Nothing left to undo.
    expect(await a.mirror.withdraw(added.article.id, SOURCE, T + 2000)).toBe(false);
  });

  it('a file dropped in again after the undo is a new addition: it stays, and is shared again', async () => {
    const { a, b } = twoInstances();
    const added = a.library.add({ source: SOURCE, text: ARTICLE }, T);
    await Promise.resolve();
    await a.mirror.withdraw(added.article.id, SOURCE, T + 1000);
    b.library.add({ source: SOURCE, text: ARTICLE }, T + 5000);
    await b.mirror.pull();
    expect(b.finds()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await a.mirror.pull();
    expect(a.finds()).toBe(true);
  });

  it('an article this instance refuses (the same text under another name) is reported once, not at every look', async () => {
    const { store, b } = twoInstances();
    b.library.add({ source: SOURCE, text: ARTICLE }, T);
    await store.publishArticle('2030-01-16-same-text.txt', ARTICLE, T);
    const changes: string[] = [];
    const mirror = new ArticleMirror({ library: b.library, store, onChange: (c) => changes.push(c.kind) });
    await mirror.pull();
    await mirror.pull();
    expect(changes).toEqual(['refused']);
    expect(b.library.has('2030-01-16-same-text.txt')).toBe(false);
  });

  it('a withdrawal never takes out an article built into the report, only one taken in while running', async () => {
    const { store, b } = twoInstances();
    const built = b.library.current().report.articles[0]!;
    await store.publishArticle(built.source, 'x'.repeat(10), T);
    await store.withdrawArticle(built.source, T + 1000);
    await b.mirror.pull();
    expect(b.library.has(built.source)).toBe(true);
    expect(b.forgotten).toEqual([]);
  });

  it('an article that could not be put on the list (the database was down) is put there at a later look', async () => {
    const store = new MemorySubscriptionStore();
    let down = true;
    const flaky = Object.assign(Object.create(store) as MemorySubscriptionStore, {
      publishArticle: (source: string, text: string, at: number) => (down ? Promise.reject(new Error('connection refused')) : store.publishArticle(source, text, at)),
    });
    const library = new Library(loadEngine('data'), { refs, now: () => T }, SEED);
    const mirror = new ArticleMirror({ library, store: flaky });
    const added = library.add({ source: SOURCE, text: ARTICLE }, T);
    await expect(mirror.publish(SOURCE, added.text, T)).rejects.toThrow('connection refused');
    down = false;
    await mirror.pull();
    expect(await store.sharedArticles()).toEqual([{ source: SOURCE, addedAt: T, withdrawnAt: null }]);
  });

  it('the folders do not take in again the file of an article withdrawn since it last changed; a newer file is a new addition', async () => {
    const { a } = twoInstances();
    const added = a.library.add({ source: SOURCE, text: ARTICLE }, T);
    await Promise.resolve();
    await a.mirror.withdraw(added.article.id, SOURCE, T + 1000);
    expect(a.mirror.isWithdrawn(SOURCE, T)).toBe(true);
    expect(a.mirror.isWithdrawn(SOURCE, T + 2000)).toBe(false);
    expect(a.mirror.isWithdrawn('2030-01-16-other.txt', T)).toBe(false);
  });
});
