// What every command answers from: the report's text index, the district resolver and the helpers that turn sections
// and sentences into results. Built once per report by createContext; each command module adds its own index on top.
import type { Answer, AnswerResult, AnswerStatus, Highlight, SearchCommand } from '../answer.ts';
import { DistrictResolver } from '../district-resolver.ts';
import type { EngineOptions } from '../engine.ts';
import type { Gazetteer } from '../gazetteer.ts';
import { foldersOf, type FoldChar } from '../normalize.ts';
import type { Figure, Person, Report, Section } from '../report.ts';
import { sectionTitle } from '../section-title.ts';
import { highlightExact, highlightTerms, sameStrings, termsAsWritten, TextIndex } from '../text-index.ts';
import { lowerBound, sortShort } from '../sorted.ts';

/** The per-report state every command answers from; read-only once built. */
export interface EngineContext {
  readonly opts: EngineOptions;
  readonly report: Report;
  readonly sections: Report['sections'];
  readonly fold: FoldChar;
  /** Text folded for matching (normalize with the engine's fold). */
  readonly fnorm: (text: string) => string;
  /** Text folded to a name key: also without spaces and punctuation. */
  readonly fkey: (text: string) => string;
  readonly resolver: DistrictResolver;
  readonly index: TextIndex;
  /** Districts some section names, in the gazetteer's order. */
  readonly coveredDistricts: readonly string[];
  /** Topic ids some section is tagged with. */
  readonly taggedTopics: ReadonlySet<string>;
  /** What an empty query gets, per command. */
  readonly usage: Readonly<Record<SearchCommand, string>>;
  /** Per article id, how a result names its article; empty while the report holds one article. */
  readonly articleLabels: ReadonlyMap<string, string>;
}

/**
 * Build the shared per-report state once: text index, resolver, covered districts and usage lines. With `from` (the
 * context of a report whose sections `report` starts with), only the sections after those are indexed.
 */
export function createContext(report: Report, gazetteer: Gazetteer, opts: EngineOptions, from?: EngineContext): EngineContext {
  const fold = opts.fold;
  const { norm: fnorm, key: fkey } = foldersOf(fold);
  const sections = report.sections;
  const resolver = from?.resolver ?? new DistrictResolver(gazetteer, opts.placeAliases, fold, opts.divisions);
  const added = from ? sections.slice(from.sections.length) : sections;
  // Headings, headlines and captions are searched too (`/search` a heading's words finds its section); they come after
  // the running text, so a section's first sentence is still its first body sentence.
  const index = from ? from.index.extend(added.map(searchedText)) : new TextIndex(sections.map(searchedText), fold);
  const articleLabels = new Map(report.articles.length > 1 ? report.articles.map((a) => [a.id, `${a.date ? `${a.date} ` : ''}《${a.title}》`]) : []);
  const named = new Set([...(from?.coveredDistricts ?? []), ...added.flatMap(districtsNamed)]);
  const coveredDistricts = resolver.districts.filter((d) => named.has(d));

  // Usage examples come from the report itself, so they always lead somewhere.
  const tagged: ReadonlySet<string> = new Set([...(from?.taggedTopics ?? []), ...added.flatMap((s) => s.topics)]);
  const firstFigure = sections.find((s) => s.figures.length > 0)?.figures[0];
  const exampleDistrict = resolver.shortName(coveredDistricts[0] ?? resolver.districts[0] ?? '');
  const examplePerson = sections.find((s) => s.speaker)?.speaker?.name ?? '';
  const exampleFigure = firstFigure?.text ?? '';
  const exampleTopic = report.topics.find((t) => tagged.has(t.id))?.name ?? report.topics[0]?.name ?? '';
  const exampleWords = firstFigure ? fkey(firstFigure.context).slice(0, 4) : exampleTopic;
  const usage: Readonly<Record<SearchCommand, string>> = Object.freeze({
    district: `用法：/district 区县名，例如 /district ${exampleDistrict}（也可以输入镇街、地标或拼音）`,
    topic: `用法：/topic 话题，例如 /topic ${exampleTopic}`,
    person: `用法：/person 姓名，例如 /person ${examplePerson}`,
    figures: `用法：/figures 数字或关键词，例如 /figures ${exampleFigure}`,
    search: `用法：/search 关键词，例如 /search ${exampleWords}`,
  });

  return { opts, report, sections, fold, fnorm, fkey, resolver, index, coveredDistricts, taggedTopics: tagged, usage, articleLabels };
}

/** What the index holds of a section: its running text, then what is printed with it (heading, headline, captions). */
export function searchedText(s: Section): string[] {
  const heading = s.heading ?? '';
  const headline = s.headline && !heading.includes(s.headline) ? [s.headline] : [];
  return [...s.paragraphs, ...(heading ? [heading] : []), ...headline, ...(s.captions ?? [])];
}

