/**
 * Computes the data a start would otherwise derive every time (src/core/derived.ts) and prints it as JSON:
 * the fold of every BMP character that does not fold to itself, and the pinyin of every text loading the engine on
 * data/ asks for. Bundled and run by scripts/build.mjs; without a valid data/ only the fold table is made.
 */
import { foldChar } from '../src/core/normalize.ts';
import { recordSyllables } from '../src/core/pinyin.ts';
import { readFileSync } from 'node:fs';
import { ChinaDivisionsSchema, DivisionIndex } from '../src/core/divisions.ts';
import { GazetteerSchema } from '../src/core/gazetteer.ts';
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
  loadEngine('data');
} catch (err) {
  process.stderr.write(`report-bot: no pinyin precomputed (data/ does not load: ${(err as Error).message}); starts compute it as before\n`);
}
recordSyllables(null);

// The national division index, validated and linked here once; a start uses it while both files are unchanged.
let divisions: Derived['divisions'];
try {
  const chinaText = readFileSync('data/china-divisions.json', 'utf8');
  const gazetteerText = readFileSync('data/chongqing-divisions.json', 'utf8');
  const index = new DivisionIndex(ChinaDivisionsSchema.parse(JSON.parse(chinaText)), GazetteerSchema.parse(JSON.parse(gazetteerText)));
  divisions = { key: divisionsKey(chinaText, gazetteerText), rows: index.toRows() };
} catch {
  divisions = undefined; // no national file: starts go without, as before
}

const derived: Derived = { fold, syllables: Object.fromEntries(asked), ...(divisions ? { divisions } : {}) };
process.stdout.write(JSON.stringify(derived));
