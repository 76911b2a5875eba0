// /search: full text over sentences, a pasted passage by paragraph, and looser matches when nothing is close enough.
import type { Answer, SearchCommand } from '../answer.ts';
import { sentenceRanges } from '../sentences.ts';
import type { UnitHit } from '../text-index.ts';
import { makeAnswer, makeResult, type EngineContext } from './context.ts';
import { sortedHas, sortShort } from '../sorted.ts';

/** A pasted passage is placed by this many of its rarest bigrams (the paragraph it came from holds them all). */
const PASSAGE_BIGRAMS = 32;

/** Sentences of a full-text search re-ranked by their words: the best this many by coverage. */
const SHORTLIST = 200;

/** Loose matching of a short query by its characters: the idf-weighted share of them a sentence must hold. */
const LOOSE_CHAR_COVERAGE = 0.55;

/** A section ranked for a full-text query, with the sentences to show from it (computed only for shown results). */
interface Ranked {
  sec: number;
  score: number;
  ids: () => number[];
  /** For a query of several words, which of them (bit k for word k) the section's matching sentences hold. */
  held?: number;
}

/** Ranked sections, how many sections matched, and whether collection stopped early (so `total` is a lower bound). */
interface Found {
  ranked: Ranked[];
  total: number;
  capped: boolean;
}


/** Answer a full-text query; `command` names the answer when another command falls back to full text. */
export function answerSearch(ctx: EngineContext, q: string, command: SearchCommand = 'search'): Answer {
  const { opts } = ctx;
  const topicNames = (): string[] => ctx.report.topics.map((t) => t.name);
  const terms = ctx.fnorm(q).split(/\s+/u).filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (terms.length === 0) {
    return makeAnswer(command, q, 'no_match', `“${q}”里没有可以搜索的文字。${ctx.usage.search}`, { suggestions: topicNames() });
  }
  const query = terms.join(' ');
  // A pasted passage of several sentences is scored per paragraph (or per section, when it spans paragraphs):
  // per sentence, each of its sentences covers only a share of it and the paste would never reach the threshold.
  const passage = sentenceRanges(q).length >= 2;
  let found: Found = passage ? passageHits(ctx, query, opts.minCoverage) : { ranked: [], total: 0, capped: false };
  if (found.total === 0) found = sentenceHits(ctx, query, terms, opts.minCoverage);
  // Nothing close enough: accept looser matches (a phrase the text words differently), and say so.
  const loose = found.total === 0;
  if (loose) {
    // Short queries: their characters, rare ones weighing more, at least half of them and two present
    // (`侧面相撞` finds `侧碰…碰撞` by 侧 and 撞); long ones: fewer bigrams.
    const chars = [...new Set([...query].filter((c) => /[\p{L}\p{N}]/u.test(c)))];
    found =
      chars.length <= 12
        ? sentenceHits(ctx, chars.join(' '), terms, LOOSE_CHAR_COVERAGE, Math.max(2, Math.ceil(chars.length / 2)))
        : passage
          ? passageHits(ctx, query, opts.minCoverage * 0.6)
          : sentenceHits(ctx, query, terms, opts.minCoverage * 0.6);
  }
  if (found.total === 0) {
    return makeAnswer(command, q, 'no_match', `报道中没有找到“${q}”。可以换个说法，或试试 /topic、/district、/person。`, { suggestions: topicNames() });
  }
  const results = found.ranked.slice(0, opts.maxResults).map((r) => makeResult(ctx, r.sec, r.score, r.ids(), terms, { mark: 'bigram' }));
  const prefix = loose ? `没有完全相符的内容，以下是相近的结果。` : '';
  // Collection stopped early for very common words (`的`): the count is a lower bound, and says so.
  const count = found.capped ? `至少有 ${found.total}` : `有 ${found.total}`;
  const partial = loose ? null : partialMatch(terms, found.ranked, count);
  return makeAnswer(command, q, 'ok', partial?.message ?? `${prefix}“${q}”：报道中${count} 段相关内容。`, {
    resolved: { kind: 'text', id: query, label: q },
    results,
    ...(loose || partial?.none ? { approximate: true } : {}),
  });
}

/**
 * For a query of several words where some sections hold only some of them: a message that says so. When none holds
 * them all, which words did match (`只匹配到“潼南”`, and the answer is approximate); else how many hold them all (they
 * are ranked first). Null when every section holds every word, or the query is one word.
 */
