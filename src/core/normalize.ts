import { createRequire } from 'node:module';
import { DERIVED } from './derived.ts';

// One converter for the whole process, loaded on first use: loading OpenCC and building it reads its dictionaries
// (~50 ms), which a compiled start skips altogether (every BMP character's fold is in DERIVED).
let t2s: ((s: string) => string) | null = null;
const derivedFold = DERIVED?.fold ?? null;
function converter(): (s: string) => string {
  const OpenCC = createRequire(import.meta.url)('opencc-js') as typeof import('opencc-js');
  return OpenCC.Converter({ from: 't', to: 'cn' });
}
const charCache = new Map<string, string>();

/** How one character is folded for matching; injectable (EngineOptions.fold) so Chinese handling is one replaceable piece. */
export type FoldChar = (ch: string) => string;

/** Fold one character the way every text and query is folded: NFKC, traditional→simplified, lower-case. */
export function foldChar(ch: string): string {
  // Most characters fold to themselves; a flat table by UTF-16 code answers those without hashing a string,
  // which matters because highlighting folds every character of every excerpt it shows.
  const code = ch.length === 1 ? ch.charCodeAt(0) : -1;
  if (code >= 0 && identity[code] === SAME) return ch;
  if (code >= 0 && derivedFold && !(code >= 0xd800 && code <= 0xdfff)) {
    const folded = derivedFold[ch];
    if (folded !== undefined) return folded;
    identity[code] = SAME;
    return ch;
  }
  const hit = charCache.get(ch);
  if (hit !== undefined) return hit;
  const convert = (t2s ??= converter());
  // Character by character, so that every folded character maps back to one original offset.
  let out = convert(ch.normalize('NFKC')).toLowerCase();
  // Control and format characters (and zero-width joiners) never carry meaning in a query.
  out = out.replace(/[\p{Cc}\p{Cf}]/gu, '');
  charCache.set(ch, out);
  if (code >= 0 && out === ch) identity[code] = SAME;
  return out;
}

const SAME = 1;
/** `identity[code] === SAME`: the single-unit character with this code folds to itself. */
const identity = new Uint8Array(0x10000);

/** Normalised text plus, for each of its UTF-16 units, the offset of the original character it came from. */
export interface Folded {
  text: string;
  /** `origin[i]` is the offset in the original string of folded unit i; `origin[text.length]` is the original length. */
  origin: Int32Array;
}

/** Fold a whole string (NFKC, traditional→simplified, lower-case) and keep the offset map for highlighting. */
export function foldWithMap(text: string, fold: FoldChar = foldChar): Folded {
  if (fold === foldChar) {
    // Usually every character folds to one of its own length: then the offsets are the identity.
    const folded = foldDefault(text);
    if (folded.sameOffsets) {
      const origin = new Int32Array(text.length + 1);
      for (let i = 0; i <= text.length; i++) origin[i] = i;
      return { text: folded.text, origin };
    }
  }
  const parts: string[] = [];
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    parts.push(f);
    i += ch.length;
  }
  origin.push(i);
  return { text: parts.join(''), origin: Int32Array.from(origin) };
}

/** Fold a string the way the index folds text: NFKC, traditional→simplified, lower-case. */
export function normalize(text: string, fold: FoldChar = foldChar): string {
  if (fold === foldChar) return normalizeDefault(text);
  // Joined from parts rather than `+=`, which would leave a rope of one node per character in the heap.
  const parts: string[] = [];
  for (const ch of text) parts.push(fold(ch));
  return parts.join('');
}

/**
 * `normalize` with the default fold, which most characters pass unchanged: runs of those are copied as slices and
 * only the others (full-width punctuation, traditional characters, capitals) are folded one by one. Answers fold
 * the sentences they show, so this is on every answer's path.
 */
function normalizeDefault(text: string): string {
  return foldDefault(text).text;
}

/** The default fold of `text`, and whether each character folded to one of its own length (offsets unchanged). */
function foldDefault(text: string): { text: string; sameOffsets: boolean } {
  let sameOffsets = true;
  // Pieces joined at the end: `+=` would leave a rope that every later search in the text must flatten first.
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Surrogates never pass as themselves: a pair is one character, folded whole (𝐀 → a).
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    if (!surrogate && identity[code] === SAME) continue;
    const width = code <= 0xdbff && surrogate && i + 1 < text.length ? 2 : 1;
    // Offsets map both units of a pair to where it starts: not the identity.
    if (width === 2) sameOffsets = false;
    const ch = width === 1 ? text[i]! : text.slice(i, i + 2);
    const folded = foldChar(ch);
    if (folded !== ch) {
      parts.push(text.slice(copied, i), folded);
      copied = i + width;
      if (folded.length !== width) sameOffsets = false;
    }
    i += width - 1;
  }
  if (copied === 0) return { text, sameOffsets };
  parts.push(text.slice(copied));
  return { text: parts.join(''), sameOffsets };
}

/** Normalise and drop whitespace and punctuation: the key used to compare names (`沙坪 壩` → `沙坪坝`). */
export function nameKey(text: string, fold: FoldChar = foldChar): string {
  return normalize(text, fold).replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** `normalize` and `nameKey` bound to one fold. */
export interface Folders {
  norm: (text: string) => string;
  key: (text: string) => string;
}
const folders = new WeakMap<FoldChar, Folders>();

/**
 * `normalize` and `nameKey` bound to `fold`, the same two functions for every caller with that fold. Compiled code
 * that calls a function kept in an object is specialised to that very function: with a new pair per engine (each added
 * article makes one), the first answers of every new engine threw the compiled answering code away.
 */
export function foldersOf(fold: FoldChar): Folders {
  let made = folders.get(fold);
  if (!made) folders.set(fold, (made = { norm: (text) => normalize(text, fold), key: (text) => nameKey(text, fold) }));
  return made;
}
