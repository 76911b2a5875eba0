import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { articlesDir, FolderSync, readArticleFile, saveArticle, stableArticleName } from '../../src/live/folders.ts';
import { ArticleRefused, checkArticleBytes, Library } from '../../src/live/library.ts';
import { loadEngine } from '../../src/load-engine.ts';

const refs = readReferenceData('data');
const ARTICLE = readFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt', 'utf8');
const SEED = readRawArticles('data');

/** A library over the real report, as the bot starts it. */
function setup(): Library {
  return new Library(loadEngine('data'), { refs, now: () => Date.parse('2030-01-15T02:00:00Z') }, SEED);
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ArticleRefused) return err.reason;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('When an article is offered to the library', () => {
  const library = setup();

  it.each([
    ['empty', () => checkArticleBytes('a.txt', new Uint8Array(0)), /空/],
    ['not UTF-8', () => checkArticleBytes('a.txt', Buffer.from(ARTICLE, 'utf16le')), /UTF-8|二进制/],
    // Decoded now (tests/live/incoming.test.ts); three characters are still no article.
    ['three characters in GBK', () => checkArticleBytes('a.txt', Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0xd6, 0xd0])), /中文太少/],
    ['binary', () => checkArticleBytes('a.txt', Buffer.from(`\u0000\u0001\u0002${'\u0000'.repeat(200)}${ARTICLE}`)), /二进制/],
    ['5 MB of noise', () => checkArticleBytes('a.txt', Buffer.alloc(5 * 1024 * 1024, 'x')), /太大/],
    ['English text', () => checkArticleBytes('a.txt', Buffer.from('hello world. '.repeat(200))), /中文太少/],
  ])('%s is refused with a reason', (_label, fn, reason) => {
    expect(refusal(fn)).toMatch(reason);
  });

  it('a good article goes in: its sections are answered, the old snapshot still answers from the old report', () => {
    const before = library.current();
    const added = library.add({ source: '2030-01-15-invented-river-towns.txt', text: ARTICLE });
    const after = library.current();
    expect(added.sections.length).toBeGreaterThan(0);
    expect(after.report.sections.slice(0, before.report.sections.length)).toEqual(before.report.sections);
    expect(after.engine.answer('district', '綦江').results.length).toBeGreaterThan(0);
    expect(before.engine.answer('district', '綦江').results.length).toBe(0);
    expect(after.lastAddedAt).toBe(Date.parse('2030-01-15T02:00:00Z'));
    expect(after.report.articles.at(-1)?.addedAt).toBe('2030-01-15T02:00:00.000Z');
  });

  it('the same text under another name, and another text under a name in service, are refused and change nothing', () => {
    const before = library.current();
    expect(refusal(() => library.add({ source: '2030-01-16-copy.txt', text: `${ARTICLE}\n\n` }))).toMatch(/内容相同/);
    expect(refusal(() => library.add({ source: SEED[0]!.source, text: ARTICLE.replace('守护', '保护') }))).toMatch(/同名/);
    expect(refusal(() => library.add({ source: '2030-01-17-seed-again.txt', text: SEED[0]!.text }))).toMatch(/内容相同/);
    expect(library.current()).toBe(before);
  });

  it('undo takes the article out again and lets it back in', () => {
    const id = library.current().report.articles.at(-1)!.id;
    expect(library.remove(id)).toBe(true);
    expect(library.current().engine.answer('district', '綦江').results.length).toBe(0);
    expect(library.remove(id)).toBe(false);
    library.add({ source: '2030-01-15-invented-river-towns.txt', text: ARTICLE });
    expect(library.current().engine.answer('district', '綦江').results.length).toBeGreaterThan(0);
  });
});

describe('When articles are stored in $DATA_DIR/articles', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-library-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a restart takes them in again, and a bad file is reported once until it changes', () => {
    saveArticle(dataDir, stableArticleName(ARTICLE, '2030-01-15', 'river.txt'), ARTICLE);
    mkdirSync(articlesDir(dataDir), { recursive: true });
    writeFileSync(join(articlesDir(dataDir), '2030-02-01-empty.txt'), '');
    const library = setup();
    const sync = new FolderSync(library, [join('data', 'raw'), articlesDir(dataDir)]);
    const first = sync.sync();
    expect(first.added.map((a) => a.article.source)).toEqual([stableArticleName(ARTICLE, '2030-01-15')]);
    expect(first.refused.map((r) => r.reason)).toEqual(['是空的']);
    expect(sync.sync()).toEqual({ added: [], refused: [] });
    expect(library.current().engine.answer('district', '綦江').results.length).toBeGreaterThan(0);
  });

  it('a file the mirror says was withdrawn since it last changed is not taken in', () => {
    const library = setup();
    const name = stableArticleName(ARTICLE, '2030-01-15');
    const skipped: string[] = [];
    const sync = new FolderSync(library, [articlesDir(dataDir)], (source) => (skipped.push(source), source === name));
    expect(sync.sync().added).toEqual([]);
    expect(skipped).toContain(name);
    expect(library.has(name)).toBe(false);
  });

  it('a file past the size limit is refused before it is read', () => {
    const path = join(dataDir, 'big.txt');
    writeFileSync(path, Buffer.alloc(5 * 1024 * 1024, 0xff));
    expect(refusal(() => readArticleFile(path, 'big.txt'))).toMatch(/太大/);
  });
});
