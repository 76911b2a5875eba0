// The search engine's façade: options, the query guard, and routing each command to its module in answers/.
import type { Answer, SearchCommand } from './answer.ts';
import { createContext, makeAnswer, type EngineContext } from './answers/context.ts';
import { answerDistrict, indexDistricts, type DistrictIndex } from './answers/district.ts';
import { addedSectionsIndex, extendDistricts, extendFigures, extendPeople, extendTopics } from './answers/extend.ts';
import { answerFigures, indexFigures, type FigureIndex } from './answers/figures.ts';
import { answerPerson, indexPeople, type PersonIndex } from './answers/person.ts';
import { answerSearch } from './answers/search.ts';
import { answerTopic, indexTopics, resolveTopic, type TopicIndex } from './answers/topic.ts';
import type { DivisionIndex } from './divisions.ts';
import type { Gazetteer, PlaceAlias } from './gazetteer.ts';
import { foldChar, type FoldChar } from './normalize.ts';
import type { Report } from './report.ts';
import { graphemes } from './graphemes.ts';

/** Tunables of the search engine; defaults in DEFAULT_ENGINE_OPTIONS. */
export interface EngineOptions {
  /** Queries longer than this (in characters) are cut before answering. */
  maxQueryLength: number;
  /** Most results one answer carries. */
  maxResults: number;
  /** Most sentences joined into one result's excerpt. */
  maxExcerptSentences: number;
  /** Smallest share of a query's weighted bigrams a sentence must contain to be a full-text hit. */
  minCoverage: number;
  /**
   * Most sentences (or paragraphs) a full-text search collects as candidates. Rare bigrams choose them, so this only
   * bites when every word of the query is very common (`的` on a thousand reports): it bounds the time such a query takes.
   */
  maxCandidates: number;
  /** Landmark aliases (data/place-aliases.json), mapped to districts. */
  placeAliases: readonly PlaceAlias[];
  /**
   * Every division of China (data/china-divisions.json), so `/district 成都` answers; without it such places are only
   * named. A function is called once, when a query first looks past Chongqing (a start need not build the index).
   */
  divisions?: DivisionIndex | (() => DivisionIndex);
  /** How text and queries are folded before matching, one character at a time (default: NFKC, 繁→简, lower-case). */
  fold: FoldChar;
  /** Hears about a bug caught while answering (the user gets a sentence instead); adapters log it. */
  onError: (err: unknown, command: SearchCommand, query: string) => void;
  /**
   * Answers an engine keeps, most recently asked first (0: none). An engine answers one report snapshot and never
   * changes, so an answer asked again (page 2 of the same query, inline mode as a user types, a popular word) is
   * the same answer; an added article makes a new engine with an empty cache.
   */
  answerCacheSize: number;
  /** When set, building excerpts adds its milliseconds here, so a benchmark can say where an answer's time goes. */
  excerptClock?: { ms: number };
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  maxQueryLength: 200,
  maxResults: 20,
  maxExcerptSentences: 3,
  minCoverage: 0.5,
  maxCandidates: 5000,
  placeAliases: [],
  fold: foldChar,
  onError: () => {},
  answerCacheSize: 256,
});

export interface ResolvedFilter {
  kind: 'district' | 'topic';
  id: string;
  label: string;
}