function partialMatch(terms: readonly string[], ranked: readonly Ranked[], count: string): { message: string; none: boolean } | null {
  // A pasted passage is placed as a whole (no `held`): its line breaks do not make it several words.
  if (terms.length < 2 || terms.length > 30 || ranked.some((r) => r.held === undefined)) return null;
  const all = 2 ** terms.length - 1;
  const full = ranked.filter((r) => r.held === all).length;
  if (full === ranked.length) return null;
  const quoted = (ts: readonly string[]): string => ts.map((t) => `“${t}”`).join('、');
  if (full === 0) {
    const union = ranked.reduce((u, r) => u | (r.held ?? 0), 0);
    const matched = terms.filter((_, k) => union & (2 ** k));
    const missing = terms.filter((_, k) => !(union & (2 ** k)));
    const which = missing.length > 0 ? `只匹配到${quoted(matched)}（没有同时提到${quoted(missing)}的内容）` : `没有同时提到${quoted(terms)}的段落，以下段落各提到其中一部分`;
    return { message: `${which}：报道中${count} 段相关内容。`, none: true };
  }
  return { message: `“${terms.join(' ')}”：报道中${count} 段相关内容，其中 ${full} 段同时提到${quoted(terms)}（排在前面），其余只提到部分词语。`, none: false };
}

/** Sections holding sentences that cover `query` by at least `min`, re-ranked: whole terms found verbatim beat scattered bigrams. */
function sentenceHits(ctx: EngineContext, query: string, terms: readonly string[], min: number, minMatched = 0): Found {
  const { index, fkey } = ctx;
  const { hits, capped } = index.searchUnits(query, 'sentence', { minCoverage: min, minMatched, maxCandidates: ctx.opts.maxCandidates, groupMasks: true, sortFirst: SHORTLIST });
  if (hits.length === 0) return { ranked: [], total: 0, capped: false };
  const shortlist = hits.length > SHORTLIST ? hits.slice(0, SHORTLIST) : hits;
  const keyTerms = terms.map(fkey).filter(Boolean);
  const queryChars = [...new Set([...keyTerms.join('')])];
  // Whether a sentence holds each whole term. One character (whose sentences may be most of the report): from the
  // shortlisted sentence's text. Several: from which of the query's bigrams the hit holds (it came with the hit), or
  // else the sentence's own bigrams; the same test as the term's posting list, which for an everyday word on a large
  // report would be most of the report to decode.
  const bigramsOf = new Map<number, Set<number>>();
  const sentenceBigrams = (id: number): Set<number> => {
    let set = bigramsOf.get(id);
    if (!set) bigramsOf.set(id, (set = index.sentenceBigrams(id)));
    return set;
  };
  const holding = keyTerms.map((t): ((h: UnitHit) => boolean) => {
    if ([...t].length === 1) {
      return ({ unit: id }) => {
        const text = index.sentenceText(id);
        return text.includes(t) || fkey(text).includes(t);
      };
    }
    // Which of the query's bigrams each hit holds came with it: a term is held when all of its bigrams are.
    const mask = index.termMask(query, t);
    if (mask === -1) return () => false;
    if (mask !== null && shortlist.every((h) => h.groups !== undefined)) return (h) => ((h.groups ?? 0) & mask) === mask;
    const bigrams = [...new Set(index.termBigrams(t))];
    if (bigrams.includes(-1)) return () => false;
    // A rare term's sentences are cheaper to list than the shortlist's sentences are to fold (`整车进口` read by its
    // characters); an everyday word's are not.
    if (bigrams.length > 0 && index.termPostings(t) > 16 * shortlist.length) return ({ unit: id }) => bigrams.every((b) => sentenceBigrams(id).has(b));
    const list = index.sentencesWith(t);
    return ({ unit: id }) => sortedHas(list, id);
  });
  const perSection = new Map<number, { score: number; held: number; ids: { id: number; score: number }[] }>();
  for (const h of shortlist) {
    let held = 0;
    let holds = 0;
    for (let k = 0; k < holding.length; k++) {
      if (!holding[k]!(h)) continue;
      held |= 2 ** k;
      holds++;
    }
    const phrase = holds / Math.max(1, keyTerms.length);
    let chars = 1;
    if (phrase < 1) {
      // Folded, not stripped to a name key: the query's characters are letters and digits, which stripping keeps.
      const text = ctx.fnorm(index.sentenceText(h.unit));
      chars = queryChars.filter((c) => text.includes(c)).length / Math.max(1, queryChars.length);
    }
    const score = h.coverage + 0.5 * phrase + 0.2 * chars;
    const sec = index.sectionOf(h.unit);
    const entry = perSection.get(sec) ?? { score: 0, held: 0, ids: [] };
    entry.ids.push({ id: h.unit, score });
    entry.score = Math.max(entry.score, score);
    entry.held |= held;
    perSection.set(sec, entry);
  }
  // Several words: a section holding every one of them (in one sentence or across its sentences) comes first. A
  // word its matching sentences lack may be elsewhere in it (`潼南` in the sentence before the one about `柠檬`).
  const all = 2 ** keyTerms.length - 1;
  const several = keyTerms.length >= 2 && keyTerms.length <= 30;
  if (several) {
    keyTerms.forEach((t, k) => {
      const bit = 2 ** k;
      const lacking = [...perSection].filter(([, e]) => !(e.held & bit));
      if (lacking.length === 0) return;
      const sections = [...t].length > 1 ? new Set(index.sentencesWith(t).map((id) => index.sectionOf(id))) : null;
      for (const [sec, e] of lacking) if (sections ? sections.has(sec) : sectionHoldsChar(ctx, sec, t)) e.held |= bit;
    });
  }
  const ranked = [...perSection.entries()]
    .map(([sec, e]) => {
      const ids = sortShort(e.ids, (a, b) => b.score - a.score).map((x) => x.id);
      const whole = several && e.held === all ? 1 : 0;
      return { sec, score: e.score + 0.02 * Math.min(3, e.ids.length - 1) + whole, ids: () => ids, held: e.held };
    })
    .sort((a, b) => b.score - a.score || a.sec - b.sec);
  return { ranked, total: sectionCount(ctx, hits), capped };
}

