import { pinyin } from 'pinyin-pro';

/** Toneless pinyin of a Chinese name, one syllable per character (`潼南` → `['tong','nan']`); non-Han characters kept. */
export function syllables(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array', v: true }).map((s) => s.toLowerCase());
}

/** Pinyin keys of a name: full without spaces (`tongnan`) and initials (`tn`). */
export function pinyinKeys(text: string): { full: string; initials: string } {
  const syl = syllables(text);
  return { full: syl.join(''), initials: syl.map((s) => s[0] ?? '').join('') };
}

/** A Latin query as pinyin would be typed: lower-case, no spaces, apostrophes or digits for tones (`Tong Nan2` → `tongnan`). */
export function latinKey(text: string): string | null {
  const t = text.normalize('NFKC').toLowerCase().replace(/[\s'’·\-_0-9]+/g, '');
  return /^[a-zü]+$/.test(t) ? t.replace(/ü/g, 'v') : null;
}
