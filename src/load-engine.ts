import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from './core/engine.ts';
import { DERIVED, derivedDivisionRows } from './core/derived.ts';
import { ChinaDivisionsSchema, DivisionIndex } from './core/divisions.ts';
import { GazetteerSchema, PlaceAliasesSchema, type PlaceAlias } from './core/gazetteer.ts';
import type { Report } from './core/report.ts';
import { loadReportFile } from './load-report.ts';
import { fileKey, readJsonFile } from './read-json.ts';

/** Read data/report.json, the gazetteer and the place aliases (optional), validate them and build the engine once. `reportPath` overrides where the report is read from (the bot's REPORT_PATH). */
export function loadEngine(dataDir = 'data', options: Partial<EngineOptions> = {}, reportPath = join(dataDir, 'report.json')): { report: Report; engine: Engine } {
  const report = loadReportFile(reportPath);
  const gazetteer = readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema, '', 'gazetteer');
  const aliasPath = join(dataDir, 'place-aliases.json');
  // Aliases only add landmarks; without the file districts and townships still resolve.
  const placeAliases: PlaceAlias[] = existsSync(aliasPath) ? readJsonFile(aliasPath, PlaceAliasesSchema, '', 'place-aliases').aliases : [];
  // The national divisions let `/district 成都` answer; without the file places outside Chongqing are only named.
  const chinaPath = join(dataDir, 'china-divisions.json');
  const divisions = existsSync(chinaPath) ? divisionIndex(chinaPath, join(dataDir, 'chongqing-divisions.json'), gazetteer) : undefined;
  return { report, engine: createEngine(report, gazetteer, { placeAliases, ...(divisions ? { divisions } : {}), ...options }) };
}

/** Which national and Chongqing division files an index was built from (`fileKey` of each: cheap at every start, where hashing both texts was not). */
export function divisionsKey(chinaPath: string, gazetteerPath: string): string {
  return `${fileKey(chinaPath)}\n${fileKey(gazetteerPath)}`;
}

/**
 * The national division index: the one built at build time (src/core/derived.ts) when both files are the ones it was
 * built from, made when a query first needs it; else parsed, validated and built here, so a bad file stops the start
 * (edited data, or running from source under tsx).
 */
function divisionIndex(chinaPath: string, gazetteerPath: string, gazetteer: Parameters<typeof createEngine>[1]): DivisionIndex | (() => DivisionIndex) {
  if (DERIVED?.divisionsKey !== undefined && DERIVED.divisionsKey === divisionsKey(chinaPath, gazetteerPath)) {
    return () => {
      try {
        const rows = derivedDivisionRows();
        if (rows) return DivisionIndex.fromRows(rows);
      } catch {
        // dist/divisions.json gone or damaged since the build: the files themselves are the ones checked then.
      }
      return new DivisionIndex(readJsonFile(chinaPath, ChinaDivisionsSchema), gazetteer);
    };
  }
  return new DivisionIndex(readJsonFile(chinaPath, ChinaDivisionsSchema), gazetteer);
}