export interface Engine {
  /**
   * Answer one search command; never throws on user input (empty, huge, HTML, emoji, control chars).
   * `maxResults` overrides the engine's own cap for this call (inline mode pages through more than a chat shows).
   */
  answer(command: SearchCommand, query: string, maxResults?: number): Answer;
  /** Resolve a digest filter (`潼南`, `就业`, `tongnan`, `開州`) to a Chongqing district or a topic, covered yet or not; else null. */
  resolveFilter(query: string): ResolvedFilter | null;
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** Characters that are each one grapheme and never noise: printable ASCII, whitespace, Latin, CJK, full-width forms. */
const PLAIN_TEXT = /^[\t\n\r\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u3000-\u3029\u3030-\u3098\u309b-\u9fff\uff00-\uffef]*$/u;

/** Trim, turn control characters and runs of space into one space, and cut to `max` characters (by grapheme, so emoji such as 👨‍👩‍👧 are never split). */
export function cleanQuery(query: string, max: number): string {
  // Fast path: plain text (ASCII, Latin, CJK, full-width forms; no emoji, combining or format characters) has one
  // grapheme per code unit, so whitespace folding and a slice give the same result as segmenting.
  const prefix = query.slice(0, max * 4);
  if (PLAIN_TEXT.test(prefix)) {
    const folded = prefix.replace(/\s+/gu, ' ').replace(/^ /u, '');
    if (folded.length >= max || prefix.length === query.length) return folded.slice(0, max).trim();
  }
  let out = '';
  let count = 0;
  // Lazily, grapheme by grapheme, so a 20,000-character paste costs only the first `max`.
  for (const { segment } of graphemes(query)) {
    if (count >= max) break;
    // Joiners and tag characters inside an emoji are part of it (👨‍👩‍👧, 🏴 flags); elsewhere format characters are noise.
    let clean = (EMOJI.test(segment) ? segment : segment.replace(/[\p{Cc}\p{Cf}]+/gu, ' ')).replace(/\s+/gu, ' ');
    if (clean.startsWith(' ') && (out === '' || out.endsWith(' '))) clean = clean.slice(1);
    if (clean === '') continue;
    out += clean;
    count += 1;
  }
  return out.trim();
}

/** Build the search indexes over a report once; the returned engine answers commands synchronously. */
export function createEngine(report: Report, gazetteer: Gazetteer, options?: Partial<EngineOptions>): Engine {
  const opts: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  // The shared state first, then each command's own index over it.
  const ctx = createContext(report, gazetteer, opts);
  return engineOver({ gazetteer, ctx, districts: indexDistricts(ctx), topics: indexTopics(ctx), people: indexPeople(ctx), figures: indexFigures(ctx) });
}

/** Everything an engine answers from. */
interface EngineState {
  gazetteer: Gazetteer;
  ctx: EngineContext;
  districts: DistrictIndex;
  topics: TopicIndex;
  people: PersonIndex;
  figures: FigureIndex;
}

/** True when `next` is `prev` with sections appended (same objects) and the same taxonomy. */
function appends(prev: Report, next: Report): boolean {
  const n = prev.sections.length;
  if (next.sections.length < n) return false;
  for (let i = 0; i < n; i++) if (next.sections[i] !== prev.sections[i]) return false;
  return next.topics === prev.topics || JSON.stringify(next.topics) === JSON.stringify(prev.topics);
}

function engineOver(state: EngineState): Engine {
  const { ctx, districts, topics, people, figures } = state;
  const opts = ctx.opts;

  // Routes over the context it is given: the shared one, or a copy with this call's options.
  function route(ctx: EngineContext, command: SearchCommand, q: string): Answer {
    switch (command) {
      case 'district':
        return answerDistrict(ctx, districts, q);
      case 'topic':
        return answerTopic(ctx, topics, q);
      case 'person':
        return answerPerson(ctx, people, q);
      case 'figures':
        return answerFigures(ctx, figures, q);
      case 'search':
        return answerSearch(ctx, q);
      default:
        // Only reachable from untyped callers; answer as a search rather than return nothing.
        return answerSearch(ctx, q);
    }
  }

  function answerUnsafe(command: SearchCommand, raw: string, maxResults?: number): Answer {
    const q = cleanQuery(raw, opts.maxQueryLength);
    if (!q) return makeAnswer(command, q, 'usage', ctx.usage[command]);
    // Another cap for this call only: the same shared state, other options (a shallow copy, nothing rebuilt).
    const callCtx = maxResults && maxResults > 0 && maxResults !== opts.maxResults ? { ...ctx, opts: { ...opts, maxResults } } : ctx;
    const answer = route(callCtx, command, q);
    // Say that a very long query was cut, so a surprising answer has an explanation.
    // Two characters past the limit tell (one may be a space that trims away), without segmenting the whole paste.
    const cut = cleanQuery(raw, opts.maxQueryLength + 2) !== q;
    return cut ? { ...answer, message: `（查询太长，只用了前 ${opts.maxQueryLength} 个字。）${answer.message}` } : answer;
  }

  const cache = new AnswerCache(opts.answerCacheSize);
  const answerFresh = (command: SearchCommand, query: string, maxResults?: number): Answer => {
    try {
      return answerUnsafe(command, query, maxResults);
    } catch (err) {
      // A bug must not take the bot down: the user gets a sentence (tests fail on it), the operator the error.
      opts.onError(err, command, String(query).slice(0, 200));
      return makeAnswer(command, cleanQuery(String(query), opts.maxQueryLength), 'no_match', '内部错误，请换个说法再试。');
    }
  };
  const engine: Engine = {
    answer(command, query, maxResults) {
      let key: string;
      try {
        // Keyed by the query as answered (cut to the query limit), so a long paste asked again is found too.
        key = `${command}\u0000${maxResults ?? ''}\u0000${cleanQuery(String(query), opts.maxQueryLength + 2)}`;
      } catch {
        return answerFresh(command, query, maxResults);
      }
      const cached = cache.get(key);
      if (cached) return cached;
      const answer = answerFresh(command, query, maxResults);
      cache.set(key, answer);
      return answer;
    },
    resolveFilter(query) {
      const q = cleanQuery(query, opts.maxQueryLength);
      if (!q) return null;
      // Any Chongqing district and any topic of the taxonomy, covered yet or not: the report grows while the bot
      // runs, and a subscription (an alert above all) may be waiting for the first article about it. A district no
      // article covers only by a name typed right: a guess (a typo, a homophone) could wait for ever on the wrong one.
      // A phrase of several words that merely contains a district (`潼南 就业`) is read word by word, not as it.
      const m = ctx.resolver.resolve(q);
      if (m.status === 'found') {
        const covered = districts.sections.has(m.place.district);
        const typedRight = m.how === 'exact' || m.how === 'former' || m.how === 'pinyin';
        const whole = m.how !== 'contains' || !/\s/u.test(q);
        if (whole && (covered || typedRight)) return { kind: 'district', id: m.place.district, label: m.place.district };
      }
      const t = resolveTopic(ctx, topics, q);
      if (t) return { kind: 'topic', id: t.id, label: t.name };
      return null;
    },
  };
  STATES.set(engine, state);
  FRESH.set(engine, answerFresh);
  return engine;
}

/** Each engine's answering without its answer cache. */
const FRESH = new WeakMap<Engine, (command: SearchCommand, query: string) => Answer>();

/**
 * `engine.answer` without the answer cache, neither read nor filled: for warming the code up (core/warm-up.ts), where
 * answers kept would push out those users asked for.
 */
export function answerUncached(engine: Engine): (command: SearchCommand, query: string) => Answer {
  const fresh = FRESH.get(engine);
  if (!fresh) throw new Error('answerUncached: the engine was not made by createEngine');
  return fresh;
}

/**
 * The last `size` answers by command, cap and query as typed, least recently asked dropped first (a Map keeps
 * insertion order, so a hit moves to the end). Answers are frozen: one object is handed to every caller asking.
 */
class AnswerCache {
  private readonly map = new Map<string, Answer>();
  constructor(private readonly size: number) {}