/** The districts a section names: its own and those of the places in it. */
export function districtsNamed(s: Section): string[] {
  return [...new Set<string>([...s.districts, ...s.places.flatMap((p) => (p.district ? [p.district] : []))])];
}

/** Section i of the report (i comes from the index, so it exists). */
export function sectionAt(ctx: EngineContext, i: number): Section {
  return ctx.sections[i] as Section;
}

/** Speakers' sections first, then the lead, then the rest: the tie-break when two sections rank alike. */
export function kindRank(s: Section | undefined): number {
  return s?.kind === 'speaker' ? 0 : s?.kind === 'lead' ? 1 : 2;
}

/** An answer with no results unless `extra` brings them. */
export function makeAnswer(command: SearchCommand, query: string, status: AnswerStatus, message: string, extra: Partial<Answer> = {}): Answer {
  return { command, query, status, resolved: null, message, suggestions: [], results: [], ...extra };
}

/** Per section, how many sentences contain any of `terms` (phrase lookups in the index, no text scan). */
export function sentenceCounts(ctx: EngineContext, terms: Iterable<string>): Map<number, number> {
  const seen = new Set<number>();
  const counts = new Map<number, number>();
  for (const term of terms) {
    for (const sentence of ctx.index.sentencesWith(term)) {
      if (seen.has(sentence)) continue;
      seen.add(sentence);
      const sec = ctx.index.sectionOf(sentence);
      counts.set(sec, (counts.get(sec) ?? 0) + 1);
    }
  }
  return counts;
}

/** Sentences of section i containing any of `terms`, most terms first. */
export function sentencesMentioning(ctx: EngineContext, i: number, terms: readonly string[]): number[] {
  const [from, to] = ctx.index.sentencesOf(i);
  // `around`: 1 for a heading or caption, asked once per sentence rather than at every comparison of the sort.
  const scored: { id: number; n: number; around: number }[] = [];
  const score = (id: number): void => {
    const t = matchedText(ctx, id, terms);
    let n = 0;
    for (const term of terms) if (term && t.includes(term)) n++;
    if (n > 0) scored.push({ id, n, around: Number(isAround(ctx, id)) });
  };
  const lists = mentionLists(ctx, terms);
  if (lists) {
    // Only the sentences that hold a term's bigrams can hold the term. For a term of two letters that is the same
    // thing (its one bigram is two letters side by side in the folded text); a longer one is checked in the text.
    // Per sentence of the section (at id - from): how many terms it holds, and its text as matched once read.
    const span = to - from;
    if (mentionCounts.length < span) mentionCounts = new Int32Array(Math.max(span, 2 * mentionCounts.length));
    if (mentionTexts.length < span) mentionTexts.length = span;
    for (const { term, ids } of lists) {
      for (let k = lowerBound(ids, from); k < ids.length && ids[k]! < to; k++) {
        const id = ids[k]!;
        if (term.length > 2) {
          let t = mentionTexts[id - from];
          if (t === undefined) mentionTexts[id - from] = t = matchedText(ctx, id, terms);
          if (!t.includes(term)) continue;
        }
        mentionCounts[id - from]!++;
      }
    }
    for (let k = 0; k < span; k++) {
      const n = mentionCounts[k]!;
      if (n > 0) scored.push({ id: from + k, n, around: Number(isAround(ctx, from + k)) });
      mentionCounts[k] = 0;
      mentionTexts[k] = undefined;
    }
  } else {
    for (let id = from; id < to; id++) score(id);
  }
  // The running text first: a heading or caption is already shown with the result.
  sortShort(scored, (a, b) => a.around - b.around || b.n - a.n || a.id - b.id);
  return scored.map((x) => x.id);
}

/**
 * Work arrays of `sentencesMentioning`, kept between calls and left cleared: a section's count and text per sentence
 * without two Maps made per section shown (a topic answer shows a dozen sections).
 */
let mentionCounts = new Int32Array(256);
const mentionTexts: (string | undefined)[] = [];

/** What folded `terms` are looked for in, in sentence `id`: its text where that finds them where its fold would, else its fold. */
function matchedText(ctx: EngineContext, id: number, terms: readonly string[]): string {
  const text = ctx.index.sentenceText(id);
  return termsAsWritten(terms, ctx.fold) && ctx.index.wordsAsWritten(id) ? text : ctx.fnorm(text);
}

/** A term's sentence list is read instead of its results' sections while it holds at most this many postings. */
const MENTION_LIST_POSTINGS = 4000;

type MentionLists = { term: string; ids: number[] }[] | null;

