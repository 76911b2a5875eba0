// Adding sections to a built engine without rebuilding it. New sections are counted in a small text index of their
// own (whether a sentence holds a term does not depend on the rest of the corpus), old entries keep their scores
// unless the new sections change them, and each list touched is merged and sorted again. People and figures run their
// own builders (indexPeople, indexFigures) over a sparse view of the report holding only the sections that matter:
// the builders read `ctx.sections` with forEach/flatMap, which skip holes, so section numbers stay the report's.
// The result is what a build from scratch over the whole report gives: tests/core/engine-extend.test.ts checks it,
// so a change to a builder's ranking that is not mirrored here fails there.
import type { Section } from '../report.ts';
import { TextIndex } from '../text-index.ts';
import { districtsNamed, kindRank, searchedText, sentenceCounts, type EngineContext } from './context.ts';
import { districtScore, isSubject, type DistrictIndex } from './district.ts';
import { alikeFigures, figureValues, indexFigures, mergeFigureValues, type FigureIndex } from './figures.ts';
import { indexPeople, personTypos, type PersonIndex } from './person.ts';
import { topicOrder, type SectionCounts, type TopicIndex } from './topic.ts';

/** `ctx` seeing only the sections at `at`. */
function viewOf(ctx: EngineContext, at: Iterable<number>): EngineContext {
  const sections: Section[] = [];
  for (const i of at) sections[i] = ctx.sections[i] as Section;
  return { ...ctx, sections, report: { ...ctx.report, sections } };
}

/** Section numbers from `first` to the end of the report. */
function addedRange(ctx: EngineContext, first: number): number[] {
  return Array.from({ length: ctx.sections.length - first }, (_, k) => first + k);
}

/**
 * A text index of the sections from `first` on alone, built on first use and then kept: districts and topics count
 * their terms in it (extendEngine hands both the same one).
 */
export function addedSectionsIndex(ctx: EngineContext, first: number): () => TextIndex {
  let index: TextIndex | null = null;
  return () => (index ??= new TextIndex(addedRange(ctx, first).map((i) => searchedText(ctx.sections[i] as Section)), ctx.fold));
}

/** Per section of `at`, how many of its sentences hold any of `terms` (sentenceCounts over an index of those sections alone). */
function countsIn(ctx: EngineContext, at: readonly number[], terms: Iterable<string>, index?: TextIndex): Map<number, number> {
  const own = index ?? new TextIndex(at.map((i) => searchedText(ctx.sections[i] as Section)), ctx.fold);
  const local = sentenceCounts({ ...ctx, index: own }, terms);
  return new Map([...local].map(([k, n]) => [at[k] as number, n]));
}

type DistrictEntry = NonNullable<ReturnType<DistrictIndex['sections']['get']>>[number];

/**
 * The district index after sections `first…` were appended. Mirrors indexDistricts: the subject rule, the terms
 * (short name, places named in the district, landmarks) and the score (subject 100, 5 per sentence naming it up to
 * 10, 1 per sentence naming any of its terms up to 20). Old entries are scored again only where a new term occurs.
 */
