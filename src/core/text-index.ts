import { foldChar, foldWithMap, type FoldChar } from './normalize.ts';
import { sentenceRanges } from './sentences.ts';
import { sortedHas, sortShort } from './sorted.ts';

/** A sentence of the report: where it sits, so its text is sliced from the paragraph only when shown. */
export interface SentenceLocation {
  section: number;
  /** Index into the section's paragraphs. */
  paragraph: number;
  start: number;
  end: number;
}

/** What `TextIndex.searchUnits` scores: single sentences, whole paragraphs, or whole sections. */
export type SearchUnit = 'sentence' | 'paragraph' | 'section';

/** A scored sentence, paragraph or section (global ids: `paragraphSentences`, `sentencesOf`). */
export interface UnitHit {
  unit: number;
  /** Share of the query's weighted bigrams the unit contains, 0..1. */
  coverage: number;
  /** Which of the query's groups the unit holds (bit k for group k), when the query has at most 31; see `termMask`. */
  groups?: number;
}

/** How `TextIndex.searchUnits` filters and bounds its work. */
export interface UnitSearchOptions {
  /** Least share of the query's weighted bigrams a unit must hold. */
  minCoverage: number;
  /** Most hits returned (default: all). */
  limit?: number;
  /** Least number of the query's bigrams and lone characters a unit must hold (default 0). */
  minMatched?: number;
  /**
   * Most units collected as candidates (default: no limit). Rare bigrams are read first, so for a query made only of
   * very common ones (`的`) the search stops collecting after this many, in index order, and says so with `capped`.
   */
  maxCandidates?: number;
  /**
   * Read only this many of the query's rarest bigrams and characters (default: all). A long passage is placed by its
   * rarest bigrams at a fraction of the cost; coverage is then estimated from them, scaled by the share of the
   * query's weight the text holds at all, so a unit holding the whole passage still scores 1.
   */
  maxGroups?: number;
  /** Report with each hit which of the query's groups it holds (`UnitHit.groups`, queries of up to 31 groups). */
  groupMasks?: boolean;
  /** Only the first this many hits need be best first (a shortlist); the others follow in no particular order. */
  sortFirst?: number;
}

/** Hits best first; `capped` when `maxCandidates` stopped collection, so counts are lower bounds. */
export interface UnitSearchResult {
  hits: UnitHit[];
  capped: boolean;
}

/** A query read against the index: groups of alternative bigram ids, each worth its weight, rarest first. */
interface QueryGroups {
  /** `char`: the group of a lone character, whose ids are every bigram holding it. */
  groups: { ids: number[]; weight: number; char?: number }[];
  total: number;
  /** Bigram id → the index of its own group (lone characters' groups not included). */
  bigramGroup?: Map<number, number>;
}

/** Queries whose groups an index remembers: the one or two an answer reads again and again (a passage's bounded groups and all). */
const GROUP_SLOTS = 4;

/** Characters whose merged sentence lists an index keeps (`charPostings`): about a megabyte each at 1,000 reports at most. */
const CHAR_LISTS = 64;

/** Most groups whose presence `searchUnits` reports per hit (the bits of an Int32). */
const MASKED_GROUPS = 31;

/** A scored sentence returned by `TextIndex.search`. */
export interface SentenceHit {
  sentence: number;
  /** Share of the query's weighted bigrams the sentence contains, 0..1. */
  coverage: number;
}

// Only letters and digits make bigrams. Punctuation and spaces break the run (`山水，水果` has no `水水`),
// except a decimal point or a thousands separator inside a number, so `2.6` and `1,234` index like `26` and `1234`
// (but `2021，2022` stays two numbers).
const WORD_CHAR = /[\p{L}\p{N}]/u;
const DIGIT_CHAR = /^\p{Nd}$/u;
/** Three digits and no fourth, where a thousands group starts. */
const THOUSANDS_GROUP = /\p{Nd}{3}(?!\p{Nd})/uy;
/** Marks a break in a run of folded units: no bigram spans it. */
const BREAK = -1;

/** An Int32Array that grows by doubling: numbers kept without a JavaScript array's boxing. */
class GrowingInt32 {
  items: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.items.length) {
      const next = new Int32Array(Math.max(16, this.items.length * 2));
      next.set(this.items);
      this.items = next;
    }
    this.items[this.length++] = v;
  }
}

// Whether a character is a word character, by UTF-16 code for single units (0 unknown, 1 yes, 2 no): a table
// lookup instead of a regex or a string-keyed map, since every character of every shown excerpt is asked.
const wordByCode = new Uint8Array(0x10000);
const isWordCache = new Map<string, boolean>();
function isWord(ch: string): boolean {
  if (ch.length === 1) {
    const code = ch.charCodeAt(0);
    const known = wordByCode[code]!;
    if (known !== 0) return known === 1;
    const v = WORD_CHAR.test(ch);
    wordByCode[code] = v ? 1 : 2;
    return v;
  }
  let v = isWordCache.get(ch);
  if (v === undefined) {
    v = WORD_CHAR.test(ch);
    isWordCache.set(ch, v);
  }
  return v;
}

/**
 * Word characters of a folded string, each with whether it joins the one before it into a bigram:
 * not after punctuation or space, unless that was one separator between two digits.
 */
/** True when the separator `gap` before `text[offset]` (a digit after a digit) is a decimal point or a thousands comma. */
function inNumber(gap: string, text: string, offset: number): boolean {
  if (gap === '.') return true;
  if (gap !== ',') return false;
  THOUSANDS_GROUP.lastIndex = offset;
  return THOUSANDS_GROUP.test(text);
}

function wordRuns(text: string, visit: (ch: string, joined: boolean, offset: number) => void): void {
  let prev = '';
  let gap = '';
  let offset = 0;
  for (const c of text) {
    if (isWord(c)) {
      const joined = prev !== '' && (gap === '' || (gap.length === 1 && DIGIT_CHAR.test(prev) && DIGIT_CHAR.test(c) && inNumber(gap, text, offset)));
      visit(c, joined, offset);
      prev = c;
      gap = '';
    } else if (prev !== '') {
      gap += c;
    }
    offset += c.length;
  }
}

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Split a paragraph into [start, end) sentence ranges (the project's one sentence splitter). */
export const splitSentences = sentenceRanges;

/** The folded word characters of a text as UTF-16 codes (one code per folded unit), with BREAK where a bigram may not span. */
function foldedUnits(text: string, out: number[], fold: FoldChar): void {
  out.length = 0;
  if (foldedUnitsByTable(text, out, fold)) return;
  out.length = 0;
  foldedUnitsByCharacter(text, out, fold);
}

/** `foldedUnits` folding character by character and joining the text first (any text); the reference for the tests. */
export function foldedUnitsByCharacter(text: string, out: number[], fold: FoldChar = foldChar): number[] {
  out.length = 0;
  const folded: string[] = [];
  for (const ch of text) folded.push(fold(ch));
  wordRuns(folded.join(''), (u, joined) => {
    if (!joined && out.length > 0) out.push(BREAK);
    for (let k = 0; k < u.length; k++) out.push(u.charCodeAt(k));
  });
  return out;
}

/** The folded units of a text as the index reads them (see `foldedUnits`); exported for the tests. */
export function foldedUnitsOf(text: string, fold: FoldChar = foldChar): number[] {
  const out: number[] = [];
  foldedUnits(text, out, fold);
  return out;
}

/**
 * `foldedUnits` unit by unit through the fold table, with no string built (every sentence is read so when an index
 * is built, and every shortlisted one when answering). False, leaving `out` to be redone, for what only the joined
 * text answers: a surrogate, or a comma between digits (a thousands separator only if three digits follow).
 */
function foldedUnitsByTable(text: string, out: number[], fold: FoldChar): boolean {
  const table = foldTable(fold);
  let prev = -1;
  let gapLength = 0;
  let gapCode = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    let c = foldCode(table, fold, code);
    let units: string | null = null;
    if (c === MANY) {
      units = table.many.get(code) ?? null;
      if (units === null) return false;
    }
    const n = units === null ? 1 : units.length;
    for (let k = 0; k < n; k++) {
      if (units !== null) c = units.charCodeAt(k);
      if (!isWordCode(c)) {
        if (prev >= 0) {
          gapLength++;
          gapCode = c;
        }
        continue;
      }
      let joined = prev >= 0 && gapLength === 0;
      if (prev >= 0 && gapLength === 1 && isDigitCode(prev) && isDigitCode(c)) {
        if (gapCode === 0x2c) return false;
        joined = gapCode === 0x2e;
      }
      if (!joined && out.length > 0) out.push(BREAK);
      out.push(c);
      prev = c;
      gapLength = 0;
    }
  }
  return true;
}

