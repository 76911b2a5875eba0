/**
 * `npm run ingest`: read every data/raw/*.txt, build the report, write data/report.json.
 * `npm run ingest -- --check`: exit 1 if data/report.json differs from what ingest would write now.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GazetteerSchema, PlaceAliasesSchema } from '../core/gazetteer.ts';
import { TopicSchema } from '../core/report.ts';
import { z } from 'zod';
import { buildReport, type RawArticle, type ReferenceData } from './build.ts';

const TopicsFileSchema = z.object({ about: z.string().optional(), topics: z.array(TopicSchema).min(1) });

/** Read the reference data files in `dataDir`, validated. */
export function readReferenceData(dataDir: string): ReferenceData {
  const read = (name: string) => JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as unknown;
  return {
    gazetteer: GazetteerSchema.parse(read('chongqing-divisions.json')),
    aliases: PlaceAliasesSchema.parse(read('place-aliases.json')).aliases,
    topics: TopicsFileSchema.parse(read('topics.json')).topics,
  };
}

/** The raw articles in `dataDir/raw`, sorted by file name (so ids are stable as articles are added by date). */
export function readRawArticles(dataDir: string): RawArticle[] {
  const dir = join(dataDir, 'raw');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((source) => ({ source, text: readFileSync(join(dir, source), 'utf8') }));
}

/** The exact bytes ingest writes for the given data directory. */
export function renderReportFile(dataDir: string): string {
  const report = buildReport(readRawArticles(dataDir), readReferenceData(dataDir));
  return `${JSON.stringify(report, null, 2)}\n`;
}

function main(argv: string[]): number {
  const dataDir = 'data';
  const target = join(dataDir, 'report.json');
  const fresh = renderReportFile(dataDir);
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      console.error(`${target} is missing. Run \`npm run ingest\` and commit it.`);
      return 1;
    }
    if (current !== fresh) {
      console.error(`${target} is out of date: it is not what ingest writes from data/raw/ now. Run \`npm run ingest\` and commit it.`);
      return 1;
    }
    console.log(`${target} is up to date.`);
    return 0;
  }
  writeFileSync(target, fresh);
  const report = JSON.parse(fresh) as { sections: unknown[]; articles: unknown[] };
  console.log(`wrote ${target}: ${report.articles.length} article(s), ${report.sections.length} sections`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`ingest failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
