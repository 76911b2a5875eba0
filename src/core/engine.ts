import Fuse from 'fuse.js';
import type { Answer, AnswerResult, AnswerStatus, Highlight, Resolved, SearchCommand } from './answer.ts';
import { DistrictResolver, type PlaceCandidate } from './district-resolver.ts';
import { DEFAULT_FIGURE_UNITS, parseFigureQuery, valueDistance } from './figures.ts';
import type { Gazetteer, PlaceAlias } from './gazetteer.ts';
import { foldChar, nameKey, normalize, type FoldChar } from './normalize.ts';
import { latinKey, pinyinKeys, syllables } from './pinyin.ts';
import { personLabel, type Figure, type Person, type Report, type Section } from './report.ts';
import { highlightExact, highlightTerms, TextIndex } from './text-index.ts';
import { sentenceRanges } from './sentences.ts';
import { sectionTitle } from './section-title.ts';

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
  /** How text and queries are folded before matching, one character at a time (default: NFKC, 繁→简, lower-case). */
  fold: FoldChar;
  /** Hears about a bug caught while answering (the user gets a sentence instead); adapters log it. */
  onError: (err: unknown, command: SearchCommand, query: string) => void;
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
});

export interface ResolvedFilter {
  kind: 'district' | 'topic';
  id: string;
  label: string;
}

export interface Engine {
  /** Answer one search command; never throws on user input (empty, huge, HTML, emoji, control chars). */
  answer(command: SearchCommand, query: string): Answer;
  /** Resolve a digest filter (`潼南`, `就业`, `tongnan`, `開州`) to a district or topic the report covers, else null. */
  resolveFilter(query: string): ResolvedFilter | null;
}

/** True when the ascending list holds x (binary search). */
function sortedHas(list: readonly number[], x: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid] ?? 0;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** A pasted passage is placed by this many of its rarest bigrams (the paragraph it came from holds them all). */
const PASSAGE_BIGRAMS = 32;

