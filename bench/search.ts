// `npm run bench [-- --json]`: latency of the search core on the real report and on 1,000 copies of it,
// against plain fuse.js over all paragraphs, then the /map picture (bench/map.ts). A benchmark, not a test: it
// prints, CI does not time it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import Fuse from 'fuse.js';
import type { SearchCommand } from '../src/core/answer.ts';
import { cleanQuery, createEngine, DEFAULT_ENGINE_OPTIONS, extendEngine, type Engine } from '../src/core/engine.ts';
import { GazetteerSchema, PlaceAliasesSchema } from '../src/core/gazetteer.ts';
import { composeDigest } from '../src/core/digest.ts';
import { parseReport, type Report } from '../src/core/report.ts';
import { loadEngine } from '../src/load-engine.ts';
import { buildReport } from '../src/ingest/build.ts';
import { sentencesBy, updatedArticle } from '../src/live/library.ts';
import { readReferenceData } from '../src/ingest/files.ts';

const json = process.argv.includes('--json');
const dataDir = process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length) ?? 'data';
// `--no-baseline` skips plain fuse.js (minutes at 1,000 copies) when only our own figures are wanted.
const noBaseline = process.argv.includes('--no-baseline');
const COPIES = Number(process.argv.find((a) => a.startsWith('--copies='))?.slice('--copies='.length) ?? 1000);

/** The fixed mixed query set: all five commands, the issue's examples, typos, misses and one very long query. */
const QUERIES: [SearchCommand, string][] = [
  ['district', '潼南'], ['district', '潼南区'], ['district', 'tongnan'], ['district', 'Tong Nan'], ['district', '潼楠'],
  ['district', '武龙'], ['district', '九龍坡'], ['district', '開州'], ['district', '沙坪壩'], ['district', '开县'],
  ['district', '大足县'], ['district', '满月镇'], ['district', '仙女山'], ['district', '城口'], ['district', '北京'],
  ['district', '走马'], ['district', '磁器口'],
  ['topic', '就业'], ['topic', '就業'], ['topic', 'jiuye'], ['topic', '教育'], ['topic', '反腐'], ['topic', '疫情'],
  ['topic', '城市更新'], ['topic', '新能源车'], ['topic', '对外开放'],
  ['person', '刘明'], ['person', 'liuhongguang'], ['person', '刘红光主任'], ['person', '黎勇'], ['person', '吴超'],
  ['person', '楊浪浪'], ['person', '红光'], ['person', '张三丰'],
  ['figures', '7316'], ['figures', '7,316'], ['figures', '3369亿'], ['figures', '26000亿'], ['figures', '42%'],
  ['figures', '三分之一'], ['figures', '进口'], ['figures', '28.9%'],
  ['search', '侧面碰撞'], ['search', '磁器口古镇 5A'], ['search', '归原小镇'], ['search', '新能源车'], ['search', '富春山居图'],
  ['search', '柠檬'], ['search', '整车进口'], ['search', '以案四说'], ['search', '乡村振兴'], ['search', '发展'],
  ['search', '技能培训 就业'], ['search', '党代会精神'],
  // Very common words: one character in most sentences, and an everyday word that is no topic.
  ['search', '的'], ['topic', '发展'],
  ['search', '推动产业转型升级以此提升产品市场竞争力'.repeat(150)],
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Time every query `rounds` times (after one warm-up round unless `warm` is false); per-call milliseconds, sorted. */
function timeQueries(run: (command: SearchCommand, query: string) => unknown, rounds: number, warm = true): number[] {
  if (warm) for (const [c, q] of QUERIES) run(c, q);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [c, q] of QUERIES) {
      const t = performance.now();
      run(c, q);
      times.push(performance.now() - t);
    }
  }
  return times.sort((a, b) => a - b);
}

/** 1,000 copies of the report with distinct section ids; deep copies, so no string is shared between copies. */
function multiply(report: Report, copies: number): Report {
  const text = JSON.stringify(report.sections);
  const sections: Report['sections'] = [];
  for (let k = 0; k < copies; k++) {
    for (const s of JSON.parse(text) as Report['sections']) sections.push({ ...s, id: `${s.id}-x${k}` });
  }
  return { ...report, sections };
}

