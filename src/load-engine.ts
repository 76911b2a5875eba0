import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from './core/engine.ts';
import { ChinaDivisionsSchema, DivisionIndex } from './core/divisions.ts';
import { GazetteerSchema, PlaceAliasesSchema, type PlaceAlias } from './core/gazetteer.ts';
import type { Report } from './core/report.ts';
import { loadReportFile } from './load-report.ts';
import { readJsonFile } from './read-json.ts';

/** Read data/report.json, the gazetteer and the place aliases (optional), validate them and build the engine once. `reportPath` overrides where the report is read from (the bot's REPORT_PATH). */
export function loadEngine(dataDir = 'data', options: Partial<EngineOptions> = {}, reportPath = join(dataDir, 'report.json')): { report: Report; engine: Engine } {
  const report = loadReportFile(reportPath);
  const gazetteer = readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema);
  const aliasPath = join(dataDir, 'place-aliases.json');
  // Aliases only add landmarks; without the file districts and townships still resolve.
  const placeAliases: PlaceAlias[] = existsSync(aliasPath) ? readJsonFile(aliasPath, PlaceAliasesSchema).aliases : [];
  // The national divisions let `/district 成都` answer; without the file places outside Chongqing are only named.
  const chinaPath = join(dataDir, 'china-divisions.json');
  const divisions = existsSync(chinaPath) ? new DivisionIndex(readJsonFile(chinaPath, ChinaDivisionsSchema), gazetteer) : undefined;
  return { report, engine: createEngine(report, gazetteer, { placeAliases, ...(divisions ? { divisions } : {}), ...options }) };
}