/** The lists of the last terms asked: an answer asks the same terms of each of its results. */
let lastMentions: { index: TextIndex; terms: readonly string[]; lists: MentionLists } | null = null;

/**
 * Per index, the lists of term lists that live as long as it (a topic's terms): decoded once, not at every /topic.
 * Keyed by the list itself, so lists made for one answer (a person's name) are never kept.
 */
const keptMentions = new WeakMap<TextIndex, WeakMap<readonly string[], MentionLists>>();

/**
 * Per term, the sentences holding all its bigrams (`sentencesWith`), a superset of those whose folded text holds it,
 * when every term is two or more letters already folded (no digit or separator rule can join what the text does
 * not) and none is common enough that listing it costs more than reading a few sections; else null.
 */
function mentionLists(ctx: EngineContext, terms: readonly string[]): MentionLists {
  if (lastMentions && lastMentions.index === ctx.index && sameStrings(lastMentions.terms, terms)) return lastMentions.lists;
  const kept = keptMentions.get(ctx.index)?.get(terms);
  if (kept !== undefined) return (lastMentions = { index: ctx.index, terms: [...terms], lists: kept }).lists;
  const listable = terms.every((t) => t === '' || (/^\p{L}{2,}$/u.test(t) && ctx.fnorm(t) === t && ctx.index.termPostings(t) <= MENTION_LIST_POSTINGS));
  // Each distinct term once, as the scan counts it (a term listed twice counts twice there, and does here).
  const lists = listable ? terms.filter(Boolean).map((term) => ({ term, ids: ctx.index.sentencesWith(term) })) : null;
  lastMentions = { index: ctx.index, terms: [...terms], lists };
  return lists;
}

/** Keep the sentence lists of `terms` (a list that lives as long as the index, such as a topic's) for later answers. */
export function keepMentionLists(ctx: EngineContext, terms: readonly string[]): void {
  let byTerms = keptMentions.get(ctx.index);
  if (!byTerms) keptMentions.set(ctx.index, (byTerms = new WeakMap()));
  if (!byTerms.has(terms)) byTerms.set(terms, mentionLists(ctx, terms));
}


/** Sentence `id` is from a heading, headline or caption (indexed after the section's running text), not a paragraph. */
export function isAround(ctx: EngineContext, id: number): boolean {
  return ctx.index.paragraphIndex(id) >= (ctx.sections[ctx.index.sectionOf(id)]?.paragraphs.length ?? 0);
}

/** Sentences holding every word of `q` verbatim (after folding; punctuation ignored): the fallback when no entity matches. */
export function sentencesHoldingWords(ctx: EngineContext, q: string): number[] {
  const { words, candidates, holds } = wordsTest(ctx, q);
  return words.length === 0 ? [] : candidates.filter(holds);
}

/** How many sections hold `sentencesHoldingWords(ctx, q)`: the sentences of a section already counted are not read. */
export function sectionsHoldingWords(ctx: EngineContext, q: string): number {
  const { words, candidates, holds } = wordsTest(ctx, q);
  if (words.length === 0) return 0;
  let count = 0;
  let last = -1;
  // Candidates ascend, so a section's sentences come together.
  for (const id of candidates) {
    const sec = ctx.index.sectionOf(id);
    if (sec !== last && holds(id)) {
      count++;
      last = sec;
    }
  }
  return count;
}

/** The folded words of `q`, the sentences holding the first one's bigrams, and the test that a sentence holds them all. */
function wordsTest(ctx: EngineContext, q: string): { words: string[]; candidates: number[]; holds: (id: number) => boolean } {
  const { index, fkey } = ctx;
  const words = ctx.fnorm(q).split(/\s+/u).map(fkey).filter(Boolean);
  const [first] = words;
  const holds = (id: number): boolean => {
    // The text as written first; folding (the slow part) only when that fails.
    const text = index.sentenceText(id);
    const lower = text.toLowerCase();
    if (words.every((w) => lower.includes(w))) return true;
    const t = fkey(text);
    return words.every((w) => t.includes(w));
  };
  return { words, candidates: first ? index.sentencesWith(first) : [], holds };
}

/** Per index, per sentence shown, the figures of its section it shows (worked out once: a section may hold dozens). */
const figuresBySentence = new WeakMap<TextIndex, Map<number, readonly Figure[]>>();
const NO_FIGURES: readonly Figure[] = Object.freeze([]);

