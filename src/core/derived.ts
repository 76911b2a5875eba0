/**
 * Derived data that never changes between starts, computed once when `npm run build` compiles dist/
 * (scripts/derive.ts) and compiled into it: how every BMP character folds, and the pinyin of every name the
 * report, gazetteers and national divisions ask for at start. With it a start neither loads OpenCC's and
 * pinyin-pro's dictionaries nor converts thousands of names one character at a time. Under tsx (development and
 * tests) it is absent and everything is computed as before; the values are the same functions' results either way.
 */

import type { UnitRow } from './divisions.ts';

/** Set by esbuild's `define` in scripts/build.mjs: the JSON text of a Derived. */
declare const __REPORT_BOT_DERIVED__: string | undefined;

export interface Derived {
  /** BMP characters whose fold differs from themselves, and their fold; any other BMP character folds to itself. */
  fold: Record<string, string>;
  /** Toneless pinyin syllables by text, for the texts asked at start. */
  syllables: Record<string, string[]>;
  /** The national division index built from data/, and which files it was built from (`divisionsKey`): used only when they are unchanged. */
  divisions?: { key: string; rows: UnitRow[] };
}

export const DERIVED: Derived | null = typeof __REPORT_BOT_DERIVED__ === 'string' ? (JSON.parse(__REPORT_BOT_DERIVED__) as Derived) : null;
