// What bench/search.ts and bench/first-answers.ts share: the fixed queries, how they are timed, the text measured.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SearchCommand } from '../src/core/answer.ts';
import { GazetteerSchema, PlaceAliasesSchema, type Gazetteer } from '../src/core/gazetteer.ts';
import type { Report } from '../src/core/report.ts';
import { buildReport } from '../src/ingest/build.ts';
import { readReferenceData } from '../src/ingest/files.ts';

setFlagsFromString('--expose-gc');
/** A full garbage collection now (before reading RSS, or timing answers after the set-up's garbage). */
export const gc = runInNewContext('gc') as () => void;

/** `--corpus DIR` or `--corpus=DIR`: real articles (kept outside the repository; read, never copied in). */
export const corpusDir: string | undefined = ((): string | undefined => {
  const at = process.argv.indexOf('--corpus');
  return at >= 0 ? process.argv[at + 1] : process.argv.find((a) => a.startsWith('--corpus='))?.slice('--corpus='.length);
})();

/** `--data=DIR`: where report.json and the reference data are (default `data`). */
export const dataDir = process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length) ?? 'data';

/** The gazetteer and landmarks engines are built with here (landmarks are optional for the benchmark). */
export function engineData(): { gazetteer: Gazetteer; placeAliases: ReturnType<typeof PlaceAliasesSchema.parse>['aliases'] } {
  const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync(join(dataDir, 'chongqing-divisions.json'), 'utf8')));
  try {
    return { gazetteer, placeAliases: PlaceAliasesSchema.parse(JSON.parse(readFileSync(join(dataDir, 'place-aliases.json'), 'utf8'))).aliases };
  } catch {
    return { gazetteer, placeAliases: [] };
  }
}

/** The text measured: `shipped`, or with --corpus the corpus's articles ingested as `npm run ingest` would. */
export function measuredReport(shipped: Report): Report {
  if (!corpusDir) return shipped;
  const articles = readdirSync(join(corpusDir, 'articles')).filter((f) => f.endsWith('.txt')).sort();
  return buildReport(articles.map((f) => ({ source: f, text: readFileSync(join(corpusDir, 'articles', f), 'utf8') })), readReferenceData(dataDir));
}

/** The fixed mixed query set: all five commands, the examples, typos, misses and one very long query. */
export const QUERIES: [SearchCommand, string][] = [
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

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Time every query `rounds` times (after one warm-up round unless `warm` is false); per-call milliseconds, sorted. */
export function timeQueries(run: (command: SearchCommand, query: string) => unknown, rounds: number, warm = true): number[] {
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

