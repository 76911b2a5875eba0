import type { Gazetteer, PlaceAlias } from '../core/gazetteer.ts';
import type { Place } from '../core/report.ts';

export const CITY = '重庆市';

/** A name that, found in text, points at a district. */
interface Pattern {
  name: string;
  district: string;
  /** Short county names (`永川`) are words inside other words (`成渝中部` holds `渝中`): they need a word boundary. */
  needsBoundary: boolean;
  /** Townships that share a name across districts: only trusted next to their district's name. */
  ambiguous: boolean;
  /** Short names that are everyday words too (`长寿`, `南岸`): never trusted on a word boundary alone. */
  wordLike: boolean;
}

// What may follow a short county name to mark it as a place: `永川境内`, `巫溪籍`.
const PLACE_SUFFIX = /^(?:境内|籍|全境|城区)/u;
// Characters after which a place name starts a new word: punctuation and common one-character function words.
const LEFT_BOUNDARY = /[\s，。、；：！？“”‘’《》（）()—…·在于自从到是和与及对向为将把让由往赴至了的]/u;

/** Finds Chongqing places in text and maps them to districts, using the gazetteer and a landmark alias table. */
export class PlaceFinder {
  private readonly patterns: Pattern[];

  constructor(gazetteer: Gazetteer, aliases: PlaceAlias[], wordLikeShortNames: readonly string[] = []) {
    const wordLike = new Set(wordLikeShortNames);
    const counties = new Map<string, string>();
    for (const d of gazetteer.divisions) if (d.level === 'county') counties.set(d.code, d.name);
    const patterns: Pattern[] = [];
    for (const d of gazetteer.divisions) {
      if (d.level === 'county') {
        patterns.push({ name: d.name, district: d.name, needsBoundary: false, ambiguous: false, wordLike: false });
        if (d.short && d.short !== d.name) patterns.push({ name: d.short, district: d.name, needsBoundary: true, ambiguous: false, wordLike: wordLike.has(d.short) });
      } else if (d.level === 'township' && d.parent) {
        const district = counties.get(d.parent);
        if (!district) continue;
        // Townships only by full name (`满月镇`): bare short names (`打通`, `曾家`) are ordinary words.
        for (const name of [d.name, ...(d.alt ?? [])]) patterns.push({ name, district, needsBoundary: false, ambiguous: false, wordLike: false });
      }
    }
    for (const a of aliases) patterns.push({ name: a.name, district: a.district, needsBoundary: false, ambiguous: false, wordLike: false });
    // The same township name in several districts.
    const districtsByName = new Map<string, Set<string>>();
    for (const p of patterns) districtsByName.set(p.name, (districtsByName.get(p.name) ?? new Set()).add(p.district));
    for (const p of patterns) p.ambiguous = (districtsByName.get(p.name)?.size ?? 0) > 1;
    // Longest first, so `九龙坡区` wins over `九龙坡` and `仙女山街道` over `仙女山`.
    this.patterns = patterns.sort((a, b) => b.name.length - a.name.length || a.name.localeCompare(b.name));
  }

  /**
   * Places named in `text`, in order of first mention. A short county name counts when the same district is named
   * in full elsewhere in the text, in a list of places, before `境内`, or (unless it is an everyday word) after a word
   * boundary; an ambiguous township only right after its district.
   */
  find(text: string): Place[] {
    const taken = new Array<boolean>(text.length).fill(false);
    const hits: { at: number; place: Place; pattern: Pattern }[] = [];
    for (const p of this.patterns) {
      let from = 0;
      for (;;) {
        const at = text.indexOf(p.name, from);
        if (at < 0) break;
        from = at + 1;
        if (taken.slice(at, at + p.name.length).some(Boolean)) continue;
        hits.push({ at, place: { name: p.name, district: p.district }, pattern: p });
        for (let i = at; i < at + p.name.length; i++) taken[i] = true;
      }
    }
    const starts = new Set(hits.map((h) => h.at));
    const ends = new Set(hits.map((h) => h.at + h.pattern.name.length));
    const confirmed = new Set(hits.filter((h) => !h.pattern.needsBoundary && !h.pattern.ambiguous).map((h) => h.place.district));
    const kept = hits.filter((h) => {
      if (h.pattern.ambiguous) return text.slice(Math.max(0, h.at - 8), h.at).includes(h.place.district.slice(0, 2));
      if (!h.pattern.needsBoundary) return true;
      const end = h.at + h.pattern.name.length;
      const before = text[h.at - 1] ?? '';
      // In a list of places (`城口、巫山`) every member is a place.
      const inList = (text[end] === '、' && starts.has(end + 1)) || (before === '、' && ends.has(h.at - 1));
      if (confirmed.has(h.place.district) || inList || PLACE_SUFFIX.test(text.slice(end))) return true;
      return !h.pattern.wordLike && (before === '' || LEFT_BOUNDARY.test(before));
    });
    kept.sort((a, b) => a.at - b.at);
    const seen = new Set<string>();
    const places: Place[] = [];
    for (const h of kept) {
      const key = `${h.place.name}|${h.place.district}`;
      if (seen.has(key)) continue;
      seen.add(key);
      places.push(h.place);
    }
    return places;
  }
}

/** Distinct districts of `places`, in order of first mention. */
export function districtsOf(places: Place[]): string[] {
  return [...new Set(places.map((p) => p.district))];
}
