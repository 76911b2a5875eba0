import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from './core/engine.ts';
import { GazetteerSchema, PlaceAliasesSchema, type PlaceAlias } from './core/gazetteer.ts';
import { formatPath, type Report } from './core/report.ts';
import { loadReportFile } from './load-report.ts';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function parseWith<T>(schema: { safeParse(d: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, data: unknown, path: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw new Error(`invalid ${path}:\n  ${r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n  ')}`);
}

/** Read data/report.json, the gazetteer and the place aliases (optional), validate them and build the engine once. `reportPath` overrides where the report is read from (the bot's REPORT_PATH). */
export function loadEngine(dataDir = 'data', options: Partial<EngineOptions> = {}, reportPath = join(dataDir, 'report.json')): { report: Report; engine: Engine } {
  const report = loadReportFile(reportPath);
  const gazetteer = parseWith(GazetteerSchema, readJson(join(dataDir, 'chongqing-divisions.json')), join(dataDir, 'chongqing-divisions.json'));
  const aliasPath = join(dataDir, 'place-aliases.json');
  // Aliases only add landmarks; without the file districts and townships still resolve.
  const placeAliases: PlaceAlias[] = existsSync(aliasPath) ? parseWith(PlaceAliasesSchema, readJson(aliasPath), aliasPath).aliases : [];
  return { report, engine: createEngine(report, gazetteer, { placeAliases, ...options }) };
}