  get(key: string): Answer | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, answer: Answer): void {
    if (this.size <= 0) return;
    if (this.map.size >= this.size) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, freezeAnswer(answer));
  }
}

/** Freeze an answer and what it holds, so a caller changing a shared answer fails loudly instead of changing it for the next. */
function freezeAnswer(answer: Answer): Answer {
  for (const r of answer.results) {
    for (const h of r.highlights) Object.freeze(h);
    Object.freeze(r.highlights);
    Object.freeze(r);
  }
  Object.freeze(answer.results);
  Object.freeze(answer.suggestions);
  if (answer.resolved) Object.freeze(answer.resolved);
  return Object.freeze(answer);
}

/** What each engine made here answers from, so `extendEngine` can build on it. */
const STATES = new WeakMap<Engine, EngineState>();

/**
 * A new engine over `next`, whose sections are `engine`'s followed by more (an article added): only the new sections
 * are indexed and only the entries they touch are ranked again, so it costs the article, not the corpus; `engine` is
 * left as it was. Any other report (sections removed or changed, another taxonomy) is built afresh.
 */
export function extendEngine(engine: Engine, next: Report): Engine {
  const state = STATES.get(engine);
  if (!state) throw new Error('extendEngine: the engine was not made by createEngine');
  const { ctx, districts, topics, people, figures } = state;
  if (!appends(ctx.report, next)) return createEngine(next, state.gazetteer, ctx.opts);
  const first = ctx.sections.length;
  const nextCtx = createContext(next, state.gazetteer, ctx.opts, ctx);
  const added = addedSectionsIndex(nextCtx, first);
  return engineOver({
    gazetteer: state.gazetteer,
    ctx: nextCtx,
    districts: extendDistricts(nextCtx, districts, first, added),
    topics: extendTopics(nextCtx, topics, first, added),
    people: extendPeople(nextCtx, people, first),
    figures: extendFigures(nextCtx, figures, first),
  });
}