const ms = (x: number): number => Math.round(x * 1000) / 1000;

// Collect garbage before reading RSS, so it shows what is live rather than when V8 last happened to collect.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const rssMb = (): number => {
  gc();
  return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
};
// What the runtime (node, the tsx loader, zod, fuse.js, OpenCC and pinyin dictionaries) holds before any data.
const rssStart = rssMb();

// 1. Cold start: load + validate + index the real report (fresh dictionaries included: first use in this process).
let t0 = performance.now();
const { report, engine } = loadEngine(dataDir);
const coldStart = performance.now() - t0;

// 2. Latency on the real report.
const real = timeQueries((c, q) => engine.answer(c, q), 50);

// 3. The same queries on 1,000 copies.
const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync(join(dataDir, 'chongqing-divisions.json'), 'utf8')));
let placeAliases: typeof DEFAULT_ENGINE_OPTIONS.placeAliases = [];
try {
  placeAliases = PlaceAliasesSchema.parse(JSON.parse(readFileSync(join(dataDir, 'place-aliases.json'), 'utf8'))).aliases;
} catch {
  // Landmarks are optional for the benchmark.
}
let big: Report | null = parseReport(multiply(report, COPIES));
const rssCorpus = rssMb();
t0 = performance.now();
let bigEngine: Engine | null = createEngine(big, gazetteer, { placeAliases });
const indexMs = performance.now() - t0;
const ours = timeQueries((c, q) => bigEngine?.answer(c, q), 3);
const rssBig = rssMb();

// 3b. Adding one article to the 1,000 copies: the article is ingested off to the side (timed apart), then the engine
//     is extended with it. Five articles in a row (the invented fixture under five names); the slowest one counts.
const refs = readReferenceData(dataDir);
const articleText = readFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt', 'utf8');
const addTimes: number[] = [];
const ingestTimes: number[] = [];
{
  let living: Report = big;
  for (let k = 1; k <= 5; k++) {
    t0 = performance.now();
    const one = buildReport([{ source: `2030-01-1${k}-bench-added.txt`, text: articleText }], refs);
    ingestTimes.push(performance.now() - t0);
    living = { ...living, articles: [...living.articles, ...one.articles], sections: [...living.sections, ...one.sections] };
    t0 = performance.now();
    bigEngine = extendEngine(bigEngine, living);
    bigEngine.answer('district', '江津');
    addTimes.push(performance.now() - t0);
  }
}
const afterAdd = timeQueries((c, q) => bigEngine?.answer(c, q), 1);
// 3b'. Telling a correction from a new article (src/live/library.ts): the new article's sentences against every
//      article's, at 1,000 copies; the first time splits them all, later additions reuse the sets.
let correctionFirstMs = 0;
let correctionNextMs = 0;
{
  const one = buildReport([{ source: '2030-01-19-bench-correction.txt', text: articleText.replace('120条', '126条') }], refs);
  const cache = new Map<string, Set<string>>();
  t0 = performance.now();
  updatedArticle(big, one.articles[0]!, one.sections, sentencesBy(big, cache));
  correctionFirstMs = performance.now() - t0;
  t0 = performance.now();
  updatedArticle(big, one.articles[0]!, one.sections, sentencesBy(big, cache));
  correctionNextMs = performance.now() - t0;
}

// 3c. A broadcast over the 1,000 copies: each digest is composed for its chat (history, filter); a run asks the same
//     report again and again, so what a digest costs after the first one is what bounds the sender.
const digestTimes: number[] = [];
{
  const history = big.sections.slice(0, 30).map((s) => s.id);
  for (let i = 0; i < 201; i++) {
    t0 = performance.now();
    composeDigest(big, { chatId: i, date: '2022-06-03', filter: i % 2 ? null : { kind: 'district', id: '潼南区', label: '潼南区' }, history });
    if (i > 0) digestTimes.push(performance.now() - t0);
  }
}