export function extendDistricts(ctx: EngineContext, old: DistrictIndex, first: number, addedIndex = addedSectionsIndex(ctx, first)): DistrictIndex {
  const { sections, resolver, fnorm } = ctx;
  const added = addedRange(ctx, first);
  const affected = [...new Set(added.flatMap((i) => districtsNamed(sections[i] as Section)))];
  if (affected.length === 0) return old;
  const next = new Map(old.sections);
  const nextTerms = new Map(old.terms);
  for (const d of affected) {
    const short = resolver.shortName(d);
    const before = old.terms.get(d);
    const terms = new Set(before ?? [fnorm(short)]);
    const mine = added.filter((i) => districtsNamed(sections[i] as Section).includes(d));
    for (const i of mine) for (const p of (sections[i] as Section).places) if (p.district === d) terms.add(fnorm(p.name));
    if (!before) for (const a of ctx.opts.placeAliases) if (a.district === d) terms.add(fnorm(a.name));
    const score = (at: readonly number[], index?: TextIndex) => {
      const named = countsIn(ctx, at, [fnorm(short)], index);
      const mentions = countsIn(ctx, at, terms, index);
      return (i: number, subject: boolean) => districtScore(subject, named.get(i) ?? 0, mentions.get(i) ?? 0);
    };
    const scoreAdded = score(added, addedIndex());
    const fresh: DistrictEntry[] = mine.map((i) => {
      const s = sections[i] as Section;
      const subject = isSubject(s, d, short);
      return { section: i, subject, score: scoreAdded(i, subject) };
    });
    // A new place name in the district counts in the old sections that hold it too.
    let kept = old.sections.get(d) ?? [];
    const newTerms = before ? [...terms].filter((t) => !before.has(t)) : [];
    const touched = new Set(newTerms.flatMap((t) => ctx.index.sentencesWith(t).map((id) => ctx.index.sectionOf(id))).filter((i) => i < first));
    if (touched.size > 0) {
      const scoreOld = score([...touched].sort((a, b) => a - b));
      kept = kept.map((e) => (touched.has(e.section) ? { ...e, score: scoreOld(e.section, e.subject) } : e));
    }
    const order = (a: DistrictEntry, b: DistrictEntry) => b.score - a.score || kindRank(sections[a.section]) - kindRank(sections[b.section]) || a.section - b.section;
    next.set(d, touched.size > 0 ? [...kept, ...fresh].sort(order) : mergeSorted(kept, fresh.sort(order), order));
    nextTerms.set(d, terms);
  }
  return { ...old, sections: next, terms: nextTerms };
}

/** The topic index after sections `first…` were appended: new sections are counted apart, then each topic they carry is ranked again. */
export function extendTopics(ctx: EngineContext, old: TopicIndex, first: number, addedIndex = addedSectionsIndex(ctx, first)): TopicIndex {
  const added = addedRange(ctx, first);
  const affected = [...new Set(added.flatMap((i) => (ctx.sections[i] as Section).topics))];
  if (affected.length === 0) return old;
  const sections = new Map(old.sections);
  const strength = new Map(old.strength);
  for (const t of affected) {
    const entry = old.topics.find((e) => e.id === t);
    const counts = layered(old.strength.get(t), countsIn(ctx, added, entry?.terms ?? [], addedIndex()), first);
    const fresh = added.filter((i) => (ctx.sections[i] as Section).topics.includes(t));
    const order = topicOrder(ctx.sections, t, counts);
    // The old list is ranked already: merge the new sections into it.
    sections.set(t, mergeSorted(old.sections.get(t) ?? [], fresh.sort(order), order));
    strength.set(t, counts);
  }
  // The taxonomy did not change, so its keys and fuzzy matchers are the old ones.
  return { ...old, sections, strength };
}

/** Counts of sections before `first` from `below`, of the others from `above`; shares `below` rather than copy it. */
function layered(below: SectionCounts | undefined, above: Map<number, number>, first: number): SectionCounts {
  return LayeredCounts.over(below, above, first);
}

interface Layer {
  /** The first section number the layer holds counts for (up to the next layer's). */
  from: number;
  counts: ReadonlyMap<number, number>;
}

/**
 * Counts kept as layers of appended section ranges, oldest first. One layer per added article would make every
 * lookup walk all of them (a topic re-ranked after the 500th article would read through 500), so the newest
 * layers are merged like a binary counter: at most about log2(additions) layers, each count copied a few times.
 */
class LayeredCounts implements SectionCounts {
  private constructor(private readonly layers: readonly Layer[]) {}