/**
 * The work arrays of a search, one slot per unit (sentence, paragraph or section), reused by every search and shared
 * by an index and those extended from it: searches run one at a time and to the end (the engine is synchronous), and
 * the counters are shared too, so a stamp left by one index never passes for the current search of another. Grown
 * by half again when an index outgrows them, so a run of added articles does not reallocate them each time.
 */
class Scratch {
  acc = new Float64Array(0);
  /** How many query groups each unit holds, for `minMatched`. */
  matched = new Int32Array(0);
  /** The search that last touched each unit (so `acc` and `matched` need no clearing). */
  stamp = new Int32Array(0);
  /** The last query group that counted for each unit, so a group counts once per paragraph or section. */
  groupStamp = new Int32Array(0);
  /** Which query groups each unit holds, bit by group (queries of up to 31 groups). */
  mask = new Int32Array(0);
  searchNo = 0;
  groupNo = 0;

  /** These arrays, with room for `units` (fresh zeroed arrays never hold a current stamp: the counters start above 0). */
  fit(units: number): this {
    // Stamps live in Int32Arrays: long before a counter would pass 2^31 (about a day of busy searching for the
    // group counter) start again from zero, with no stamp left that could pass for a current one.
    if (this.searchNo > 2 ** 30 || this.groupNo > 2 ** 30) {
      this.stamp.fill(0);
      this.groupStamp.fill(0);
      this.searchNo = 0;
      this.groupNo = 0;
    }
    if (this.acc.length >= units) return this;
    const size = Math.ceil(units * 1.5);
    this.acc = new Float64Array(size);
    this.matched = new Int32Array(size);
    this.stamp = new Int32Array(size);
    this.groupStamp = new Int32Array(size);
    this.mask = new Int32Array(size);
    return this;
  }
}

/** How much of each growable buffer its newest array covers: only that array may be extended in place. */
const claimed = new WeakMap<ArrayBufferLike, number>();

/**
 * The first `keep` values of `head` followed by `rest`. An extended index appends to its prefix's arrays in place
 * when there is room and the prefix is the newest array over its buffer: the arrays only grow at the end, an older
 * index never reads past its own length, and what `rest` overwrites there (the prefix's end marker) it rewrites with
 * the same value. Otherwise it copies into a buffer with a quarter to spare, so a run of added articles copies the
 * corpus-sized arrays now and then, not at every addition.
 */
function appendInt32(head: Int32Array | undefined, keep: number, rest: readonly number[]): Int32Array {
  const length = keep + rest.length;
  const sameTail = head !== undefined && rest.every((v, i) => keep + i >= head.length || head[keep + i] === v);
  if (head && sameTail && head.byteOffset === 0 && claimed.get(head.buffer) === head.length && head.buffer.byteLength >= length * 4) {
    const out = new Int32Array(head.buffer, 0, length);
    out.set(rest, keep);
    claimed.set(head.buffer, length);
    return out;
  }
  const out = new Int32Array(head ? Math.ceil(length * 1.25) : length).subarray(0, length);
  if (head) out.set(head.subarray(0, keep));
  out.set(rest, keep);
  claimed.set(out.buffer, length);
  return out;
}

let lastChars: Int32Array | null = null;

/** The per-character "last sentence counted" array of `countChars`, reset: one for the process (indexing is synchronous). */
function lastCharScratch(): Int32Array {
  return (lastChars ??= new Int32Array(0x10000)).fill(-1);
}

/** Sentences an extension keeps apart before packing them into a segment (about ten long articles; ~30 ms). */
const SEGMENT_SENTENCES = 4000;

/** Packed postings of a run of added sentences: per bigram id present, its sentences as varint deltas. */
interface Segment {
  /** Bigram id → its slot in `offsets` and `dfs`. */
  local: Map<number, number>;
  offsets: Int32Array;
  dfs: Int32Array;
  postings: Uint8Array;
}