// 4. Baseline: plain fuse.js over every paragraph of the 1,000 copies, same (trimmed) queries.
const paragraphs = big.sections.flatMap((s) => s.paragraphs.map((text) => ({ id: s.id, text })));
bigEngine = null;
big = null;
const fuse = new Fuse(paragraphs, { keys: ['text'], ignoreLocation: true });
// One round, no warm-up: plain fuse.js takes tens of seconds on the long query at this size.
const baseline = noBaseline ? [NaN] : timeQueries((_c, q) => fuse.search(cleanQuery(q, DEFAULT_ENGINE_OPTIONS.maxQueryLength)), 1, false);

const result = {
  queries: QUERIES.length,
  p50_ms: ms(percentile(real, 50)),
  p99_ms: ms(percentile(real, 99)),
  p99_ms_1000x: ms(percentile(ours, 99)),
  baseline_p99_ms_1000x: ms(percentile(baseline, 99)),
  speedup_1000x: Math.round((percentile(baseline, 99) / percentile(ours, 99)) * 10) / 10,
  cold_start_ms: ms(coldStart),
  index_ms_1000x: ms(indexMs),
  // Slowest of five additions, from an ingested article to the first answer from the extended engine; then the
  // ingest of one article itself (segmenting, places, figures), and query p99 on the extended engine.
  add_article_ms_1000x: ms(Math.max(...addTimes)),
  add_article_ms_1000x_median: ms(percentile([...addTimes].sort((a, b) => a - b), 50)),
  add_article_ingest_ms: ms(Math.max(...ingestTimes)),
  correction_check_ms_1000x_first: ms(correctionFirstMs),
  correction_check_ms_1000x: ms(correctionNextMs),
  p99_ms_1000x_after_add: ms(percentile(afterAdd, 99)),
  // One digest composed on the 1,000 copies (half of them filtered by a district), median and p99, after the first.
  digest_ms_1000x: ms(percentile([...digestTimes].sort((a, b) => a - b), 50)),
  digest_p99_ms_1000x: ms(percentile([...digestTimes].sort((a, b) => a - b), 99)),
  rss_mb_1000x: rssBig,
  // Context for rss_mb_1000x: the runtime before any data, and after building the 1,000-copy corpus (before indexing).
  rss_mb_runtime: rssStart,
  rss_mb_corpus_1000x: rssCorpus,
  // The /map picture (bench/map.ts): drawing a new one, and a repeat by file_id. Imported only now, so ECharts and
  // resvg weigh on none of the RSS figures above.
  ...(await (await import('./map.ts')).runMapBench(dataDir)),
};

const targets: Record<string, [string, boolean]> = {
  p99_ms: ['≤ 1', result.p99_ms <= 1],
  p99_ms_1000x: ['≤ 20', result.p99_ms_1000x <= 20],
  speedup_1000x: ['≥ 50', result.speedup_1000x >= 50],
  cold_start_ms: ['≤ 200', result.cold_start_ms <= 200],
  rss_mb_1000x: ['≤ 150', result.rss_mb_1000x <= 150],
  add_article_ms_1000x: ['≤ 50', result.add_article_ms_1000x <= 50],
  map_first_render_ms: ['≤ 500', result.map_first_render_ms <= 500],
  map_png_kb: ['< 300', result.map_png_kb < 300],
  map_repeat_ms: ['≤ 5', result.map_repeat_ms <= 5],
};
const rows = Object.entries(result).map(([k, v]) => {
  const t = targets[k];
  return `${k.padEnd(24)} ${String(v).padStart(12)}  ${t ? `${t[0].padEnd(6)} ${t[1] ? 'ok' : 'MISSED'}` : ''}`;
});
process.stdout.write(`${'metric'.padEnd(24)} ${'value'.padStart(12)}  target\n${rows.join('\n')}\n`);
process.stdout.write(`(${COPIES}× corpus: ${paragraphs.length} paragraphs; p50 ${ms(percentile(ours, 50))} ms ours, ${ms(percentile(baseline, 50))} ms fuse.js)\n`);
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