/** Loose matching of a short query by its characters: the idf-weighted share of them a sentence must hold. */
const LOOSE_CHAR_COVERAGE = 0.55;

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
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
  for (const { segment } of GRAPHEMES.segment(query)) {
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

interface PersonEntry {
  person: Person;
  label: string;
  key: string;
  full: string;
  initials: string;
  /** Sections the person appears in, their own section (as speaker) first. */
  sections: number[];
}

interface TopicEntry {
  id: string;
  name: string;
  keys: string[];
  full: string;
  initials: string;
  synonymFull: string[];
  /** Folded synonyms, used to pick and mark excerpt sentences. */
  terms: string[];
}

/** Build the search indexes over a report once; the returned engine answers commands synchronously. */
export function createEngine(report: Report, gazetteer: Gazetteer, options?: Partial<EngineOptions>): Engine {
  const opts: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  const fold = opts.fold;
  const fnorm = (text: string): string => normalize(text, fold);
  const fkey = (text: string): string => nameKey(text, fold);
  const sections = report.sections;
  const resolver = new DistrictResolver(gazetteer, opts.placeAliases, fold);
  const index = new TextIndex(
    sections.map((s) => s.paragraphs),
    fold,
  );

  // --- districts: which sections are about or mention each unit, ranked once here ---
  interface DistrictEntry {
    section: number;
    subject: boolean;
    score: number;
  }
  const districtSections = new Map<string, DistrictEntry[]>();
  const districtTerms = new Map<string, Set<string>>();
  sections.forEach((s, i) => {
    const named = new Set<string>([...s.districts, ...s.places.flatMap((p) => (p.district ? [p.district] : []))]);
    for (const d of named) {
      const short = resolver.shortName(d);
      const subject =
        s.districts[0] === d ||
        (s.heading?.includes(short) ?? false) ||
        (s.speaker?.org.includes(short) ?? false);
      const list = districtSections.get(d) ?? [];
      list.push({ section: i, subject, score: 0 });
      districtSections.set(d, list);
      const terms = districtTerms.get(d) ?? new Set([fnorm(short)]);
      for (const p of s.places) if (p.district === d) terms.add(fnorm(p.name));
      districtTerms.set(d, terms);
    }
  });
  for (const a of opts.placeAliases) districtTerms.get(a.district)?.add(fnorm(a.name));
  const kindRank = (s: Section | undefined): number => (s?.kind === 'speaker' ? 0 : s?.kind === 'lead' ? 1 : 2);
  /** Per section, how many sentences contain any of `terms` (phrase lookups in the index, no text scan). */
  const sentenceCounts = (terms: Iterable<string>): Map<number, number> => {
    const seen = new Set<number>();
    const counts = new Map<number, number>();
    for (const term of terms) {
      for (const sentence of index.sentencesWith(term)) {
        if (seen.has(sentence)) continue;
        seen.add(sentence);
        const sec = index.sectionOf(sentence);
        counts.set(sec, (counts.get(sec) ?? 0) + 1);
      }
    }
    return counts;
  };
  for (const [d, list] of districtSections) {
    const short = fnorm(resolver.shortName(d));
    const named = sentenceCounts([short]);
    const mentions = sentenceCounts(districtTerms.get(d) ?? []);
    // Subject first; naming the district outright counts more than naming a landmark in it.
    for (const e of list) e.score = (e.subject ? 100 : 0) + 5 * Math.min(named.get(e.section) ?? 0, 10) + Math.min(mentions.get(e.section) ?? 0, 20);
    list.sort((a, b) => b.score - a.score || kindRank(sections[a.section]) - kindRank(sections[b.section]) || a.section - b.section);
  }
  const coveredDistricts = resolver.districts.filter((d) => districtSections.has(d));

  // --- topics: the taxonomy with folded and pinyin keys ---
  const topics: TopicEntry[] = report.topics.map((t) => {
    const pk = pinyinKeys(t.name);
    return {
      id: t.id,
      name: t.name,
      keys: [fkey(t.name), ...t.synonyms.map(fkey)],
      full: pk.full,
      initials: pk.initials,
      synonymFull: t.synonyms.map((s) => pinyinKeys(s).full),
      terms: [...new Set([t.name, ...t.synonyms].map(fnorm))],
    };
  });
  const topicSections = new Map<string, number[]>();
  sections.forEach((s, i) => {
    s.topics.forEach((t) => {
      const list = topicSections.get(t) ?? [];
      list.push(i);
      topicSections.set(t, list);
    });
  });
  // How strongly a section is about a topic: sentences naming the topic or a synonym (phrase lookups in the index).
  const topicStrength = new Map<string, Map<number, number>>(topics.map((t) => [t.id, sentenceCounts(t.terms)]));
  for (const [id, list] of topicSections) {
    const strength = topicStrength.get(id);
    const hits = (i: number): number => strength?.get(i) ?? 0;
    const rank = (i: number): number => sections[i]?.topics.indexOf(id) ?? 99;
    list.sort((a, b) => hits(b) - hits(a) || rank(a) - rank(b) || kindRank(sections[a]) - kindRank(sections[b]) || a - b);
  }
  // Chinese names and synonyms of three or more characters, for one-character typos.
  const topicKeyFuse = new Fuse(
    topics.flatMap((t) => t.keys.filter((k) => [...k].length >= 3).map((k) => ({ id: t.id, key: k }))),
    { keys: ['key'], threshold: 0.3, ignoreLocation: true, includeScore: true },
  );
  const topicFuse = new Fuse(
    topics.map((t) => ({ id: t.id, name: t.name, full: t.full, synonyms: t.synonymFull })),
    { keys: ['full', 'synonyms'], threshold: 0.3, ignoreLocation: true, includeMatches: true },
  );
  // Every name and synonym syllable by syllable, so pinyin typed for part of one (`zhenxing`) maps back to characters.
  // Han-only terms, where characters and syllables pair one to one (`5A` would not).
  const topicTermSyllables = topics.flatMap((t) =>
    t.terms.filter((term) => /^\p{Script=Han}+$/u.test(term)).map((term) => ({ chars: [...term], syl: syllables(term) })),
  );

  // --- people: speakers and other named people, one entry per (name, org) ---
  const people: PersonEntry[] = [];
  const personByKey = new Map<string, PersonEntry>();
  sections.forEach((s, i) => {
    const add = (p: Person, own: boolean): void => {
      const k = `${p.name}\u0000${p.org}`;
      let e = personByKey.get(k);
      if (!e) {
        const pk = pinyinKeys(p.name);
        e = { person: p, label: personLabel(p), key: fkey(p.name), full: pk.full, initials: pk.initials, sections: [] };
        personByKey.set(k, e);
        people.push(e);
      }
      if (own) e.sections.unshift(i);
      else e.sections.push(i);
    };
    if (s.speaker) add(s.speaker, true);
    for (const p of s.people) add(p, false);
  });
  const peopleFuse = new Fuse(people, { keys: ['full'], threshold: 0.25, ignoreLocation: true, includeScore: true });

  // --- figures: flat list with folded text and context for word matching ---
  const figures = sections.flatMap((s, i) =>
    s.figures.map((f) => ({ section: i, figure: f, text: fkey(f.text), context: fnorm(f.context) })),
  );

  // --- building results ---
  const sectionPlain = (i: number): Section => sections[i] as Section;

  interface ResultOptions {
    /** `exact`: mark verbatim occurrences (names, synonyms, figures); `bigram`: mark any run of query bigrams. */
    mark: 'exact' | 'bigram';
    figures?: Figure[];
    speaker?: Person | null;
  }

  /** A result for section i showing the given sentences (best first in, document order out), with `terms` marked. */
  function makeResult(i: number, score: number, sentenceIds: number[], terms: readonly string[], o: ResultOptions): AnswerResult {
    const shownFigures = o.figures;
    const speaker = o.speaker;
    const highlight = o.mark === 'exact' ? highlightExact : highlightTerms;
    const s = sectionPlain(i);
    const [from] = index.sentencesOf(i);
    let ids = [...new Set(sentenceIds)].slice(0, opts.maxExcerptSentences).sort((a, b) => a - b);
    if (ids.length === 0) ids = [from];
    let excerpt = '';
    const highlights: Highlight[] = [];
    let prev = -2;
    for (const id of ids) {
      if (excerpt) excerpt += id === prev + 1 ? '' : ' … ';
      const text = index.sentenceText(id);
      for (const [a, b] of highlight(text, terms, fold)) highlights.push([excerpt.length + a, excerpt.length + b]);
      excerpt += text;
      prev = id;
    }
    const figs =
      shownFigures ??
      s.figures.filter((f) => ids.some((id) => {
        const t = index.sentenceText(id);
        return t.includes(f.context) || f.context.includes(t);
      }));
    const title = sectionTitle(s, report.topics);
    return {
      sectionId: s.id,
      score,
      speaker: speaker === undefined ? s.speaker : speaker,
      headline: s.headline,
      ...(title ? { title } : {}),
      excerpt,
      highlights,
      figures: figs,
    };
  }

  /** Sentences of section i containing any of `terms`, most terms first. */
  function sentencesMentioning(i: number, terms: readonly string[]): number[] {
    const [from, to] = index.sentencesOf(i);
    const scored: { id: number; n: number }[] = [];
    for (let id = from; id < to; id++) {
      const t = fnorm(index.sentenceText(id));
      let n = 0;
      for (const term of terms) if (term && t.includes(term)) n++;
      if (n > 0) scored.push({ id, n });
    }
    scored.sort((a, b) => b.n - a.n || a.id - b.id);
    return scored.map((x) => x.id);
  }

  // Usage examples come from the report itself, so they always lead somewhere.
  const exampleDistrict = resolver.shortName(coveredDistricts[0] ?? resolver.districts[0] ?? '');
  const examplePerson = sections.find((s) => s.speaker)?.speaker?.name ?? '';
  const exampleFigure = figures[0]?.figure.text ?? '';
  const exampleTopic = topics.find((t) => topicSections.has(t.id))?.name ?? topics[0]?.name ?? '';
  const exampleWords = figures[0] ? fkey(figures[0].figure.context).slice(0, 4) : exampleTopic;
  const USAGE: Readonly<Record<SearchCommand, string>> = Object.freeze({
    district: `用法：/district 区县名，例如 /district ${exampleDistrict}（也可以输入镇街、地标或拼音）`,
    topic: `用法：/topic 话题，例如 /topic ${exampleTopic}`,
    person: `用法：/person 姓名，例如 /person ${examplePerson}`,
    figures: `用法：/figures 数字或关键词，例如 /figures ${exampleFigure}`,
    search: `用法：/search 关键词，例如 /search ${exampleWords}`,
  });

  function base(command: SearchCommand, query: string, status: AnswerStatus, message: string, extra: Partial<Answer> = {}): Answer {
    return { command, query, status, resolved: null, message, suggestions: [], results: [], ...extra };
  }

  const districtSuggestions = (): string[] => coveredDistricts.map((d) => resolver.shortName(d));

  /** Sentences holding every word of `q` verbatim (after folding; punctuation ignored). */
  function sentencesHoldingWords(q: string): number[] {
    const words = fnorm(q).split(/\s+/u).map(fkey).filter(Boolean);
    const [first] = words;
    if (!first) return [];
    return index.sentencesWith(first).filter((id) => {
      // The text as written first; folding (the slow part) only when that fails.
      const text = index.sentenceText(id);
      const lower = text.toLowerCase();
      if (words.every((w) => lower.includes(w))) return true;
      const t = fkey(text);
      return words.every((w) => t.includes(w));
    });
  }

  // --- /district ---
  function placeLabel(p: PlaceCandidate): string {
    return p.kind === 'district' ? p.name : `${p.name}（${p.district}）`;
  }

  function answerDistrict(q: string): Answer {
    const m = resolver.resolve(q);
    if (m.status === 'not_chongqing') {
      return base('district', q, 'not_chongqing', `“${q}”不是重庆的区县。报道涉及的区县有：${coveredDistricts.join('、')}。`, { suggestions: districtSuggestions() });
    }
    if (m.status === 'ambiguous') {
      // Suggest forms that resolve unambiguously: the district name in front of the place.
      const suggestions = m.candidates.map((c) => (c.kind === 'district' ? c.name : `${c.district}${c.name}`));
      return base('district', q, 'ambiguous', `“${q}”有 ${m.candidates.length} 处：${m.candidates.map(placeLabel).join('、')}。请说明是哪一个。`, { suggestions });
    }
    if (m.status === 'unknown') {
      // No place by that name, but the report uses the words (`甘泉`, `滩子村`, `两江`): point to full text.
      const sections = new Set(sentencesHoldingWords(q).map((id) => index.sectionOf(id))).size;
      if (sections > 0) {
        const search = `/search ${q}`;
        return base('district', q, 'no_match', `没有找到叫“${q}”的重庆区县、镇街或地标，但报道中有 ${sections} 段提到“${q}”。可以试试 ${search}。`, {
          suggestions: [search, ...districtSuggestions()],
        });
      }
      return base('district', q, 'no_match', `没有找到叫“${q}”的重庆区县、镇街或地标。可以试试：${districtSuggestions().slice(0, 8).join('、')}。`, { suggestions: districtSuggestions() });
    }
    const place = m.place;
    const resolved: Resolved = { kind: place.kind, id: place.kind === 'district' ? place.district : place.name, label: placeLabel(place) };
    const note = m.how === 'homophone' || m.how === 'typo' || m.how === 'pinyin' || m.how === 'former' ? `（按“${placeLabel(place)}”查找）` : '';
    const list = districtSections.get(place.district) ?? [];
    if (list.length === 0) {
      const msg = `报道没有涉及${placeLabel(place)}${note}。报道涉及的区县有：${coveredDistricts.join('、')}。`;
      return base('district', q, 'no_coverage', msg, { resolved, suggestions: districtSuggestions() });
    }
    const terms = [...(districtTerms.get(place.district) ?? [])];
    let ranked = list;
    let unnamed = '';
    if (place.kind !== 'district') {
      // A township or landmark query: sections naming that place first.
      const specific = fnorm(place.name);
      terms.unshift(specific);
      const naming = new Set(index.sentencesWith(specific).map((id) => index.sectionOf(id)));
      ranked = [...list].sort((a, b) => Number(naming.has(b.section)) - Number(naming.has(a.section)));
      if (!list.some((e) => naming.has(e.section))) unnamed = `报道没有直接提到${place.name}，以下是${place.district}的内容。`;
    }
    const results = ranked
      .slice(0, opts.maxResults)
      .map((x) => makeResult(x.section, x.score, sentencesMentioning(x.section, terms), terms, { mark: 'exact' }));
    const more = list.length > results.length ? `（显示前 ${results.length} 段）` : '';
    return base('district', q, 'ok', `${unnamed}${placeLabel(place)}${note}：报道中有 ${list.length} 段相关内容${more}。`, { resolved, results });
  }

  // --- /topic ---
  /**
   * The topic a part of a name or synonym (`振兴` of 乡村振兴) stands for: only when one topic's terms hold it and the
   * report uses it mostly inside them. Everyday words (`发展` in 绿色发展 and 均衡发展, `工作` in 人大工作) stand for none.
   */
  function topicHoldingPart(key: string): TopicEntry | null {
    const holders = topics.filter((t) => t.keys.some((k) => k.length >= 2 && k.includes(key)));
    const [only] = holders;
    if (!only || holders.length > 1) return null;
    const inTerms = only.terms.filter((term) => fkey(term).includes(key));
    const inside = new Set(inTerms.flatMap((term) => index.sentencesWith(term))).size;
    const anywhere = index.sentencesWith(key).length;
    return anywhere <= 2 * inside ? only : null;
  }

  /** Parts of topic names and synonyms whose pinyin is `latin`, syllable-aligned (`zhenxing` → 振兴, `fazhan` → 发展). */
  function topicPartsByPinyin(latin: string): string[] {
    const parts = new Set<string>();
    for (const { chars, syl } of topicTermSyllables) {
      for (let i = 0; i < syl.length; i++) {
        let typed = '';
        for (let j = i; j < syl.length && typed.length < latin.length; j++) {
          typed += syl[j] ?? '';
          if (typed === latin && j > i) parts.add(chars.slice(i, j + 1).join(''));
        }
      }
    }
    return [...parts];
  }

  function resolveTopic(q: string): TopicEntry | null {
    const key = fkey(q);
    if (!key) return null;
    // Exact name first, then a synonym (the topic where it is listed earliest wins), then containment.
    const byName = topics.find((t) => t.keys[0] === key);
    if (byName) return byName;
    let best: TopicEntry | null = null;
    let bestPos = Infinity;
    for (const t of topics) {
      const pos = t.keys.indexOf(key);
      if (pos > 0 && pos < bestPos) {
        best = t;
        bestPos = pos;
      }
    }
    if (best) return best;
    if ([...key].length >= 2) {
      // The query holds a name or synonym (`农业发展` → 农业): the longest one held wins.
      let held: TopicEntry | null = null;
      let heldLength = 0;
      for (const t of topics) {
        for (const k of t.keys) {
          if (k.length >= 2 && key.includes(k) && k.length > heldLength) {
            held = t;
            heldLength = k.length;
          }
        }
      }
      if (held) return held;
      if (topics.some((t) => t.keys.some((k) => k.length >= 2 && k.includes(key)))) return topicHoldingPart(key);
    }
    const latin = latinKey(q);
    if (latin) {
      const exact = topics.find((t) => t.full === latin || t.initials === latin || t.synonymFull.includes(latin));
      if (exact) return exact;
      // Pinyin for part of a name or synonym: the same rule as for characters (`zhenxing` yes, `fazhan` no).
      const parts = topicPartsByPinyin(latin);
      if (parts.length > 0) {
        const found = new Set(parts.map(topicHoldingPart));
        return found.size === 1 ? ([...found][0] ?? null) : null;
      }
      if (latin.length >= 4) {
        // A typo in the pinyin of a whole name or synonym (`jiuyie`), not a match inside a longer one.
        const hit = topicFuse.search(latin)[0];
        const whole = hit?.matches?.some((m) => Math.abs((m.value ?? '').length - latin.length) <= 2) ?? false;
        if (hit && whole) return topics.find((t) => t.id === hit.item.id) ?? null;
      }
      return null;
    }
    // A homophone of a topic name (`旧业` for 就业).
    const syl = syllables(key).join('');
    const homophone = topics.find((t) => t.full === syl);
    if (homophone) return homophone;
    // One wrong character in a name of three or more (`乡村振心`); shorter names would match too much.
    if ([...key].length >= 3) {
      const hit = topicKeyFuse.search(key)[0];
      if (hit && (hit.score ?? 1) <= 0.3) return topics.find((t) => t.id === hit.item.id) ?? null;
    }
    return null;
  }

  function answerTopic(q: string): Answer {
    const topic = resolveTopic(q);
    if (!topic) {
      // Pinyin for an everyday word (`fazhan`) searches its characters, as 发展 would.
      const latin = latinKey(q);
      const [word] = latin ? topicPartsByPinyin(latin) : [];
      const text = answerSearch(word ?? q, 'topic');
      if (text.status === 'ok') {
        const said = word ? `“${q}”（${word}）` : `“${q}”`;
        return { ...text, query: q, message: `${said}不在话题分类中，以下是全文搜索结果。${text.message}`, suggestions: topics.map((t) => t.name) };
      }
      return base('topic', q, 'no_match', `报道没有涉及“${q}”。可以试试这些话题：${topics.map((t) => t.name).join('、')}。`, { suggestions: topics.map((t) => t.name) });
    }
    const resolved: Resolved = { kind: 'topic', id: topic.id, label: topic.name };
    const list = topicSections.get(topic.id) ?? [];
    if (list.length === 0) {
      return base('topic', q, 'no_coverage', `报道没有涉及“${topic.name}”这个话题。`, { resolved, suggestions: topics.filter((t) => topicSections.has(t.id)).map((t) => t.name) });
    }
    const results = list.slice(0, opts.maxResults).map((i, rank) => {
      const hits = sentencesMentioning(i, topic.terms);
      return makeResult(i, list.length - rank, hits, topic.terms, { mark: 'exact' });
    });
    return base('topic', q, 'ok', `话题“${topic.name}”：报道中有 ${list.length} 段相关内容。`, { resolved, results });
  }

  // --- /person ---
  function answerPerson(q: string): Answer {
    const key = fkey(q);
    const latin = latinKey(q);
    const qSyl = latin ? null : syllables(key).join('');
    const matches: { e: PersonEntry; score: number }[] = [];
    for (const e of people) {
      let score = 0;
      if (e.key === key) score = 1;
      else if (key.includes(e.key)) {
        // Extra words (`张三主任`, `张三 生态环境局`): more if they describe this person's org or role.
        const rest = key.replace(e.key, '');
        const about = fkey(`${e.person.org}${e.person.role}`);
        let shared = 0;
        for (let k = 0; k + 1 < rest.length; k++) if (about.includes(rest.slice(k, k + 2))) shared++;
        score = 0.9 + 0.09 * (rest.length > 1 ? shared / (rest.length - 1) : 0);
      }
      else if (latin && (latin === e.full || latin === e.initials)) score = 0.95;
      else if (qSyl && qSyl === e.full && key.length === e.key.length) score = 0.85; // homophone name
      else if (e.key.includes(key) && key.length >= 1) score = key.length >= 2 ? 0.7 : 0.5;
      else if (latin && latin.length >= 2 && e.full.startsWith(latin)) score = 0.6;
      if (score > 0) matches.push({ e, score });
    }
    if (matches.length === 0 && latin && latin.length >= 4) {
      for (const r of peopleFuse.search(latin).slice(0, 3)) matches.push({ e: r.item, score: 0.5 * (1 - (r.score ?? 0)) });
    }
    if (matches.length === 0 && key.length >= 2) {
      // No name matched: look for the words in people's org and role (`校长`, `纪委`).
      for (const e of people) if (fnorm(`${e.person.org}${e.person.role}`).includes(key)) matches.push({ e, score: 0.3 });
    }
    if (matches.length === 0) {
      const names = [...new Set(people.map((p) => p.person.name))];
      return base('person', q, 'no_match', `报道中没有找到“${q}”。报道中的人物有：${names.join('、')}。`, { suggestions: names });
    }
    matches.sort((a, b) => b.score - a.score || people.indexOf(a.e) - people.indexOf(b.e));
    const top = matches[0] as { e: PersonEntry; score: number };
    const sameName = matches.filter((m) => m.score === top.score);
    const results: AnswerResult[] = [];
    for (const { e, score } of matches) {
      for (const [k, i] of e.sections.entries()) {
        if (results.length >= opts.maxResults) break;
        const hits = sentencesMentioning(i, [fnorm(e.person.name)]);
        results.push(makeResult(i, score * 100 - k, hits, [e.person.name], { mark: 'exact', speaker: sectionPlain(i).speaker ?? e.person }));
      }
    }
    const resolved: Resolved = { kind: 'person', id: top.e.person.name, label: top.e.label };
    const message =
      sameName.length > 1
        ? `找到 ${sameName.length} 位：${sameName.map((m) => m.e.label).join('；')}。`
        : `${top.e.label}：报道中有 ${top.e.sections.length} 段相关内容。`;
    const names = [...new Set(matches.map((m) => m.e.person.name))];
    return base('person', q, 'ok', message, { resolved, results, suggestions: names.length > 1 ? names : [] });
  }

  // --- /figures ---
  const figureUnits = new Set([...DEFAULT_FIGURE_UNITS, ...figures.map((f) => f.figure.unit).filter(Boolean)]);
  // Plain amounts before rough ones: `100` finds 100余所 before 数百名.
  const QUALIFIER_BONUS: Readonly<Record<Figure['qualifier'], number>> = Object.freeze({ exact: 0.04, atLeast: 0.02, range: 0.02, approx: 0 });
  const figureExamples = (): string[] => figures.slice(0, 6).map((f) => f.figure.text);

  /** Results for figure hits (index into `figures`, higher score first), one per section, each figure's sentence shown. */
  function figureResults(hits: { n: number; score: number }[], terms: readonly string[]): AnswerResult[] {
    const sorted = [...hits].sort((a, b) => b.score - a.score || a.n - b.n);
    const bySection = new Map<number, { score: number; figs: Figure[] }>();
    for (const h of sorted) {
      const f = figures[h.n];
      if (!f) continue;
      const entry = bySection.get(f.section) ?? { score: h.score, figs: [] };
      entry.figs.push(f.figure);
      bySection.set(f.section, entry);
    }
    const ordered = [...bySection.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, opts.maxResults);
    return ordered.map(([i, { score, figs }]) => {
      const [from, to] = index.sentencesOf(i);
      const ids: number[] = [];
      for (const f of figs) {
        for (let id = from; id < to; id++) {
          const t = index.sentenceText(id);
          if (t.includes(f.context) || f.context.includes(t) || t.includes(f.text)) {
            ids.push(id);
            break;
          }
        }
      }
      return makeResult(i, score, ids, [...figs.map((f) => f.text), ...terms], { mark: 'exact', figures: figs });
    });
  }

  /**
   * Sentences where the query is written out, for a number no figure has (`2021` in 2021年) or a word no figure's
   * sentence holds (`5A`). A number must stand whole: `42` is not in 42.1 or 420.
   */
  function sentencesWriting(q: string, isNumber: boolean): number[] {
    const noThousands = (t: string): string => t.replace(/(?<=\d)[,，](?=\d{3})/gu, '');
    if (isNumber) {
      const literal = noThousands(fnorm(q).replace(/\s+/gu, ''));
      if (!literal) return [];
      const escaped = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const whole = new RegExp(`${/^\d/.test(literal) ? '(?<![\\d.])' : ''}${escaped}${/\d$/.test(literal) ? '(?!\\d|\\.\\d)' : ''}`, 'u');
      // Folding a sentence is the slow part: only when the text as written fails and might read differently folded
      // (full-width digits, or a literal in Chinese numerals that may be written traditionally).
      const ascii = /^[\x20-\x7e]*$/u.test(literal);
      return index.sentencesWith(literal).filter((id) => {
        const text = index.sentenceText(id);
        if (whole.test(noThousands(text))) return true;
        if (ascii && !/[\uff01-\uff5e]/u.test(text)) return false;
        return whole.test(noThousands(fnorm(text)));
      });
    }
    return sentencesHoldingWords(q);
  }

  /** An answer listing the sections of `ids` (most matching sentences first), marking `terms`. */
  function sentenceAnswer(q: string, ids: number[], terms: string[], message: (sections: number) => string): Answer {
    const bySection = new Map<number, number[]>();
    for (const id of ids) {
      const sec = index.sectionOf(id);
      bySection.set(sec, [...(bySection.get(sec) ?? []), id]);
    }
    const ordered = [...bySection.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
    const results = ordered.slice(0, opts.maxResults).map(([sec, list]) => makeResult(sec, list.length, list, terms, { mark: 'exact' }));
    return base('figures', q, 'ok', message(bySection.size), { resolved: { kind: 'text', id: fkey(q), label: q }, results });
  }

  function answerFigures(q: string): Answer {
    const fq = parseFigureQuery(q, figureUnits);
    const noMatch = (): Answer =>
      base('figures', q, 'no_match', `报道中没有与“${q}”相符的数字。可以试试：${figureExamples().join('、')}。`, { suggestions: figureExamples() });
    if (!fq) {
      // A word: figures whose text holds it, then figures whose sentence holds every word (`进口`).
      const key = fkey(q);
      const words = fnorm(q).split(/\s+/u).map(fkey).filter(Boolean);
      const hits: { n: number; score: number }[] = [];
      figures.forEach((f, n) => {
        if (key && f.text.includes(key)) hits.push({ n, score: 2 });
        else if (words.length > 0 && words.every((w) => f.context.includes(w))) hits.push({ n, score: 1 });
      });
      if (hits.length > 0) {
        return base('figures', q, 'ok', `“${q}”：找到 ${hits.length} 个数字。`, { resolved: { kind: 'text', id: key, label: q }, results: figureResults(hits, words) });
      }
      const ids = sentencesWriting(q, false);
      if (ids.length === 0) return noMatch();
      return sentenceAnswer(q, ids, words, (n) => `报道中没有与“${q}”相关的数字，以下是提到“${q}”的 ${n} 段内容。`);
    }
    const resolved: Resolved = { kind: 'figure', id: String(fq.value), label: q };
    const exact: { n: number; score: number }[] = [];
    const near: { n: number; d: number }[] = [];
    figures.forEach((f, n) => {
      const d = valueDistance(fq, f.figure);
      // The unit typed counts most (`30分钟`, not `30条`), then how plainly the figure states the amount.
      if (d === 0) exact.push({ n, score: 3 + (fq.unit && f.figure.unit === fq.unit ? 0.5 : 0) + QUALIFIER_BONUS[f.figure.qualifier] });
      else if (d <= 0.05) near.push({ n, d });
    });
    if (exact.length > 0) {
      const sameUnit = exact.filter((h) => h.score >= 3.5);
      const kept = sameUnit.length > 0 ? sameUnit : exact;
      return base('figures', q, 'ok', `“${q}”：找到 ${kept.length} 个数字。`, { resolved, results: figureResults(kept, []) });
    }
    // No figure has the value: the number as written in the text (a year, an amount the report states in passing).
    const ids = sentencesWriting(q, true);
    if (ids.length > 0) {
      return sentenceAnswer(q, ids, [q], (n) => `报道中没有数值为“${q}”的数字，以下是提到“${q}”的 ${n} 段内容。`);
    }
    // Else only the nearest figures: `40%` → 40.2%, not every percentage within 5%; `33%` → 三分之一.
    if (near.length === 0) return noMatch();
    const nearest = Math.min(...near.map((h) => h.d));
    const kept = near.filter((h) => Math.abs(h.d - nearest) < 1e-9).map((h) => ({ n: h.n, score: 2 - h.d }));
    const first = figures[kept[0]?.n ?? -1]?.figure;
    return base('figures', q, 'ok', `没有正好等于“${q}”的数字，最接近的是 ${first?.text ?? ''}。`, { resolved, results: figureResults(kept, []) });
  }

  // --- /search ---
  /** A section ranked for a full-text query, with the sentences to show from it (computed only for shown results). */
  interface Ranked {
    sec: number;
    score: number;
    ids: () => number[];
  }
  /** Ranked sections, how many sections matched, and whether collection stopped early (so `total` is a lower bound). */
  interface Found {
    ranked: Ranked[];
    total: number;
    capped: boolean;
  }

  function answerSearch(q: string, command: SearchCommand = 'search'): Answer {
    const terms = fnorm(q).split(/\s+/u).filter((t) => /[\p{L}\p{N}]/u.test(t));
    if (terms.length === 0) {
      return base(command, q, 'no_match', `“${q}”里没有可以搜索的文字。${USAGE.search}`, { suggestions: topics.map((t) => t.name) });
    }
    const query = terms.join(' ');
    // A pasted passage of several sentences is scored per paragraph (or per section, when it spans paragraphs):
    // per sentence, each of its sentences covers only a share of it and the paste would never reach the threshold.
    const passage = sentenceRanges(q).length >= 2;
    let found: Found = passage ? passageHits(query, opts.minCoverage) : { ranked: [], total: 0, capped: false };
    if (found.total === 0) found = sentenceHits(query, terms, opts.minCoverage);
    // Nothing close enough: accept looser matches (a phrase the text words differently), and say so.
    const loose = found.total === 0;
    if (loose) {
      // Short queries: their characters, rare ones weighing more, at least half of them and two present
      // (`侧面相撞` finds `侧碰…碰撞` by 侧 and 撞); long ones: fewer bigrams.
      const chars = [...new Set([...query].filter((c) => /[\p{L}\p{N}]/u.test(c)))];
      found =
        chars.length <= 12
          ? sentenceHits(chars.join(' '), terms, LOOSE_CHAR_COVERAGE, Math.max(2, Math.ceil(chars.length / 2)))
          : passage
            ? passageHits(query, opts.minCoverage * 0.6)
            : sentenceHits(query, terms, opts.minCoverage * 0.6);
    }
    if (found.total === 0) {
      return base(command, q, 'no_match', `报道中没有找到“${q}”。可以换个说法，或试试 /topic、/district、/person。`, { suggestions: topics.map((t) => t.name) });
    }
    const results = found.ranked.slice(0, opts.maxResults).map((r) => makeResult(r.sec, r.score, r.ids(), terms, { mark: 'bigram' }));
    const prefix = loose ? `没有完全相符的内容，以下是相近的结果。` : '';
    // Collection stopped early for very common words (`的`): the count is a lower bound, and says so.
    const count = found.capped ? `至少有 ${found.total}` : `有 ${found.total}`;
    return base(command, q, 'ok', `${prefix}“${q}”：报道中${count} 段相关内容。`, {
      resolved: { kind: 'text', id: query, label: q },
      results,
      ...(loose ? { approximate: true } : {}),
    });
  }

  /** Sections holding sentences that cover `query` by at least `min`, re-ranked: whole terms found verbatim beat scattered bigrams. */
  function sentenceHits(query: string, terms: readonly string[], min: number, minMatched = 0): Found {
    const { hits: found, capped } = index.searchUnits(query, 'sentence', { minCoverage: min, minMatched, maxCandidates: opts.maxCandidates });
    const hits = found.map((h) => ({ sentence: h.unit, coverage: h.coverage }));
    if (hits.length === 0) return { ranked: [], total: 0, capped: false };
    const shortlist = hits.slice(0, 200);
    const keyTerms = terms.map(fkey).filter(Boolean);
    const queryChars = [...new Set([...keyTerms.join('')])];
    // Whether a sentence holds each whole term: from the index (no sentence re-folded), or for one character
    // (whose sentences may be most of the report) from the shortlisted sentence's text.
    const holding = keyTerms.map((t): ((id: number) => boolean) => {
      if ([...t].length === 1) {
        return (id) => {
          const text = index.sentenceText(id);
          return text.includes(t) || fkey(text).includes(t);
        };
      }
      const list = index.sentencesWith(t);
      return (id) => sortedHas(list, id);
    });
    const perSection = new Map<number, { score: number; ids: { id: number; score: number }[] }>();
    for (const h of shortlist) {
      const phrase = holding.filter((holds) => holds(h.sentence)).length / Math.max(1, keyTerms.length);
      let chars = 1;
      if (phrase < 1) {
        const text = fkey(index.sentenceText(h.sentence));
        chars = queryChars.filter((c) => text.includes(c)).length / Math.max(1, queryChars.length);
      }
      const score = h.coverage + 0.5 * phrase + 0.2 * chars;
      const sec = index.sectionOf(h.sentence);
      const entry = perSection.get(sec) ?? { score: 0, ids: [] };
      entry.ids.push({ id: h.sentence, score });
      entry.score = Math.max(entry.score, score);
      perSection.set(sec, entry);
    }
    const ranked = [...perSection.entries()]
      .map(([sec, e]) => {
        const ids = e.ids.sort((a, b) => b.score - a.score).map((x) => x.id);
        return { sec, score: e.score + 0.02 * Math.min(3, e.ids.length - 1), ids: () => ids };
      })
      .sort((a, b) => b.score - a.score || a.sec - b.sec);
    return { ranked, total: new Set(hits.map((h) => index.sectionOf(h.sentence))).size, capped };
  }

  /** Sections ranked by their best paragraph's coverage of a pasted passage; a section holding all of it first. */
  function passageHits(query: string, min: number): Found {
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
    const bounds = { maxCandidates: opts.maxCandidates, maxGroups: PASSAGE_BIGRAMS };
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

  function answerUnsafe(command: SearchCommand, raw: string): Answer {
    const q = cleanQuery(raw, opts.maxQueryLength);
    if (!q) return base(command, q, 'usage', USAGE[command]);
    const answer = route(command, q);
    // Say that a very long query was cut, so a surprising answer has an explanation.
    // Two characters past the limit tell (one may be a space that trims away), without segmenting the whole paste.
    const cut = cleanQuery(raw, opts.maxQueryLength + 2) !== q;
    return cut ? { ...answer, message: `（查询太长，只用了前 ${opts.maxQueryLength} 个字。）${answer.message}` } : answer;
  }

  function route(command: SearchCommand, q: string): Answer {
    switch (command) {
      case 'district':
        return answerDistrict(q);
      case 'topic':
        return answerTopic(q);
      case 'person':
        return answerPerson(q);
      case 'figures':
        return answerFigures(q);
      case 'search':
        return answerSearch(q);
      default:
        // Only reachable from untyped callers; answer as a search rather than return nothing.
        return answerSearch(q);
    }
  }


  return {
    answer(command, query) {
      try {
        return answerUnsafe(command, query);
      } catch (err) {
        // A bug must not take the bot down: the user gets a sentence (tests fail on it), the operator the error.
        opts.onError(err, command, String(query).slice(0, 200));
        return base(command, cleanQuery(String(query), opts.maxQueryLength), 'no_match', '内部错误，请换个说法再试。');
      }
    },
    resolveFilter(query) {
      const q = cleanQuery(query, opts.maxQueryLength);
      if (!q) return null;
      const m = resolver.resolve(q);
      if (m.status === 'found' && districtSections.has(m.place.district)) return { kind: 'district', id: m.place.district, label: m.place.district };
      const t = resolveTopic(q);
      if (t && topicSections.has(t.id)) return { kind: 'topic', id: t.id, label: t.name };
      return null;
    },
  };
}
