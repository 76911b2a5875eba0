/** File access for ingest: the raw articles and the reference data in a data directory. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ChinaDivisionsSchema } from '../core/divisions.ts';
import { GazetteerSchema, PlaceAliasesSchema } from '../core/gazetteer.ts';
import { TopicSchema } from '../core/report.ts';
import { readJsonFile } from '../read-json.ts';
import { buildReport, type RawArticle, type ReferenceData } from './build.ts';

// The alias file also lists place names that are everyday words (长寿, 资源); only ingest needs them.
const IngestAliasesSchema = PlaceAliasesSchema.extend({ wordLikeShortNames: z.array(z.string().min(1)).default([]) });


const TopicsFileSchema = z.object({ about: z.string().optional(), topics: z.array(TopicSchema).min(1) });

/** Read the reference data files in `dataDir`, validated. */
export function readReferenceData(dataDir: string): ReferenceData {
  const aliases = readJsonFile(join(dataDir, 'place-aliases.json'), IngestAliasesSchema);
  return {
    gazetteer: readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema),
    china: readJsonFile(join(dataDir, 'china-divisions.json'), ChinaDivisionsSchema),
    aliases: aliases.aliases,
    wordLikeShortNames: aliases.wordLikeShortNames,
    topics: readJsonFile(join(dataDir, 'topics.json'), TopicsFileSchema).topics,
  };
}

/** The raw articles in `dataDir/raw`, sorted by file name (so ids are stable as articles are added by date). */
export function readRawArticles(dataDir: string): RawArticle[] {
  const dir = join(dataDir, 'raw');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new Error(`no article folder ${dir}: put raw article .txt files there`);
  }
  return names
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((source) => ({ source, text: readFileSync(join(dir, source), 'utf8') }));
}

/** The exact bytes ingest writes for the given data directory. */
export function renderReportFile(dataDir: string, onWarning?: (message: string) => void): string {
  const report = buildReport(readRawArticles(dataDir), readReferenceData(dataDir), onWarning);
  return `${JSON.stringify(report, null, 2)}\n`;
}

