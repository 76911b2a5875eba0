import { describe, expect, it } from 'vitest';
import { SearchCommandSchema, type SearchCommand } from '../../src/core/answer.ts';
import { createEngine, extendEngine, type Engine } from '../../src/core/engine.ts';
import type { Report } from '../../src/core/report.ts';
import { TextIndex } from '../../src/core/text-index.ts';
import { buildReport } from '../../src/ingest/build.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { loadEngine } from '../../src/load-engine.ts';

const refs = readReferenceData('data');
const { report: seed } = loadEngine('data');
const invented = buildReport(readRawArticles('tests/fixtures'), refs);
const fragments = buildReport(readRawArticles('tests/fixtures/fragments-first'), refs);

/** `base` with the articles and sections of `more` appended (the same section objects, as the living report does). */
function plus(base: Report, more: Report): Report {
  return { ...base, articles: [...base.articles, ...more.articles], sections: [...base.sections, ...more.sections] };
}

const commands = SearchCommandSchema.options;
/** Words from all three articles, and some that are in none, for every command. */
const WORDS = ['潼南', '江津', '白沙镇', '荣昌', '就业', '生态', '王建国', '郑晓岚', '刘明', 'wangjianguo', '7316', '三分之一', '42%', '进口',
  '河湖治理', '侧面碰撞', '的', '发展', '乡村振兴', '北京', '城口', '养殖', '水', '数字化变革'];

function answers(engine: Engine): unknown[] {
  return commands.flatMap((c: SearchCommand) => WORDS.map((w) => engine.answer(c, w)));
}

describe('When an article is added to a built engine', () => {
  const gazetteer = refs.gazetteer;
  const opts = { placeAliases: refs.aliases };
  const base = createEngine(seed, gazetteer, opts);

  it('it answers every command exactly as an engine built from scratch over both', () => {
    const both = plus(seed, invented);
    expect(answers(extendEngine(base, both))).toEqual(answers(createEngine(both, gazetteer, opts)));
  });

  it('it does so after two additions in a row too, and resolves digest filters alike', () => {
    const two = plus(seed, invented);
    const three = plus(two, fragments);
    const chained = extendEngine(extendEngine(base, two), three);
    const fresh = createEngine(three, gazetteer, opts);
    expect(answers(chained)).toEqual(answers(fresh));
    for (const q of ['江津', '荣昌', '就业', '潼南', '生态']) expect(chained.resolveFilter(q)).toEqual(fresh.resolveFilter(q));
  });

  it('it does so after a dozen additions in a row, each ranking what came before', () => {
    // Distinct copies of the two invented articles, as a newsroom adding one a day would.
    const copy = (r: Report, k: number): Report => ({
      ...r,
      articles: r.articles.map((a) => ({ ...a, id: `${a.id}-${k}` })),
      sections: r.sections.map((s) => ({ ...s, id: `${s.id}-${k}`, articleId: `${s.articleId}-${k}` })),
    });
    let report = seed;
    let chained = base;
    for (let k = 0; k < 12; k++) {
      report = plus(report, copy(k % 2 === 0 ? invented : fragments, k));
      chained = extendEngine(chained, report);
    }
    expect(answers(chained)).toEqual(answers(createEngine(report, gazetteer, opts)));
  });

  it('the engine it was built from still answers from the old report', () => {
    const before = answers(base);
    extendEngine(base, plus(seed, invented));
    expect(answers(base)).toEqual(before);
    expect(base.answer('district', '江津').results.some((r) => r.sectionId.startsWith('2030'))).toBe(false);
  });

  it('a report that does not start with the old sections is built afresh', () => {
    const reordered = plus(invented, seed);
    expect(answers(extendEngine(base, reordered))).toEqual(answers(createEngine(reordered, gazetteer, opts)));
  });
});

describe('When a TextIndex is extended', () => {
  const a = [['整车进口从一年进口96台，到年进口7,316台。口岸发展很快。'], ['新能源汽车下线。']];
  const b = [['侧碰壁障进行碰撞试验。进口汽车。'], ['面对面。新词新语。']];
  const queries = ['进口', '7316', '碰', '新能源车', '面', '新词', '汽车 进口', '口岸'];
  const run = (index: TextIndex) =>
    queries.map((q) => [index.search(q, 0.3, 50), index.sentencesWith(q), index.searchUnits(q, 'paragraph', { minCoverage: 0.3 }), index.searchUnits(q, 'section', { minCoverage: 0.3, maxGroups: 2 })]);

  it('it finds what an index built over all sections finds, with the same ids', () => {
    const extended = new TextIndex(a).extend(b);
    const fresh = new TextIndex([...a, ...b]);
    expect(run(extended)).toEqual(run(fresh));
    expect(extended.sentenceCount).toBe(fresh.sentenceCount);
    for (let i = 0; i < fresh.sentenceCount; i++) expect(extended.location(i)).toEqual(fresh.location(i));
  });

  it('the index it came from is unchanged', () => {
    const first = new TextIndex(a);
    const before = run(first);
    first.extend(b);
    expect(run(first)).toEqual(before);
  });

  it('a run of extensions, and a second extension of the same index (an undo, then another article), each answer as built from scratch', () => {
    const c = [['口岸新能源汽车。'], [], ['碰撞试验面对面。进口。']];
    let chained = new TextIndex(a);
    const all: string[][] = [...a];
    for (const more of [b, c, b, c]) {
      chained = chained.extend(more);
      all.push(...more);
      expect(run(chained)).toEqual(run(new TextIndex(all)));
    }
    // A long prefix leaves room to append in place: the second extension must not write over the first.
    const long = [...a, ...Array.from({ length: 40 }, (_, i) => [`第${i}辆进口汽车下线。`])];
    const base = new TextIndex(long).extend(b);
    const before = run(base);
    const one = base.extend(c);
    const other = base.extend(b);
    expect(run(one)).toEqual(run(new TextIndex([...long, ...b, ...c])));
    expect(run(other)).toEqual(run(new TextIndex([...long, ...b, ...b])));
    expect(run(base)).toEqual(before);
    const fresh = new TextIndex([...long, ...b, ...c]);
    for (let i = 0; i < one.sentenceCount; i++) expect(one.location(i)).toEqual(fresh.location(i));
  });
});
