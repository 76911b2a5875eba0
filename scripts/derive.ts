/**
 * Computes the data a start would otherwise derive every time (src/core/derived.ts) and prints it as JSON:
 * the fold of every BMP character that does not fold to itself, and the pinyin of every text loading the engine on
 * data/ asks for. Bundled and run by scripts/build.mjs; without a valid data/ only the fold table is made.
 */
import { foldChar } from '../src/core/normalize.ts';
import { recordSyllables } from '../src/core/pinyin.ts';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { ChinaDivisionsSchema, DivisionIndex } from '../src/core/divisions.ts';
import { GazetteerSchema, PlaceAliasesSchema } from '../src/core/gazetteer.ts';
import { ReportSchema } from '../src/core/report.ts';
import { fileKey } from '../src/read-json.ts';
import { divisionsKey, loadEngine } from '../src/load-engine.ts';
import type { Derived } from '../src/core/derived.ts';

const fold: Record<string, string> = {};
for (let code = 0; code < 0x10000; code++) {
  if (code >= 0xd800 && code <= 0xdfff) continue; // surrogates are halves of characters, folded as pairs
  const ch = String.fromCharCode(code);
  const folded = foldChar(ch);
  if (folded !== ch) fold[ch] = folded;
}

const asked = new Map<string, string[]>();
recordSyllables(asked);
try {
  // The national names are folded when a query first looks past Chongqing: one such query records their pinyin too.
  loadEngine('data').engine.answer('district', '成都');
} catch (err) {
  process.stderr.write(`report-bot: no pinyin precomputed (data/ does not load: ${(err as Error).message}); starts compute it as before\n`);
}
recordSyllables(null);

// The national division index, validated and linked here once; a start uses it while both files are unchanged.
// Printed as a second JSON line: scripts/build.mjs writes it to dist/divisions.json, which a start reads only when needed.
let divisionsKeyOf: string | undefined;
let rows: unknown[] | null = null;
try {
  const index = new DivisionIndex(ChinaDivisionsSchema.parse(JSON.parse(readFileSync('data/china-divisions.json', 'utf8'))), GazetteerSchema.parse(JSON.parse(readFileSync('data/chongqing-divisions.json', 'utf8'))));
  divisionsKeyOf = divisionsKey('data/china-divisions.json', 'data/chongqing-divisions.json');
  rows = index.toRows();
} catch {
  divisionsKeyOf = undefined; // no national file: starts go without, as before
}

// Data files a start reads, validated here once: listed when the schema returns the file's JSON unchanged (no
// defaults filled in, nothing dropped; key order aside), so a start reading the same file (same fileKey) can skip the schema.
const validated: NonNullable<Derived['validated']> = {};
const checks = [
  ['report', 'data/report.json', ReportSchema],
  ['gazetteer', 'data/chongqing-divisions.json', GazetteerSchema],
  ['place-aliases', 'data/place-aliases.json', PlaceAliasesSchema],
] as const;
for (const [name, path, schema] of checks) {
  try {
    const text = readFileSync(path, 'utf8');
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success && isDeepStrictEqual(parsed.data, JSON.parse(text))) validated[name] = fileKey(path);
  } catch {
    // Missing or invalid: a start validates it (and says what is wrong) as before.
  }
}

const derived: Derived = { fold, syllables: Object.fromEntries(asked), ...(divisionsKeyOf !== undefined ? { divisionsKey: divisionsKeyOf } : {}), validated };
process.stdout.write(`${JSON.stringify(derived)}\n${JSON.stringify(rows)}\n`);
