/**
 * Derived data that never changes between starts, computed once when `npm run build` compiles dist/
 * (scripts/derive.ts) and compiled into it: how every BMP character folds, the pinyin of every name the
 * report, gazetteers and national divisions ask for at start, and the national division index. With it a start
 * neither loads OpenCC's and pinyin-pro's dictionaries nor converts thousands of names one character at a time.
 * Under tsx (development and tests) it is absent and everything is computed as before; the values are the same
 * functions' results either way.
 */

import { readFileSync } from 'node:fs';
import type { UnitRow } from './divisions.ts';

/** Set by esbuild's `define` in scripts/build.mjs: the JSON text of a Derived. */
declare const __REPORT_BOT_DERIVED__: string | undefined;

export interface Derived {
  /** BMP characters whose fold differs from themselves, and their fold; any other BMP character folds to itself. */
  fold: Record<string, string>;
  /** Toneless pinyin syllables by text, for the texts asked at start. */
  syllables: Record<string, string[]>;
  /**
   * Which national and Chongqing division files the division rows were built from (`fileKey` of each): a start uses
   * the rows only while both files are unchanged. Absent when the build had no national file.
   */
  divisionsKey?: string;
  /**
   * Data files the build validated, by the schema they are read with (src/read-json.ts `BuiltCheck`): their
   * `fileKey` then. Only files the schema returned unchanged are listed, so reading one unchanged needs no schema.
   */
  validated?: Partial<Record<'report' | 'gazetteer' | 'place-aliases', string>>;
}

export const DERIVED: Derived | null = typeof __REPORT_BOT_DERIVED__ === 'string' ? (JSON.parse(__REPORT_BOT_DERIVED__) as Derived) : null;

/**
 * The national division rows of the build (see `Derived.divisionsKey`), read on first call from dist/divisions.json,
 * beside the compiled code: half a megabyte a start neither reads nor compiles until a query needs it. Null under tsx.
 */
export function derivedDivisionRows(): UnitRow[] | null {
  if (!DERIVED?.divisionsKey) return null;
  return JSON.parse(readFileSync(new URL('./divisions.json', import.meta.url), 'utf8')) as UnitRow[];
}