/** How many sections the hit sentences are in. */
function sectionCount(ctx: EngineContext, hits: readonly { unit: number }[]): number {
  const seen = new Uint8Array(ctx.sections.length);
  let n = 0;
  for (const h of hits) {
    const sec = ctx.index.sectionOf(h.unit);
    if (seen[sec] === 0) {
      seen[sec] = 1;
      n++;
    }
  }
  return n;
}

/** Whether a sentence of section `sec` holds the one character `c` (as written or folded). */
function sectionHoldsChar(ctx: EngineContext, sec: number, c: string): boolean {
  const [from, to] = ctx.index.sentencesOf(sec);
  for (let id = from; id < to; id++) {
    const text = ctx.index.sentenceText(id);
    if (text.includes(c) || ctx.fkey(text).includes(c)) return true;
  }
  return false;
}

/** Sections ranked by their best paragraph's coverage of a pasted passage; a section holding all of it first. */
function passageHits(ctx: EngineContext, query: string, min: number): Found {
  const { index } = ctx;
  // The sentences a result shows: those of the unit most of which is in the passage (an exact paste: its first ones).
  const pick = (from: number, to: number): number[] => {
    const scored: { id: number; inPassage: number }[] = [];
    for (let id = from; id < to; id++) {
      const o = index.overlap(id, query);
      if (o.ofQuery > 0) scored.push({ id, inPassage: o.ofSentence });
    }
    return scored.sort((a, b) => b.inPassage - a.inPassage || a.id - b.id).map((x) => x.id);
  };
  const ranked = new Map<number, Ranked>();
  const bounds = { maxCandidates: ctx.opts.maxCandidates, maxGroups: PASSAGE_BIGRAMS };
  const paragraphs = index.searchUnits(query, 'paragraph', { minCoverage: min, ...bounds });
  const paragraphHits = paragraphs.hits;
  let capped = paragraphs.capped;
  if ((paragraphHits[0]?.coverage ?? 0) < 1) {
    // Copied across a paragraph break: a section that holds all of it comes first.
    const sections = index.searchUnits(query, 'section', { minCoverage: 1, ...bounds });
    capped ||= sections.capped;
    for (const h of sections.hits) {
      ranked.set(h.unit, { sec: h.unit, score: h.coverage, ids: () => pick(...index.sentencesOf(h.unit)) });
    }
  }
  for (const h of paragraphHits) {
    const sec = index.sectionOfParagraph(h.unit);
    if (!ranked.has(sec)) ranked.set(sec, { sec, score: h.coverage, ids: () => pick(...index.paragraphSentences(h.unit)) });
  }
  return { ranked: [...ranked.values()], total: ranked.size, capped };
}