/** The figures of section `s` that sentences `ids` (with `texts`) show: a figure's sentence is one of them, or holds one. */
function figuresShown(ctx: EngineContext, s: Section, ids: readonly number[], texts: readonly string[]): Figure[] {
  if (s.figures.length === 0) return [];
  let known = figuresBySentence.get(ctx.index);
  if (!known) figuresBySentence.set(ctx.index, (known = new Map()));
  // Each shown sentence's figures (worked out once per sentence), then the section's figures any of them shows, in
  // the section's order: loops, not a list of lists and a closure per figure, on every result's path.
  let any = false;
  for (let k = 0; k < ids.length; k++) {
    let figs = known.get(ids[k]!);
    if (!figs) {
      const t = texts[k]!;
      const shown = s.figures.filter((f) => t.includes(f.context) || f.context.includes(t));
      known.set(ids[k]!, (figs = shown.length > 0 ? shown : NO_FIGURES));
    }
    shownLists[k] = figs;
    any ||= figs.length > 0;
  }
  const out: Figure[] = [];
  if (any) {
    for (const f of s.figures) {
      for (let k = 0; k < ids.length; k++) {
        if (shownLists[k]!.includes(f)) {
          out.push(f);
          break;
        }
      }
    }
  }
  shownLists.length = 0;
  return out;
}
/** Work list of `figuresShown` (each shown sentence's figures), emptied after each call. */
const shownLists: (readonly Figure[])[] = [];

export interface ResultOptions {
  /** `exact`: mark verbatim occurrences (names, synonyms, figures); `bigram`: mark any run of query bigrams. */
  mark: 'exact' | 'bigram';
  figures?: Figure[];
  speaker?: Person | null;
}

/** A result for section i showing the given sentences (best first in, document order out), with `terms` marked. */
export function makeResult(ctx: EngineContext, i: number, score: number, sentenceIds: number[], terms: readonly string[], o: ResultOptions): AnswerResult {
  const clock = ctx.opts.excerptClock;
  if (!clock) return buildResult(ctx, i, score, sentenceIds, terms, o);
  const t = performance.now();
  const result = buildResult(ctx, i, score, sentenceIds, terms, o);
  clock.ms += performance.now() - t;
  return result;
}

function buildResult(ctx: EngineContext, i: number, score: number, sentenceIds: number[], terms: readonly string[], o: ResultOptions): AnswerResult {
  const { index } = ctx;
  const shownFigures = o.figures;
  const speaker = o.speaker;
  const s = sectionAt(ctx, i);
  const [from] = index.sentencesOf(i);
  // The first few sentences given, each once. A heading or caption only when nothing in the running text matched:
  // otherwise it would be shown twice. Read only as far as needed: a common word's section gives dozens.
  const max = ctx.opts.maxExcerptSentences;
  let ids: number[] = [];
  const around: number[] = [];
  for (const id of sentenceIds) {
    if (ids.length >= max) break;
    if (!isAround(ctx, id)) {
      if (!ids.includes(id)) ids.push(id);
    } else if (around.length < max && !around.includes(id)) around.push(id);
  }
  if (ids.length === 0) ids = around;
  sortShort(ids, (a, b) => a - b);
  if (ids.length === 0) ids = [from];
  const highlights: Highlight[] = [];
  const texts: string[] = [];
  // The excerpt's pieces joined once at the end: `+=` would leave a rope that rendering must flatten.
  const pieces: string[] = [];
  let length = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    const text = index.sentenceText(id);
    texts.push(text);
    if (k > 0 && id !== ids[k - 1]! + 1) {
      pieces.push(' … ');
      length += 3;
    }
    const marks = o.mark === 'exact' ? highlightExact(text, terms, ctx.fold, index.wordsAsWritten(id)) : highlightTerms(text, terms, ctx.fold);
    for (const m of marks) {
      m[0] += length;
      m[1] += length;
      highlights.push(m);
    }
    pieces.push(text);
    length += text.length;
  }
  const result: AnswerResult = {
    sectionId: s.id,
    score,
    speaker: speaker === undefined ? s.speaker : speaker,
    headline: s.headline,
    excerpt: pieces.length === 1 ? pieces[0]! : pieces.join(''),
    highlights,
    figures: shownFigures ?? figuresShown(ctx, s, ids, texts),
  };
  const title = titleOf(ctx, s);
  if (title) result.title = title;
  const article = ctx.articleLabels.get(s.articleId);
  if (article !== undefined) result.article = article;
  return result;
}

/** A section's title (sectionTitle), worked out once per section and report. */
function titleOf(ctx: EngineContext, s: Section): string | null {
  let titles = titlesByReport.get(ctx.report);
  if (!titles) titlesByReport.set(ctx.report, (titles = new WeakMap()));
  let title = titles.get(s);
  if (title === undefined) titles.set(s, (title = sectionTitle(s, ctx.report.topics)));
  return title;
}
const titlesByReport = new WeakMap<Report, WeakMap<Section, string | null>>();