/** Pack kept-apart postings (ascending sentence ids per bigram) into a segment: two passes, size then fill. */
function packSegment(tail: ReadonlyMap<number, Int32Array>): Segment {
  const local = new Map<number, number>();
  const offsets = new Int32Array(tail.size + 1);
  const dfs = new Int32Array(tail.size);
  let k = 0;
  let bytes = 0;
  for (const [id, list] of tail) {
    local.set(id, k);
    offsets[k] = bytes;
    dfs[k] = list.length;
    let prev = -1;
    for (const s of list) {
      bytes += varintSize(s - prev);
      prev = s;
    }
    k++;
  }
  offsets[k] = bytes;
  const postings = new Uint8Array(bytes);
  let at = 0;
  for (const list of tail.values()) {
    let prev = -1;
    for (const s of list) {
      let v = s - prev;
      prev = s;
      while (v >= 0x80) {
        postings[at++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      postings[at++] = v;
    }
  }
  return { local, offsets, dfs, postings };
}

/** Decode `count` varint deltas (from -1) at byte `p` into `out` from `at`; returns where the next list goes. */
function decodeVarints(bytes: Uint8Array, p: number, count: number, out: Int32Array, at: number): number {
  let s = -1;
  for (let k = 0; k < count; k++) {
    let b = bytes[p++] ?? 0;
    let v = b & 0x7f;
    let shift = 7;
    while (b & 0x80) {
      b = bytes[p++] ?? 0;
      v |= (b & 0x7f) << shift;
      shift += 7;
    }
    s += v;
    out[at++] = s;
  }
  return at;
}


/** File bigram `id` (key hi << 16 | lo) under both its characters, once each. */
function addToChars(byChar: Map<number, number[]>, key: number, id: number): void {
  for (const c of [key >>> 16, key & 0xffff]) {
    const list = byChar.get(c);
    if (!list) byChar.set(c, [id]);
    else if (list[list.length - 1] !== id) list.push(id);
  }
}

/**
 * Character-bigram inverted index over sentences (the CJK approach of Lucene's CJKAnalyzer):
 * every pair of adjacent folded letters/digits points to the sentences containing it.
 * Postings are delta- and varint-encoded in one byte array, so that a thousand reports fit in memory.
 *
 * Immutable once built. `extend` returns a new index with more sections appended that shares the packed postings
 * of this one and keeps only the new sentences' postings apart (a tail per bigram, packed into a segment every few
 * thousand sentences), so adding an article costs its own text, not the corpus; it answers exactly as an index
 * built from scratch over the same sections would.
 */
export class TextIndex {
  /**
   * Most bigram ids a fresh index's build keeps between its two passes (4 bytes each; the seed report needs ~30,000),
   * past which sentences are folded again instead. A static so a test can make it small and see both ways agree.
   */
  static packMemoIds = 4_000_000;
  readonly sentenceCount: number;
  private readonly secOf: Int32Array;
  private readonly parOf: Int32Array;
  private readonly startOf: Int32Array;
  private readonly endOf: Int32Array;
  /** bigram key (hi << 16 | lo) → dense id, for the bigrams of the packed postings (shared by extensions). */
  private readonly packedIds: Map<number, number>;
  /** The same for bigrams first met in sections added by `extend` (ids go on from the packed ones). */
  private readonly extraIds: Map<number, number>;
  /** Byte offsets of each packed bigram's posting list in `postings`. */
  private readonly offsets: Int32Array;
  /** Sentence ids, ascending per bigram, as varint deltas: about a quarter of the size of an Int32Array. */
  private readonly postings: Uint8Array;
  /** How many sentences each packed bigram's list in `postings` holds. */
  private readonly packedDf: Int32Array;
  /** Postings of sentences added by `extend` and packed since, in the order they were added (see `extend`). */
  private readonly segments: readonly Segment[];
  /** Sentences added by `extend` and not packed yet, ascending per bigram (all after the packed ones). */
  private readonly tail: Map<number, Int32Array>;
  /** The first sentence in `tail`: those before it are in the packed postings or a segment. */
  private readonly tailStart: number;
  private readonly dfs: Int32Array;
  /** folded character → packed bigram ids containing it, for one-character queries */
  private readonly packedByChar: Map<number, number[]>;
  /** Per sentence, once asked: 1 when its words are as written (see `wordsAsWritten`), 2 when not. */
  private asWritten: Uint8Array | null = null;
  /** folded character → bigram ids in `extraIds` containing it */
  private readonly extraByChar: Map<number, number[]>;
  private readonly firstSentence: Int32Array;
  /** Global paragraph id of each sentence; first sentence of each paragraph (plus an end marker); section of each paragraph. */
  private readonly paraIdOf: Int32Array;
  private readonly paraFirst: Int32Array;
  private readonly paraSection: Int32Array;
  /** Sentences holding each folded UTF-16 unit, for the weight of a one-character term. */
  private readonly charDf: Int32Array;
  /** Work arrays of `searchUnits`, shared with the indexes extended from this one. */
  private readonly scratch: Scratch;
  /**
   * The last few queries' groups, in slots overwritten in turn. Not a Map cleared when full: a cleared Map's old table
   * stays in the old generation until a full collection and keeps what it held alive through every young collection
   * meanwhile, so each answer's groups were copied twice and promoted (most of what a young collection kept).
   */
  private readonly groupKeys: (string | undefined)[] = new Array<string | undefined>(GROUP_SLOTS).fill(undefined);
  private readonly groupValues: (QueryGroups | undefined)[] = new Array<QueryGroups | undefined>(GROUP_SLOTS).fill(undefined);
  private groupNext = 0;
  /** Sentences holding a character (in a bigram), for characters searched alone; built on first use, a few kept. */
  private readonly charLists = new Map<number, Int32Array>();

  /**
   * Index `paragraphs` (one list per section); with `from` (an index over a prefix of them), only the sections after
   * it, packing the sentences kept apart into a segment once there are more than `segmentSize` of them.
   */
  constructor(
    private readonly paragraphs: readonly (readonly string[])[],
    private readonly fold: FoldChar = foldChar,
    from?: TextIndex,
    segmentSize = SEGMENT_SENTENCES,
  ) {
    const firstSection = from ? from.paragraphs.length : 0;
    const sentenceBase = from ? from.sentenceCount : 0;
    const paraBase = from ? from.paraFirst.length - 1 : 0;
    const sec: number[] = [];
    const par: number[] = [];
    const st: number[] = [];
    const en: number[] = [];
    const firstSentence: number[] = [];
    const paraId: number[] = [];
    const paraFirst: number[] = [];
    const paraSection: number[] = [];
    for (let s = firstSection; s < paragraphs.length; s++) {
      firstSentence.push(sentenceBase + sec.length);
      (paragraphs[s] ?? []).forEach((p, j) => {
        const ranges = splitSentences(p);
        if (ranges.length === 0) return;
        paraFirst.push(sentenceBase + sec.length);
        paraSection.push(s);
        for (const [a, b] of ranges) {
          paraId.push(paraBase + paraFirst.length - 1);
          sec.push(s);
          par.push(j);
          st.push(a);
          en.push(b);
        }
      });
    }
    firstSentence.push(sentenceBase + sec.length);
    paraFirst.push(sentenceBase + sec.length);
    // An extension keeps the prefix's arrays and appends (the end markers of the prefix are dropped).
    this.paraIdOf = appendInt32(from?.paraIdOf, from?.paraIdOf.length ?? 0, paraId);
    this.paraFirst = appendInt32(from?.paraFirst, paraBase, paraFirst);
    this.paraSection = appendInt32(from?.paraSection, from?.paraSection.length ?? 0, paraSection);
    this.sentenceCount = sentenceBase + sec.length;
    this.secOf = appendInt32(from?.secOf, sentenceBase, sec);
    this.parOf = appendInt32(from?.parOf, sentenceBase, par);
    this.startOf = appendInt32(from?.startOf, sentenceBase, st);
    this.endOf = appendInt32(from?.endOf, sentenceBase, en);
    this.firstSentence = appendInt32(from?.firstSentence, firstSection, firstSentence);
    this.charDf = from ? Int32Array.from(from.charDf) : new Int32Array(0x10000);

    if (from) {
      this.packedIds = from.packedIds;
      this.offsets = from.offsets;
      this.postings = from.postings;
      this.packedDf = from.packedDf;
      this.packedByChar = from.packedByChar;
      const extra = this.appendTail(from, sentenceBase);
      this.extraIds = extra.ids;
      this.extraByChar = extra.byChar;
      this.dfs = extra.dfs;
      if (this.sentenceCount - from.tailStart > segmentSize) {
        // Pack what was kept apart: the cost of a few thousand sentences, never a repack of the corpus.
        this.segments = [...from.segments, packSegment(extra.tail)];
        this.tail = new Map();
        this.tailStart = this.sentenceCount;
      } else {
        this.segments = from.segments;
        this.tail = extra.tail;
        this.tailStart = from.tailStart;
      }
    } else {
      this.packedIds = new Map();
      this.extraIds = new Map();
      this.extraByChar = new Map();
      this.tail = new Map();
      this.segments = [];
      this.tailStart = this.sentenceCount;
      const packed = this.pack();
      this.offsets = packed.offsets;
      this.postings = packed.postings;
      this.dfs = packed.dfs;
      this.packedDf = packed.dfs;
      this.packedByChar = packed.byChar;
    }
    this.scratch = from?.scratch ?? new Scratch();
  }

  /**
   * A new index over these sections and `more` after them, sharing this one's packed postings and segments. The
   * added sentences' postings are kept apart (plain arrays, cheap to append to) until there are more than
   * `segmentSize` of them, then packed into a segment of their own: an addition costs the article and now and then
   * the packing of a few thousand sentences, never a repack of the corpus (seconds at a thousand reports).
   */
  extend(more: readonly (readonly string[])[], segmentSize = SEGMENT_SENTENCES): TextIndex {
    return new TextIndex([...this.paragraphs, ...more], this.fold, this, segmentSize);
  }

  /** Calls `fn` for each distinct bigram key of sentence i (in text order), leaving its folded units in `units`. */
  private eachBigramKey(i: number, units: number[], fn: (key: number) => void): void {
    foldedUnits(this.sentenceText(i), units, this.fold);
    for (let k = 0; k + 1 < units.length; k++) {
      const a = units[k] ?? BREAK;
      const b = units[k + 1] ?? BREAK;
      if (a === BREAK || b === BREAK) continue;
      fn((a << 16) | b);
    }
  }

  /** Count each folded unit once per sentence, for one-character weights. */
  private countChars(i: number, units: readonly number[], lastChar: Int32Array): void {
    for (const u of units) {
      if (u === BREAK || lastChar[u] === i) continue;
      lastChar[u] = i;
      this.charDf[u] = (this.charDf[u] ?? 0) + 1;
    }
  }

  /** Build the packed postings over every sentence (a fresh index). */
  private pack(): { offsets: Int32Array; postings: Uint8Array; dfs: Int32Array; byChar: Map<number, number[]> } {
    const ids = this.packedIds;
    // Two passes over the text (measure, then fill) instead of keeping every sentence's bigrams: half the peak memory.
    const df: number[] = [];
    const bytes: number[] = [];
    let last: number[] = [];
    const units: number[] = [];
    const forEachBigram = (i: number, fn: (id: number, delta: number) => void): void => {
      this.eachBigramKey(i, units, (key) => {
        let id = ids.get(key);
        if (id === undefined) {
          id = ids.size;
          ids.set(key, id);
          df.push(0);
          bytes.push(0);
          last.push(-1);
        }
        const prev = last[id] ?? -1;
        if (prev !== i) {
          last[id] = i;
          fn(id, i - prev);
        }
      });
    };
    // Each sentence's bigram ids as the first pass finds them, so the second need not fold the text again (folding
    // is most of a pass: a start's index build takes a third less). Only up to a bound: at a thousand reports the
    // rest is folded twice, as before, rather than held.
    const cap = TextIndex.packMemoIds;
    const seen = new GrowingInt32(Math.min(cap, 1024));
    const seenEnd = new Int32Array(this.sentenceCount);
    const lastChar = lastCharScratch();
    for (let i = 0; i < this.sentenceCount; i++) {
      forEachBigram(i, (id, delta) => {
        df[id] = (df[id] ?? 0) + 1;
        bytes[id] = (bytes[id] ?? 0) + varintSize(delta);
        if (seen.length < cap) seen.push(id);
      });
      seenEnd[i] = seen.length < cap ? seen.length : -1;
      this.countChars(i, units, lastChar);
    }
    const n = ids.size;
    const dfs = Int32Array.from(df);
    const offsets = new Int32Array(n + 1);
    for (let id = 0; id < n; id++) offsets[id + 1] = (offsets[id] ?? 0) + (bytes[id] ?? 0);
    const postings = new Uint8Array(offsets[n] ?? 0);
    const fill = Int32Array.from(offsets.subarray(0, n));
    last = new Array<number>(n).fill(-1);
    const put = (id: number, delta: number): void => {
      let at = fill[id] ?? 0;
      let v = delta;
      while (v >= 0x80) {
        postings[at++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      postings[at++] = v;
      fill[id] = at;
    };
    const memo = seen.items;
    let from = 0;
    for (let i = 0; i < this.sentenceCount; i++) {
      const to = seenEnd[i]!;
      if (to < 0) {
        forEachBigram(i, put);
        continue;
      }
      // The ids the first pass found for sentence i, distinct and in text order, as forEachBigram gives them.
      for (let k = from; k < to; k++) {
        const id = memo[k]!;
        put(id, i - (last[id] ?? -1));
        last[id] = i;
      }
      from = to;
    }
    const byChar = new Map<number, number[]>();
    for (const [key, id] of ids) addToChars(byChar, key, id);
    return { offsets, postings, dfs, byChar };
  }

  /** The postings of the sentences from `first` on, kept apart from the packed ones; copies `from`'s tail and adds to it. */
  private appendTail(from: TextIndex, first: number): { ids: Map<number, number>; byChar: Map<number, number[]>; tail: Map<number, Int32Array>; dfs: Int32Array } {
    const ids = new Map(from.extraIds);
    const byChar = new Map(from.extraByChar);
    const copied = new Set<number>();
    let count = from.dfs.length;
    const added = new Map<number, number[]>();
    const units: number[] = [];
    const lastChar = lastCharScratch();
    for (let i = first; i < this.sentenceCount; i++) {
      this.eachBigramKey(i, units, (key) => {
        let id = this.packedIds.get(key) ?? ids.get(key);
        if (id === undefined) {
          id = count++;
          ids.set(key, id);
          // Ids are handed out in order of first occurrence, as a fresh build would: the char lists stay in id order.
          for (const c of [key >>> 16, key & 0xffff]) {
            if (!copied.has(c)) {
              copied.add(c);
              byChar.set(c, [...(byChar.get(c) ?? [])]);
            }
          }
          addToChars(byChar, key, id);
        }
        const list = added.get(id);
        if (!list) added.set(id, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      });
      this.countChars(i, units, lastChar);
    }
    const dfs = new Int32Array(count);
    dfs.set(from.dfs);
    const tail = new Map(from.tail);
    for (const [id, list] of added) {
      dfs[id] = (dfs[id] ?? 0) + list.length;
      const before = from.tail.get(id);
      tail.set(id, appendInt32(before, before?.length ?? 0, list));
    }
    return { ids, byChar, tail, dfs };
  }

  /**
   * The sentences holding character `c` in any of `ids` (its bigrams), ascending: one list instead of dozens to read
   * for a common character (`车` is in 汽车, 车间, 整车…). Kept for the last few characters asked; an index is
   * immutable, so a kept list never goes stale.
   */
  private charPostings(c: number, ids: readonly number[]): Int32Array {
    const kept = this.charLists.get(c);
    if (kept) return kept;
    let size = 0;
    for (const id of ids) size += this.df(id);
    const all = new Int32Array(size);
    let at = 0;
    for (const id of ids) {
      all.set(this.postingList(id), at);
      at += this.df(id);
    }
    all.sort();
    let n = 0;
    for (let k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) all[n++] = all[k]!;
    const list = all.slice(0, n);
    if (this.charLists.size >= CHAR_LISTS) this.charLists.delete(this.charLists.keys().next().value as number);
    this.charLists.set(c, list);
    return list;
  }

  /** Dense id of a bigram key, or undefined when no sentence holds it. */
  private bigramId(key: number): number | undefined {
    return this.packedIds.get(key) ?? this.extraIds.get(key);
  }

  /** Bigram ids containing a folded character, ascending. */
  private charBigrams(c: number): number[] {
    const packed = this.packedByChar.get(c);
    const extra = this.extraByChar.get(c);
    if (!extra) return packed ?? [];
    return packed ? [...packed, ...extra] : extra;
  }

  /** Where sentence i sits. */
  location(i: number): SentenceLocation {
    return { section: this.secOf[i] ?? 0, paragraph: this.parOf[i] ?? 0, start: this.startOf[i] ?? 0, end: this.endOf[i] ?? 0 };
  }

  /** Index into its section's paragraphs of the paragraph sentence i is in. */
  paragraphIndex(i: number): number {
    return this.parOf[i] ?? 0;
  }

  /** The original (unfolded) text of sentence i. */
  sentenceText(i: number): string {
    const p = this.paragraphs[this.secOf[i] ?? 0]?.[this.parOf[i] ?? 0] ?? '';
    return p.slice(this.startOf[i] ?? 0, this.endOf[i] ?? 0);
  }

  /** `wordsAsWritten` of sentence i, worked out once per sentence (answers show the same sentences again and again). */
  wordsAsWritten(i: number): boolean {
    const known = (this.asWritten ??= new Uint8Array(this.sentenceCount))[i];
    if (known !== 0) return known === 1;
    const as = wordsAsWritten(this.sentenceText(i), this.fold);
    this.asWritten[i] = as ? 1 : 2;
    return as;
  }

  /** Sentence ids [from, to) of section s. */
  sentencesOf(s: number): [number, number] {
    return [this.firstSentence[s] ?? 0, this.firstSentence[s + 1] ?? 0];
  }

  /** Sentence ids [from, to) of paragraph p (a global paragraph id, as in `searchUnits(…, 'paragraph')`). */
  paragraphSentences(p: number): [number, number] {
    return [this.paraFirst[p] ?? 0, this.paraFirst[p + 1] ?? 0];
  }

  /** The section paragraph p belongs to. */
  sectionOfParagraph(p: number): number {
    return this.paraSection[p] ?? 0;
  }

  /** The section sentence i belongs to. */
  sectionOf(i: number): number {
    return this.secOf[i] ?? 0;
  }

  /** Dense bigram ids of a query term, not across punctuation (unknown bigrams get -1, so they still count against coverage). */
  termBigrams(term: string): number[] {
    return this.termParts(term).bigrams;
  }

  /** A term's bigram ids and the characters that stand alone between punctuation (`原，小` → none and `原`, `小`). */
  private termParts(term: string): { bigrams: number[]; singles: number[] } {
    const units: number[] = [];
    foldedUnits(term, units, this.fold);
    const bigrams: number[] = [];
    const singles: number[] = [];
    for (let k = 0; k < units.length; k++) {
      const a = units[k] ?? BREAK;
      if (a === BREAK) continue;
      const b = units[k + 1] ?? BREAK;
      if (b !== BREAK) bigrams.push(this.bigramId((a << 16) | b) ?? -1);
      else if ((units[k - 1] ?? BREAK) === BREAK) singles.push(a);
    }
    return { bigrams, singles };
  }

  /**
   * The bigram ids sentence i holds (folds the sentence: for a shortlist). A term's bigrams all in it is the same test
   * as the sentence being in `sentencesWith(term)`, without decoding the term's posting list, which for an everyday
   * word (`发展`) on a large report is most of the report.
   */
  sentenceBigrams(i: number): Set<number> {
    const present = new Set<number>();
    const units: number[] = [];
    this.eachBigramKey(i, units, (key) => {
      const id = this.bigramId(key);
      if (id !== undefined) present.add(id);
    });
    return present;
  }

  /** Sentences containing every bigram of `term` (a cheap, near-exact phrase filter for names). */
  sentencesWith(term: string): number[] {
    const parts = this.termParts(term);
    if (parts.bigrams.length === 0) return parts.singles.length === 0 ? [] : this.search(term, 1, Number.MAX_SAFE_INTEGER).map((h) => h.sentence);
    const bigrams = [...new Set(parts.bigrams)];
    if (bigrams.some((b) => b < 0)) return [];
    bigrams.sort((a, b) => this.df(a) - this.df(b));
    let current = this.postingList(bigrams[0] ?? 0);
    for (const b of bigrams.slice(1)) {
      const other = this.postingList(b);
      const next: number[] = [];
      let j = 0;
      for (const x of current) {
        while (j < other.length && (other[j] ?? 0) < x) j++;
        if (other[j] === x) next.push(x);
      }
      current = Int32Array.from(next);
    }
    return Array.from(current);
  }

  /** How many postings `sentencesWith(term)` decodes: the sum of its bigrams' list lengths (what it costs). */
  termPostings(term: string): number {
    let n = 0;
    for (const id of this.termParts(term).bigrams) n += id >= 0 ? this.df(id) : 0;
    return n;
  }

  private df(id: number): number {
    return this.dfs[id] ?? 0;
  }

  /** Decode one bigram's posting list: ascending sentence ids. */
  private postingList(id: number): Int32Array {
    const out = new Int32Array(this.df(id));
    let at = decodeVarints(this.postings, this.offsets[id] ?? 0, this.packedDf[id] ?? 0, out, 0);
    for (const seg of this.segments) {
      const k = seg.local.get(id);
      if (k !== undefined) at = decodeVarints(seg.postings, seg.offsets[k] ?? 0, seg.dfs[k] ?? 0, out, at);
    }
    const tail = this.tail.get(id);
    if (tail) out.set(tail, at);
    return out;
  }

  /**
   * Rank sentences by the idf-weighted share of the query's bigrams they contain (each whitespace-separated term
   * contributes its bigrams; a one-character term matches any bigram containing that character).
   * Returns at most `limit` hits with coverage ≥ `minCoverage` that hold at least `minMatched` of the query's
   * bigrams and lone characters, best first, ties in document order.
   */
  search(query: string, minCoverage: number, limit: number, minMatched = 0): SentenceHit[] {
    return this.searchUnits(query, 'sentence', { minCoverage, limit, minMatched }).hits.map((h) => ({ sentence: h.unit, coverage: h.coverage }));
  }

  /**
   * Like `search`, but a paragraph or section contains a bigram when any of its sentences does: a pasted passage
   * spanning several sentences is covered whole by the paragraph it came from.
   */
  searchUnits(query: string, unit: SearchUnit, options: UnitSearchOptions): UnitSearchResult {
    const { minCoverage, limit = Number.MAX_SAFE_INTEGER, minMatched = 0, maxCandidates = Number.MAX_SAFE_INTEGER } = options;
    const { groups, total } = this.queryGroups(query, options.maxGroups);
    if (total === 0) return { hits: [], capped: false };
    const unitOf = unit === 'sentence' ? null : unit === 'paragraph' ? this.paraIdOf : this.secOf;
    const masked = options.groupMasks === true && groups.length <= MASKED_GROUPS;
    const w = this.scratch.fit(this.sentenceCount);
    const run = ++w.searchNo;
    const touched: number[] = [];
    let capped = false;
    // Weight of the groups not yet read: a unit first met when it is below what coverage needs can never qualify.
    let remaining = total;
    const needed = minCoverage * total - 1e-9;
    for (const [gi, g] of groups.entries()) {
      const admit = remaining >= needed;
      remaining -= g.weight;
      // Within a group a unit counts once, even if it holds several of its alternatives or several sentences hold it.
      const groupRun = ++w.groupNo;
      // A lone character's group reads one list, the sentences holding it (merged once, then kept).
      const lists = g.char !== undefined ? [this.charPostings(g.char, g.ids)] : g.ids;
      lists: for (const one of lists) {
        const list = typeof one === 'number' ? this.postingList(one) : one;
        if (!admit && unitOf === null && touched.length * 24 < list.length) {
          // No unit can join any more, and far fewer have than the list holds (a common word after rare ones):
          // look each of them up in the list instead of reading it through.
          for (const u of touched) {
            if (w.groupStamp[u] === groupRun || !sortedHas(list, u)) continue;
            w.groupStamp[u] = groupRun;
            w.acc[u] = (w.acc[u] ?? 0) + g.weight;
            w.matched[u] = (w.matched[u] ?? 0) + 1;
            if (masked) w.mask[u] = (w.mask[u] ?? 0) | (1 << gi);
          }
          continue;
        }
        for (let k = 0; k < list.length; k++) {
          const s = list[k] ?? 0;
          const u = unitOf ? (unitOf[s] ?? 0) : s;
          if (w.groupStamp[u] === groupRun) continue;
          w.groupStamp[u] = groupRun;
          if (w.stamp[u] !== run) {
            if (!admit) continue;
            if (touched.length >= maxCandidates) {
              capped = true;
              // In the first group every candidate has been counted already: nothing more to add.
              if (gi === 0) break lists;
              continue;
            }
            w.stamp[u] = run;
            w.acc[u] = 0;
            w.matched[u] = 0;
            w.mask[u] = 0;
            touched.push(u);
          }
          w.acc[u] = (w.acc[u] ?? 0) + g.weight;
          w.matched[u] = (w.matched[u] ?? 0) + 1;
          if (masked) w.mask[u] = (w.mask[u] ?? 0) | (1 << gi);
        }
      }
    }
    const hits: UnitHit[] = [];
    // Whether the hits are already in their order: all alike (one list read: `的`, `发展`), in ascending units.
    let inOrder = true;
    for (const u of touched) {
      const coverage = (w.acc[u] ?? 0) / total;
      // A unit touched holds no group read before it was (it would have been touched then): its mask is whole.
      if (coverage >= minCoverage && (w.matched[u] ?? 0) >= minMatched) {
        const last = hits.at(-1);
        if (last && (last.coverage !== coverage || last.unit > u)) inOrder = false;
        hits.push(masked ? { unit: u, coverage, groups: w.mask[u] ?? 0 } : { unit: u, coverage });
      }
    }
    if (inOrder) return { hits: hits.length > limit ? hits.slice(0, limit) : hits, capped };
    const best = (a: UnitHit, b: UnitHit): number => b.coverage - a.coverage || a.unit - b.unit;
    const first = Math.min(limit, options.sortFirst ?? Number.MAX_SAFE_INTEGER);
    if (first * 4 < hits.length) {
      // Only the best few are read in order (a shortlist): find the coverage they reach with a numeric sort of the
      // coverages alone, and sort only the hits above it. Those at it (often most: every sentence holding a common
      // character covers a one-character query alike) go by unit, so the lowest units among them are found with a
      // numeric sort of their units alone. The rest follow in no order.
      const coverages = new Float64Array(hits.length);
      for (let k = 0; k < hits.length; k++) coverages[k] = hits[k]!.coverage;
      coverages.sort();
      const floor = coverages[coverages.length - first]!;
      const above = hits.filter((h) => h.coverage > floor).sort(best);
      const atFloor = hits.filter((h) => h.coverage === floor);
      const wanted = first - above.length;
      let lastUnit = Infinity;
      if (atFloor.length > wanted) {
        const units = new Int32Array(atFloor.length);
        for (let k = 0; k < atFloor.length; k++) units[k] = atFloor[k]!.unit;
        lastUnit = units.sort()[wanted - 1] ?? -1;
      }
      const head = [...above, ...atFloor.filter((h) => h.unit <= lastUnit).sort(best)];
      if (limit <= first) return { hits: head, capped };
      for (const h of atFloor) if (h.unit > lastUnit) head.push(h);
      for (const h of hits) if (h.coverage < floor) head.push(h);
      if (head.length > limit) head.length = limit;
      return { hits: head, capped };
    }
    hits.sort(best);
    return { hits: hits.length > limit ? hits.slice(0, limit) : hits, capped };
  }

  /**
   * The groups of `query` (as `searchUnits` numbers them in `UnitHit.groups`) made of `term`'s bigrams: a hit whose
   * groups include all of them holds every bigram of the term, as the sentences of `sentencesWith(term)` do. -1
   * when no hit can (a bigram the text never holds), null when the hits carry no groups or the term has no bigram.
   */
  termMask(query: string, term: string): number | null {
    const { groups, bigramGroup } = this.queryGroups(query);
    if (groups.length > MASKED_GROUPS || !bigramGroup) return null;
    const bigrams = this.termBigrams(term);
    if (bigrams.length === 0) return null;
    let mask = 0;
    for (const id of bigrams) {
      if (id < 0) return -1;
      const g = bigramGroup.get(id);
      // Not one of the query's own bigrams (the term was split differently in the query): no answer from groups.
      if (g === undefined) return null;
      mask |= 1 << g;
    }
    return mask;
  }

  /**
   * How much one sentence and a query share, both ways: the share of the query's weighted bigrams in the sentence
   * (as `search` scores it) and the share of the sentence's distinct bigrams in the query. Folds the sentence: for a short list only.
   */
  overlap(sentence: number, query: string): { ofQuery: number; ofSentence: number } {
    const { groups, total } = this.queryGroups(query);
    const units: number[] = [];
    foldedUnits(this.sentenceText(sentence), units, this.fold);
    const present = new Set<number>();
    for (let k = 0; k + 1 < units.length; k++) {
      const a = units[k] ?? BREAK;
      const b = units[k + 1] ?? BREAK;
      if (a === BREAK || b === BREAK) continue;
      const id = this.bigramId((a << 16) | b);
      if (id !== undefined) present.add(id);
    }
    let got = 0;
    const inQuery = new Set<number>();
    for (const g of groups) {
      let hit = false;
      for (const id of g.ids) {
        if (!present.has(id)) continue;
        hit = true;
        inQuery.add(id);
      }
      if (hit) got += g.weight;
    }
    return { ofQuery: total > 0 ? got / total : 0, ofSentence: present.size > 0 ? inQuery.size / present.size : 0 };
  }

  /** The idf weight of something `df` sentences hold; what the text never holds weighs like the rarest, so misses lower coverage. */
  private rarity(df: number): number {
    return Math.log(1 + this.sentenceCount / Math.max(1, df));
  }

  /** A query's groups of alternative bigram ids, each worth one weight: a bigram, or all bigrams of a lone character. */
  private queryGroups(query: string, maxGroups?: number): QueryGroups {
    // One answer reads the same query many times (search, then `overlap` per shown sentence): remember the last few.
    const key = `${maxGroups ?? ''}\u0000${query}`;
    for (let k = 0; k < GROUP_SLOTS; k++) if (this.groupKeys[k] === key) return this.groupValues[k]!;
    const made = this.makeQueryGroups(query, maxGroups);
    const slot = this.groupNext;
    this.groupKeys[slot] = key;
    this.groupValues[slot] = made;
    this.groupNext = (slot + 1) % GROUP_SLOTS;
    return made;
  }

  private makeQueryGroups(query: string, maxGroups?: number): QueryGroups {
    const terms = query.split(/\s+/u).filter(Boolean);
    const groups: { ids: number[]; weight: number; char?: number }[] = [];
    const seen = new Set<number>();
    for (const term of terms) {
      const parts = this.termParts(term);
      // A lone character weighs by how rare it is, like a bigram: in `侧面相撞`, 侧 and 撞 count more than 面.
      for (const c of parts.singles) groups.push({ ids: this.charBigrams(c), weight: this.rarity(this.charDf[c] ?? 0), char: c });
      for (const id of parts.bigrams) {
        if (id >= 0 && seen.has(id)) continue;
        if (id >= 0) seen.add(id);
        groups.push({ ids: id >= 0 ? [id] : [], weight: this.rarity(id >= 0 ? this.df(id) : 0) });
      }
    }
    // Rarest first (fewest postings): they pick the candidates, common ones only add to them (see `maxCandidates`).
    const size = (g: { ids: number[] }): number => g.ids.reduce((a, id) => a + this.df(id), 0);
    groups.sort((a, b) => size(a) - size(b));
    const all = groups.reduce((a, g) => a + g.weight, 0);
    if (maxGroups === undefined) {
      const bigramGroup = new Map<number, number>();
      groups.forEach((g, k) => {
        if (g.char === undefined && g.ids.length === 1) bigramGroup.set(g.ids[0]!, k);
      });
      return { groups, total: all, bigramGroup };
    }
    // Only the rarest groups the text holds; what it never holds only scales the total (see `maxGroups`).
    const held = groups.filter((g) => g.ids.length > 0);
    const kept = held.slice(0, maxGroups);
    const keptWeight = kept.reduce((a, g) => a + g.weight, 0);
    const heldWeight = held.reduce((a, g) => a + g.weight, 0);
    const scale = held.length === groups.length ? 1 : heldWeight / all;
    return { groups: kept, total: scale > 0 ? keptWeight / scale : 0 };
  }
}

/**
 * Per fold function, each UTF-16 unit's fold: `codes[u]` is the one unit it folds to, UNKNOWN until asked, or MANY
 * when it folds to nothing or to several units (`…` → `...`), which `many` then holds (null: a surrogate, or a fold
 * with one, which only folding character by character gets right).
 */
interface FoldTable {
  codes: Int32Array;
  many: Map<number, string | null>;
  /** Per unit: 0 unknown, AS_WRITTEN when folding it leaves a text's words as they are (see keepsWords), else 2. */
  keeps: Uint8Array;
}
const foldTables = new WeakMap<FoldChar, FoldTable>();
const UNKNOWN = -1;
const MANY = -2;

/** The fold table of `fold`, made on first use (256 KB per fold function; an engine has one). */
function foldTable(fold: FoldChar): FoldTable {
  let table = foldTables.get(fold);
  if (!table) foldTables.set(fold, (table = { codes: new Int32Array(0x10000).fill(UNKNOWN), many: new Map(), keeps: new Uint8Array(0x10000) }));
  return table;
}

const isSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdfff;

/** The one UTF-16 unit `code` folds to, or MANY (see FoldTable): a table lookup after the first time. */
function foldCode(table: FoldTable, fold: FoldChar, code: number): number {
  const known = table.codes[code]!;
  if (known !== UNKNOWN) return known;
  let f = MANY;
  if (isSurrogate(code)) {
    table.many.set(code, null);
  } else {
    const folded = fold(String.fromCharCode(code));
    let plain = true;
    for (let k = 0; k < folded.length; k++) if (isSurrogate(folded.charCodeAt(k))) plain = false;
    if (folded.length === 1 && plain) f = folded.charCodeAt(0);
    else table.many.set(code, plain ? folded : null);
  }
  table.codes[code] = f;
  return f;
}

const AS_WRITTEN = 1;

/**
 * Whether folding the unit `code` leaves the words of a text as they are: it folds to itself, or it is no word
 * character and folds to one or more units that are none either (full-width `，` → `,`). Never for a surrogate, a
 * unit folded away (a zero-width joiner would join two words), or a letter or digit that folds to another.
 */
function keepsWords(table: FoldTable, fold: FoldChar, code: number): boolean {
  const known = table.keeps[code]!;
  if (known !== 0) return known === AS_WRITTEN;
  let keeps = false;
  if (!isSurrogate(code)) {
    const c = foldCode(table, fold, code);
    if (c === code) keeps = true;
    else if (!isWordCode(code)) {
      const units = c >= 0 ? String.fromCharCode(c) : (table.many.get(code) ?? '');
      keeps = units.length > 0;
      for (let k = 0; k < units.length; k++) if (isWordCode(units.charCodeAt(k))) keeps = false;
    }
  }
  table.keeps[code] = keeps ? AS_WRITTEN : 2;
  return keeps;
}

/** The terms of the last `termsAsWritten` call, and the answer. */
let lastPlain: { fold: FoldChar; terms: readonly string[]; plain: boolean } | null = null;

/**
 * Whether each of `terms` (already folded) is word characters that fold to themselves. Such a term occurs in a text
 * whose words are as written (`wordsAsWritten`) exactly where it occurs in that text folded, so finding it there
 * needs no folded copy of the text.
 */
export function termsAsWritten(terms: readonly string[], fold: FoldChar = foldChar): boolean {
  if (lastPlain && lastPlain.fold === fold && sameStrings(lastPlain.terms, terms)) return lastPlain.plain;
  const table = foldTable(fold);
  let plain = true;
  for (const term of terms) {
    for (let k = 0; k < term.length && plain; k++) {
      const code = term.charCodeAt(k);
      plain = !isSurrogate(code) && isWordCode(code) && foldCode(table, fold, code) === code;
    }
  }
  lastPlain = { fold, terms: [...terms], plain };
  return plain;
}

/**
 * Whether folding `text` changes, joins and drops none of its word characters: only punctuation changes (`，` → `,`).
 * Most report sentences pass: they differ from their folds only in full-width punctuation.
 */
export function wordsAsWritten(text: string, fold: FoldChar = foldChar): boolean {
  const table = foldTable(fold);
  const keeps = table.keeps;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (keeps[code] !== AS_WRITTEN && !keepsWords(table, fold, code)) return false;
  }
  return true;
}

/** Whether the UTF-16 unit `code` (not a surrogate) is a word character / a decimal digit, by table. */
function isWordCode(code: number): boolean {
  const known = wordByCode[code]!;
  return known !== 0 ? known === 1 : isWord(String.fromCharCode(code));
}
const digitByCode = new Uint8Array(0x10000);
function isDigitCode(code: number): boolean {
  let known = digitByCode[code]!;
  if (known === 0) digitByCode[code] = known = DIGIT_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
  return known === 1;
}

/** What `highlightTerms` marks for a list of terms: bigrams and lone characters, as strings and (one unit each) as codes. */
interface TermMarks {
  pairs: Set<string>;
  singles: Set<string>;
  pairCodes: Set<number>;
  singleCodes: Set<number>;
  /** Bit u set when the unit u is in one of `pairCodes` or `singleCodes`: other units are passed by a bit test. */
  inTerms: Uint32Array;
}

/** The terms of the last answer, compiled: an answer marks the same terms in every sentence it shows. */
let lastMarks: { fold: FoldChar; terms: readonly string[]; marks: TermMarks } | null = null;

/** Two lists of the same strings (the same string objects, within one answer, compare at once). */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function termMarks(terms: readonly string[], fold: FoldChar): TermMarks {
  if (lastMarks && lastMarks.fold === fold && sameStrings(lastMarks.terms, terms)) return lastMarks.marks;
  const pairs = new Set<string>();
  const singles = new Set<string>();
  for (const term of terms) {
    // Bigrams within runs of word characters; a character alone between punctuation marks on its own.
    let prev = '';
    let alone = false;
    wordRuns(foldWithMap(term, fold).text, (c, joined) => {
      if (joined) pairs.add(`${prev}${c}`);
      else if (alone) singles.add(prev);
      alone = !joined;
      prev = c;
    });
    if (alone) singles.add(prev);
  }
  // A text folded to single units only can only match the pairs and characters that are single units themselves.
  const pairCodes = new Set<number>();
  for (const p of pairs) if (p.length === 2) pairCodes.add((p.charCodeAt(0) << 16) | p.charCodeAt(1));
  const singleCodes = new Set<number>();
  for (const c of singles) if (c.length === 1) singleCodes.add(c.charCodeAt(0));
  const inTerms = new Uint32Array(0x10000 >>> 5);
  const mark = (u: number): void => void (inTerms[u >>> 5]! |= 1 << (u & 31));
  for (const p of pairCodes) mark(p >>> 16), mark(p & 0xffff);
  for (const c of singleCodes) mark(c);
  const marks = { pairs, singles, pairCodes, singleCodes, inTerms };
  lastMarks = { fold, terms: [...terms], marks };
  return marks;
}

/**
 * Character ranges of `text` covered by the query terms: runs where each adjacent pair of folded letters/digits is
 * one of the terms' bigrams (or, for a one-character term, that character). Offsets are into the original text.
 */
export function highlightTerms(text: string, terms: readonly string[], fold: FoldChar = foldChar): [number, number][] {
  const marks = termMarks(terms, fold);
  if (marks.pairs.size === 0 && marks.singles.size === 0) return [];
  return markUnits(text, marks, fold) ?? markCharacters(text, marks, fold);
}

/**
 * `highlightTerms` for a text whose every unit folds to one unit (nearly all text): a pass over its UTF-16 codes with
 * the fold, word and digit tests read from tables, so marking a shown sentence allocates nothing but the ranges.
 * Null when some unit does not fold to one (a surrogate pair, `Ⅱ` → `ii`): `markCharacters` handles those.
 */
function markUnits(text: string, marks: TermMarks, fold: FoldChar): [number, number][] | null {
  const table = foldTable(fold);
  const { pairCodes, singleCodes, inTerms } = marks;
  const ranges: [number, number][] = [];
  let prev = -1;
  let prevStart = 0;
  let gapLength = 0;
  let gapCode = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    let c = foldCode(table, fold, code);
    // A unit folding to several (`…` → `...`) is read unit by unit, each at the offset of the one it came from.
    let units: string | null = null;
    if (c === MANY) {
      units = table.many.get(code) ?? null;
      if (units === null) return null;
    }
    const n = units === null ? 1 : units.length;
    for (let k = 0; k < n; k++) {
      if (units !== null) c = units.charCodeAt(k);
      if (!isWordCode(c)) {
        if (prev >= 0) {
          gapLength++;
          gapCode = c;
        }
        continue;
      }
      // A unit in no term can neither be marked alone nor end a marked pair.
      if ((inTerms[c >>> 5]! & (1 << (c & 31))) !== 0) {
        const joined =
          prev >= 0 &&
          (gapLength === 0 || (gapLength === 1 && isDigitCode(prev) && isDigitCode(c) && inNumber(String.fromCharCode(gapCode), text, at)));
        // Ranges are made in order of their starts (a pair's before its last character's), so merging needs no sort.
        if (joined && pairCodes.has((prev << 16) | c)) pushMerged(ranges, prevStart, at + 1);
        if (singleCodes.has(c)) pushMerged(ranges, at, at + 1);
      }
      prev = c;
      prevStart = at;
      gapLength = 0;
    }
  }
  return ranges;
}

/** Append [a, b) to ranges sorted by start, merging it with the last when they overlap or touch. */
function pushMerged(ranges: [number, number][], a: number, b: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last[1] >= a) last[1] = Math.max(last[1], b);
  else ranges.push([a, b]);
}

/** `highlightTerms` folding character by character, for any text: the reference the tests hold the fast path to. */
export function highlightTermsByCharacter(text: string, terms: readonly string[], fold: FoldChar = foldChar): [number, number][] {
  return markCharacters(text, termMarks(terms, fold), fold);
}

/** `highlightTerms` character by character, folding each (any text). */
function markCharacters(text: string, marks: TermMarks, fold: FoldChar): [number, number][] {
  const { pairs, singles } = marks;
  // One pass over the text, folding as it goes (the rules of `wordRuns`), marking in original offsets; a matched pair
  // also covers what was skipped between its characters (`2.6` in `2.6万`).
  const ranges: [number, number][] = [];
  let prev = '';
  let prevStart = 0;
  let gap = '';
  let at = 0;
  for (const ch of text) {
    const end = at + ch.length;
    for (const c of fold(ch)) {
      if (!isWord(c)) {
        if (prev !== '') gap += c;
        continue;
      }
      const joined = prev !== '' && (gap === '' || (gap.length === 1 && DIGIT_CHAR.test(prev) && DIGIT_CHAR.test(c) && inNumber(gap, text, at)));
      if (singles.has(c)) ranges.push([at, end]);
      if (joined && pairs.has(`${prev}${c}`)) ranges.push([prevStart, end]);
      prev = c;
      prevStart = at;
      gap = '';
    }
    at = end;
  }
  return mergeOwnRanges(ranges);
}

/** Sort and merge overlapping or touching ranges (`ranges` is left as it is). */
export function mergeRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  return mergeOwnRanges(ranges.map((r) => [r[0], r[1]]));
}

/** `mergeRanges` for a list made for it: sorted and merged in place, its pairs reused (no copies: on every excerpt's path). */
function mergeOwnRanges(ranges: [number, number][]): [number, number][] {
  if (ranges.length < 2) return ranges;
  // Usually in order already (one term's occurrences, a scan's marks): sorting then only costs a pass.
  let ordered = true;
  for (let k = 1; k < ranges.length && ordered; k++) ordered = byStartThenEnd(ranges[k - 1]!, ranges[k]!) <= 0;
  if (!ordered) sortShort(ranges, byStartThenEnd);
  let n = 0;
  for (const r of ranges) {
    const last = n > 0 ? ranges[n - 1]! : null;
    if (last && last[1] >= r[0]) last[1] = Math.max(last[1], r[1]);
    else ranges[n++] = r;
  }
  ranges.length = n;
  return ranges;
}

const byStartThenEnd = (a: readonly [number, number], b: readonly [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** The folded terms of the last `highlightExact` call: an answer marks the same names in every sentence it shows. */
let lastExact: { fold: FoldChar; terms: readonly string[]; folded: string[] } | null = null;

/**
 * `text` folded unit by unit through the fold table, with `origin` (as `foldWithMap` gives it) only when some unit
 * folds to several (`…` → `...`); null for a surrogate, which only `foldWithMap` reads right.
 */
function foldByTable(text: string, fold: FoldChar): { text: string; origin: Int32Array | null } | null {
  const table = foldTable(fold);
  // Pieces joined at the end: `+=` would leave a rope for every `indexOf` in the text to flatten first.
  const parts: string[] = [];
  let copied = 0;
  let origin: number[] | null = null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const c = foldCode(table, fold, code);
    if (c === code) continue;
    let units: string;
    if (c >= 0) units = String.fromCharCode(c);
    else {
      const many = table.many.get(code);
      if (many === null || many === undefined) return null;
      units = many;
      // From here on folded offsets and original ones differ: what was folded so far went one unit for one.
      if (!origin) {
        origin = [];
        for (let k = 0; k < copied; k++) origin.push(k);
      }
    }
    if (origin) {
      for (let k = copied; k < i; k++) origin.push(k);
      for (let k = 0; k < units.length; k++) origin.push(i);
    }
    parts.push(text.slice(copied, i), units);
    copied = i + 1;
  }
  if (copied === 0) return { text, origin: null };
  parts.push(text.slice(copied));
  if (!origin) return { text: parts.join(''), origin: null };
  for (let k = copied; k < text.length; k++) origin.push(k);
  origin.push(text.length);
  return { text: parts.join(''), origin: Int32Array.from(origin) };
}

/**
 * Character ranges of `text` where one of `terms` occurs verbatim after folding (names, synonyms, figure texts).
 * `asWritten` is `wordsAsWritten(text, fold)` when the caller knows it already.
 */
export function highlightExact(text: string, terms: readonly string[], fold: FoldChar = foldChar, asWritten?: boolean): [number, number][] {
  if (!lastExact || lastExact.fold !== fold || !sameStrings(lastExact.terms, terms)) {
    lastExact = { fold, terms: [...terms], folded: terms.map((t) => foldWithMap(t, fold).text) };
  }
  const termTexts = lastExact.folded;
  if (termsAsWritten(termTexts, fold) && (asWritten ?? wordsAsWritten(text, fold))) return occurrences(text, termTexts, null);
  const folded = foldByTable(text, fold) ?? foldWithMap(text, fold);
  return occurrences(folded.text, termTexts, folded.origin, text.length);
}

/** Merged ranges where `terms` occur in `haystack`, in the offsets `origin` maps them to (null: the same offsets). */
function occurrences(haystack: string, terms: readonly string[], origin: Int32Array | null, length = haystack.length): [number, number][] {
  const at = (k: number): number => (origin ? (origin[k] ?? length) : k);
  const ranges: [number, number][] = [];
  for (const t of terms) {
    if (!t) continue;
    for (let k = haystack.indexOf(t); k >= 0; k = haystack.indexOf(t, k + t.length)) ranges.push([at(k), at(k + t.length)]);
  }
  return mergeOwnRanges(ranges);
}
