// Fuse's fuzzy search over short keys (names, synonyms, pinyin), reading only the rows a typo could reach.
import Fuse, { type FuseResult, type IFuseOptions } from 'fuse.js';

/** The options this matcher keeps to: Fuse's with case folded, location ignored and a threshold. */
export interface TypoOptions {
  /** Fields of a row matched (string or string-array values), as Fuse's `keys`. */
  keys: string[];
  /** Fuse's threshold: the most errors per pattern character a match may have. */
  threshold: number;
  includeScore?: boolean;
  includeMatches?: boolean;
}

/**
 * `search(pattern)` answers as `new Fuse(rows, { ...options, ignoreLocation: true, includeScore: true }).search(pattern)`,
 * but runs Fuse only over the rows that can match. Fuse's bitap accepts a match with at most `threshold × length`
 * errors, and every error leaves at most one character of the pattern unmatched, so a row none of whose field values
 * holds enough of the pattern's characters (counted with repeats) cannot match: most rows fall short by far, even in
 * pinyin, where every name shares letters with every other. A row's score does not
 * depend on the others (no collection statistics), so scoring it alone gives the score Fuse gives it among all.
 * Nothing is built until the first search (an engine starts without it).
 */
export class TypoSearch<T extends object> {
  /** Per UTF-16 unit, the field values holding it and how often (lower-cased, as Fuse reads them); built on first search. */
  private units: GramPostings | null = null;
  /** The same per pair of adjacent units. */
  private pairs: GramPostings | null = null;
  private readonly single = new Map<number, Fuse<T>>();
  private whole: Fuse<T> | null = null;

  constructor(
    private readonly rows: readonly T[],
    private readonly options: TypoOptions,
  ) {}

  /** The rows close to `pattern`, best first (ties in row order), as Fuse returns them. */
  search(pattern: string): FuseResult<T>[] {
    const text = pattern.toLowerCase();
    // Fuse splits longer patterns into chunks scored apart; those are rare enough to leave to Fuse whole.
    if (text.length > 32) return (this.whole ??= new Fuse(this.rows, this.fuseOptions())).search(pattern);
    // A blank pattern is every row, unscored, as in Fuse.
    if (!pattern.trim()) return this.rows.map((item, refIndex) => ({ item, refIndex }));
    // A match is within one field value, and its matched pattern units are distinct units of that value: at least
    // this many of the pattern's units, counted with repeats, must be in one value. One unit of slack on Fuse's own
    // bound, so rounding never drops a match.
    const errors = Math.floor(this.options.threshold * text.length);
    const need = text.length - errors - 1;
    // And each error spoils at most two of the pattern's pairs of adjacent units (the q-gram lemma, q = 2): at least
    // this many of its pairs must be in the value too, again with one of slack.
    const needPairs = text.length - 1 - 2 * errors - 1;
    const results: FuseResult<T>[] = [];
    for (const i of this.reachable(text, need, needPairs)) {
      let one = this.single.get(i);
      if (!one) this.single.set(i, (one = new Fuse<T>([this.rows[i]!], this.fuseOptions())));
      for (const r of one.search(pattern)) results.push({ ...r, refIndex: i });
    }
    // Fuse's own order: score, then the row's place.
    return results.sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || a.refIndex - b.refIndex);
  }

  /**
   * The rows, in order, with a field value holding at least `need` of `text`'s units and `needPairs` of its pairs of
   * adjacent units (counted with repeats): the sizes of the multisets' intersections, added up gram by gram over the
   * values holding each gram of the text.
   */
  private reachable(text: string, need: number, needPairs: number): number[] {
    const values = (): string[][] => this.rows.map((row) => this.fields(row).map((v) => v.toLowerCase()));
    const units = (this.units ??= gramPostings(values(), 1));
    if (need <= 0) return this.rows.map((_, i) => i);
    const held = shared(units, text, 1);
    const pairs = needPairs > 0 ? shared((this.pairs ??= gramPostings(values(), 2)), text, 2) : null;
    const rows: number[] = [];
    for (let v = 0; v < held.length; v++) {
      const row = units.rowOf[v]!;
      if (held[v]! >= need && (!pairs || pairs[v]! >= needPairs) && rows.at(-1) !== row) rows.push(row);
    }
    return rows;
  }

  private fuseOptions(): IFuseOptions<T> {
    // Scores are always kept: they order the results, as they do inside Fuse.
    return { ...this.options, includeScore: true, ignoreLocation: true };
  }

  /** The values of a row's matched fields. */
  private fields(row: T): string[] {
    return this.options.keys.flatMap((key) => {
      const v = (row as Record<string, unknown>)[key];
      return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    });
  }
}

/** How often each run of `q` UTF-16 units occurs in `text`. */
function gramCounts(text: string, q: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let k = 0; k + q <= text.length; k++) {
    const gram = text.slice(k, k + q);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Field values (numbered in row order) by the runs of q units (grams) they hold, with how often each holds it. */
interface GramPostings {
  alphabet: Map<string, number>;
  postings: { values: Int32Array; counts: Uint16Array }[];
  /** The row of each value. */
  rowOf: Int32Array;
  /** Per value, a running count while searching (one per index, reused). */
  acc: Int32Array;
}

/** Per value, how many of `text`'s grams (with repeats) it holds: the size of the two multisets' intersection. */
function shared(p: GramPostings, text: string, q: number): Int32Array {
  const acc = p.acc.fill(0);
  for (const [gram, times] of gramCounts(text, q)) {
    const id = p.alphabet.get(gram);
    if (id === undefined) continue;
    const { values, counts } = p.postings[id]!;
    for (let k = 0; k < values.length; k++) acc[values[k]!]! += Math.min(times, counts[k]!);
  }
  return acc;
}

function gramPostings(valuesByRow: readonly string[][], q: number): GramPostings {
  const alphabet = new Map<string, number>();
  const lists: { values: number[]; counts: number[] }[] = [];
  const rowOf: number[] = [];
  valuesByRow.forEach((values, row) => {
    for (const value of values) {
      const v = rowOf.push(row) - 1;
      for (const [unit, times] of gramCounts(value, q)) {
        let id = alphabet.get(unit);
        if (id === undefined) alphabet.set(unit, (id = lists.push({ values: [], counts: [] }) - 1));
        lists[id]!.values.push(v);
        lists[id]!.counts.push(Math.min(times, 0xffff));
      }
    }
  });
  const postings = lists.map((l) => ({ values: Int32Array.from(l.values), counts: Uint16Array.from(l.counts) }));
  return { alphabet, postings, rowOf: Int32Array.from(rowOf), acc: new Int32Array(rowOf.length) };
}
