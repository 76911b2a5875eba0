import { createRequire } from 'node:module';
import { DERIVED } from './derived.ts';

// pinyin-pro is loaded on first use (~100 ms with its dictionaries): a compiled start finds the names it needs in DERIVED.
let pinyinPro: typeof import('pinyin-pro') | null = null;
const derivedSyllables = DERIVED?.syllables ?? null;
/** When set (scripts/derive.ts, at build time), every text asked and its syllables are noted here. */
let recorder: Map<string, string[]> | null = null;

/** Note every `syllables` call into `into` from now on (null stops): how the build learns which names a start asks for. */
export function recordSyllables(into: Map<string, string[]> | null): void {
  recorder = into;
}

/** pinyin-pro itself, loaded on the first call (ingest's slugs use it too, so a start that builds nothing never loads it). */
export function pinyinProLib(): typeof import('pinyin-pro') {
  pinyinPro ??= createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro');
  return pinyinPro;
}

/** Toneless pinyin of a Chinese name, one syllable per character (`潼南` → `['tong','nan']`); non-Han characters kept. */
export function syllables(text: string): string[] {
  const known = derivedSyllables?.[text];
  if (known) return [...known];
  const out = pinyinProLib().pinyin(text, { toneType: 'none', type: 'array', v: true }).map((s) => s.toLowerCase());
  recorder?.set(text, out);
  return out;
}

/** Pinyin keys of a name: full without spaces (`tongnan`) and initials (`tn`). */
export function pinyinKeys(text: string): { full: string; initials: string } {
  const syl = syllables(text);
  return { full: syl.join(''), initials: syl.map((s) => s[0] ?? '').join('') };
}

/**
 * A Latin query as pinyin would be typed: lower-case, no spaces, apostrophes, tone digits or tone marks, ü as v
 * (`Tong Nan2` → `tongnan`, `Liú Hóngguāng` → `liuhongguang`, `lǜ`/`lu:`/`lü` → `lv`).
 */
export function latinKey(text: string): string | null {
  const t = text
    .normalize('NFKC')
    .toLowerCase()
    // ü with or without a tone mark decomposes to u + diaeresis (+ tone); keep it apart from u before marks go.
    .normalize('NFD')
    .replace(/u\u0308|u:/g, 'v')
    .replace(/\p{M}+/gu, '')
    .replace(/[\s'’·\-_0-9]+/g, '');
  return /^[a-z]+$/.test(t) ? t : null;
}