  static over(below: SectionCounts | undefined, above: Map<number, number>, first: number): LayeredCounts {
    const layers: Layer[] = below instanceof LayeredCounts ? [...below.layers] : below ? [{ from: 0, counts: asMap(below, first) }] : [];
    layers.push({ from: first, counts: above });
    while (layers.length >= 2 && layers[layers.length - 2]!.counts.size <= 2 * layers[layers.length - 1]!.counts.size) {
      const top = layers.pop()!;
      const under = layers.pop()!;
      layers.push({ from: under.from, counts: new Map([...under.counts, ...top.counts]) });
    }
    return new LayeredCounts(layers);
  }

  get(section: number): number | undefined {
    // The last layer starting at or before `section`.
    let lo = 0;
    let hi = this.layers.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.layers[mid]!.from <= section) lo = mid;
      else hi = mid - 1;
    }
    return this.layers[lo]?.counts.get(section);
  }
}

/** A base layer's counts as a map: itself when it is one (the index builds maps), else read out section by section. */
function asMap(counts: SectionCounts, sections: number): ReadonlyMap<number, number> {
  if (counts instanceof Map) return counts as ReadonlyMap<number, number>;
  const out = new Map<number, number>();
  for (let i = 0; i < sections; i++) {
    const n = counts.get(i);
    if (n !== undefined) out.set(i, n);
  }
  return out;
}

/**
 * Merge two lists sorted by `order` into one (stable: on a tie, `a`'s element first). Each of `b`'s few elements
 * finds its place in `a` by binary search, so merging an article into a list of thousands compares a few dozen
 * times instead of once per element (the comparators read counts and topic lists: not free).
 */
function mergeSorted<T>(a: readonly T[], b: readonly T[], order: (x: T, y: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  for (const x of b) {
    // The first element of a[i…] that x goes before.
    let lo = i;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order(x, a[mid] as T) < 0) hi = mid;
      else lo = mid + 1;
    }
    while (i < lo) out.push(a[i++] as T);
    out.push(x);
  }
  while (i < a.length) out.push(a[i++] as T);
  return out;
}

const personKey = (p: { name: string; org: string }): string => `${p.name}\u0000${p.org}`;

/** The person index after sections `first…` were appended: people they name get their sections again, new people are added. */
export function extendPeople(ctx: EngineContext, old: PersonIndex, first: number): PersonIndex {
  const added = addedRange(ctx, first);
  const named = (s: Section) => [...(s.speaker ? [s.speaker] : []), ...s.people].map(personKey);
  const affected = new Set(added.flatMap((i) => named(ctx.sections[i] as Section)));
  if (affected.size === 0) return old;
  const at = new Set(added);
  for (const e of old.people) if (affected.has(personKey(e.person))) for (const i of e.sections) at.add(i);
  const part = indexPeople(viewOf(ctx, [...at].sort((a, b) => a - b)));
  const renewed = new Map(part.people.map((e) => [personKey(e.person), e]));
  const known = new Set(old.people.map((e) => personKey(e.person)));
  const people = [
    ...old.people.map((e) => renewed.get(personKey(e.person)) ?? e),
    ...part.people.filter((e) => !known.has(personKey(e.person))),
  ];
  return { ...part, people, fuse: personTypos(people) };
}

/** The figure index after sections `first…` were appended: their figures after the others. */
export function extendFigures(ctx: EngineContext, old: FigureIndex, first: number): FigureIndex {
  const part = indexFigures(viewOf(ctx, addedRange(ctx, first)));
  // The part's readings were numbered from 0: number them after the others' and merge the two sorted lists.
  const values = mergeFigureValues(old.values, figureValues(part.figures, old.figures.length));
  // A list that gains figures is copied first, so the old index's lists stay as they were.
  const alike = new Map(old.alike);
  for (const [key, ns] of alikeFigures(new Map(), part.figures, old.figures.length)) alike.set(key, [...(alike.get(key) ?? []), ...ns]);
  return { ...old, figures: [...old.figures, ...part.figures], units: new Set([...old.units, ...part.units]), values, alike };
}
