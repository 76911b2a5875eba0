import { z } from 'zod';
import type { Figure, Person, Report, Section } from './report.ts';
import { splitSentences } from './sentences.ts';
import { parseChineseNumber } from './figures.ts';
import { normalize } from './normalize.ts';

/** One district (`潼南区`) or topic id (`employment`): what the engine resolves a word to, and the first kind of filter. */
export const SingleFilterSchema = z.object({
  kind: z.enum(['district', 'topic']),
  id: z.string().min(1),
  label: z.string().min(1),
});
export type SingleFilter = z.infer<typeof SingleFilterSchema>;

/** One word of a combined filter: a district, a topic or plain text (matched as a substring, never a pattern). */
export const FilterTermSchema = z.object({
  kind: z.enum(['district', 'topic', 'word']),
  id: z.string().min(1),
  label: z.string().min(1),
  /** `-招聘` / `!招聘`: sections that match this term are left out. */
  exclude: z.boolean(),
});
export type FilterTerm = z.infer<typeof FilterTermSchema>;

/**
 * Several words (`潼南 就业 -招聘`): a section must match every included term and none of the excluded ones.
 * `id` is the canonical text of the filter, `label` the same in short (both for logs and the digest footer).
 */
export const TermsFilterSchema = z.object({
  kind: z.literal('terms'),
  id: z.string().min(1),
  label: z.string().min(1),
  terms: z.array(FilterTermSchema).min(1),
});

/** What a subscription narrows its digest to: one district or topic (as before), or a combination of terms. */
export const DigestFilterSchema = z.union([SingleFilterSchema, TermsFilterSchema]);
export type DigestFilter = z.infer<typeof DigestFilterSchema>;

/** `YYYY-MM-DD`, a calendar date in the subscription's time zone. */
export const LocalDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export type LocalDate = z.infer<typeof LocalDateSchema>;

/** A rendering-neutral digest: `src/render/digest.ts` turns it into Telegram HTML. */
export const DigestSchema = z.object({
  date: LocalDateSchema,
  sectionId: z.string(),
  headline: z.string().nullable(),
  speaker: z.object({ name: z.string(), role: z.string(), org: z.string() }).nullable(),
  /** Others named in the section: shown when there is no speaker (continuation sections). */
  people: z.array(z.object({ name: z.string(), role: z.string(), org: z.string() })),
  /** Names of the section's topics, strongest first. */
  topics: z.array(z.string()),
  /** The section's most informative sentences, in reading order; plain text. */
  sentences: z.array(z.string()),
  /** Numbers as written in the section (`2.6万亿元`), deduplicated. */
  figures: z.array(z.string()),
  /** The "今日数字": one figure of the report chosen by date, with a short context. */
  number: z.object({ text: z.string(), context: z.string() }).nullable(),
  filter: DigestFilterSchema.nullable(),
  /** True when the chat has had every section under its filter: the digest is one line saying so, with no section. */
  nothingNew: z.boolean(),
  /** New sections still waiting after this one (the next digests bring them, newest article first). */
  unread: z.number().int().nonnegative(),
  /** The article the section comes from: its title and date (null when the file name had none). */
  article: z.object({ title: z.string(), date: z.string().nullable() }).nullable(),
  /** Commands offered at the foot of the message. */
  commands: z.array(z.object({ command: z.string(), label: z.string() })),
});
export type Digest = z.infer<typeof DigestSchema>;

export interface ComposeInput {
  chatId: number;
  date: LocalDate;
  filter: DigestFilter | null;
  /** Section ids already sent to this chat before `date`, oldest first. */
  history: readonly string[];
  /** Pin the section (e.g. the one recorded in today's ledger row) instead of picking it. */
  sectionId?: string;
}

export const DIGEST_COMMANDS: ReadonlyArray<{ command: string; label: string }> = Object.freeze([
  { command: '/digest', label: '今日摘要' },
  { command: '/subscription', label: '订阅设置' },
  { command: '/unsubscribe', label: '退订' },
]);

/** Most sentences a digest quotes, and the character budget they share. */
const MAX_SENTENCES = 3;
const SENTENCE_BUDGET = 700;
const MAX_FIGURES = 6;

/** FNV-1a: a stable, dependency-free hash so rotations are identical on every machine and run. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * How earlier versions recorded a subscription they stopped because its filter matched nothing; such rows may still
 * be in a database (/subscription explains them). Filters now wait for news instead.
 */
export const NO_MATCH_PREFIX = 'filter matches no section';

const sectionText = new WeakMap<Section, string>();

/** A section's words folded the way the index folds them (full-width, traditional, case), for plain-word terms. */
function foldedText(section: Section): string {
  let text = sectionText.get(section);
  if (text === undefined) {
    text = normalize([section.heading ?? '', section.headline ?? '', ...section.paragraphs].join('\n'));
    sectionText.set(section, text);
  }
  return text;
}

function matchesTerm(section: Section, term: Pick<FilterTerm, 'kind' | 'id'>): boolean {
  if (term.kind === 'district') return section.districts.includes(term.id);
  if (term.kind === 'topic') return section.topics.includes(term.id);
  return foldedText(section).includes(normalize(term.id));
}

/** Whether a section belongs under a filter (no filter: every section). */
export function matchesFilter(section: Section, filter: DigestFilter | null): boolean {
  if (!filter) return true;
  if (filter.kind !== 'terms') return matchesTerm(section, filter);
  return filter.terms.every((t) => matchesTerm(section, t) !== t.exclude);
}

/** A combined filter from its terms: one included district or topic alone stays the plain kind, as before. */
export function combineTerms(terms: readonly FilterTerm[]): DigestFilter {
  const only = terms[0];
  if (terms.length === 1 && only && !only.exclude && only.kind !== 'word') return { kind: only.kind, id: only.id, label: only.label };
  const text = terms.map((t) => `${t.exclude ? '-' : ''}${t.label}`).join(' ');
  return { kind: 'terms', id: text, label: text, terms: terms.map((t) => ({ ...t })) };
}

/** A filter in words for `/subscription`: `只看“潼南区”`, `只看同时涉及“潼南区”和“就业”的内容，不含“招聘”`. */
export function describeFilter(filter: DigestFilter): string {
  if (filter.kind !== 'terms') return `只看“${filter.label}”`;
  const quote = (t: FilterTerm) => `“${t.label}”${t.kind === 'district' ? '（区县）' : t.kind === 'topic' ? '（主题）' : ''}`;
  const inc = filter.terms.filter((t) => !t.exclude).map(quote);
  const exc = filter.terms.filter((t) => t.exclude).map(quote);
  const parts: string[] = [];
  if (inc.length === 1) parts.push(`只看涉及${inc[0]}的内容`);
  else if (inc.length > 1) parts.push(`只看同时涉及${inc.slice(0, -1).join('、')}和${inc.at(-1)}的内容`);
  else parts.push('全部内容');
  if (exc.length > 0) parts.push(`不含${exc.join('、')}`);
  return parts.join('，');
}

/** Most words one filter takes, and the longest word: a filter is a few words, not a paragraph. */
export const MAX_FILTER_WORDS = 8;
export const MAX_FILTER_WORD_CHARS = 30;

/**
 * Read `/subscribe` filter words as one filter. Each word is a district or topic when `resolve` (the engine's
 * resolveFilter) knows it, else plain text, which an included word must occur somewhere in the report to be taken
 * (so a typo is refused rather than waiting for ever); an excluded word never has to. Several words none of which
 * means anything alone (`tong nan`) are tried whole first.
 */
export function resolveFilterWords(
  words: readonly string[],
  resolve: (query: string) => SingleFilter | null,
  report: Report,
): { ok: true; filter: DigestFilter } | { ok: false; unknown: string } | { ok: false; tooMany: number } | { ok: false; empty: string } {
  // `tong nan` is one district in two words; `潼南 就业` or `城口 交通` are two filters, and reading them whole would
  // keep one and drop the other. So the whole phrase only when no word means anything alone.
  if (words.length > 1 && !words.some((w) => splitFilterWord(w).exclude) && words.every((w) => !resolve(w))) {
    const whole = resolve(words.join(' '));
    if (whole) return { ok: true, filter: whole };
  }
  if (words.length > MAX_FILTER_WORDS) return { ok: false, tooMany: words.length };
  const terms: FilterTerm[] = [];
  for (const word of words) {
    const { text, exclude } = splitFilterWord(word);
    if (!text || [...text].length > MAX_FILTER_WORD_CHARS) return { ok: false, empty: word };
    let term: FilterTerm;
    const resolved = resolve(text);
    // `就业 -岗位`: excluding what is included would leave nothing; read the exclusion as the word itself.
    const clash = resolved && exclude && terms.some((t) => !t.exclude && t.kind === resolved.kind && t.id === resolved.id);
    if (resolved && !clash) term = { ...resolved, exclude };
    else {
      term = { kind: 'word', id: text, label: text, exclude };
      if (!exclude && !report.sections.some((s) => matchesTerm(s, term))) return { ok: false, unknown: text };
    }
    if (!terms.some((t) => t.kind === term.kind && t.id === term.id && t.exclude === term.exclude)) terms.push(term);
  }
  if (terms.length === 0) return { ok: false, empty: words.join(' ') };
  return { ok: true, filter: combineTerms(terms) };
}

/** A `/subscribe` filter word: `-招聘`, `!招聘` (after NFKC, full-width `－` and `！` too) exclude; the rest include. */
export function splitFilterWord(word: string): { text: string; exclude: boolean } {
  const m = /^[-!]+(.*)$/u.exec(word);
  return m ? { text: m[1]!, exclude: true } : { text: word, exclude: false };
}

/** The ledger's section id for a day on which the chat had nothing new: matches no section, so history skips it. */
export const NOTHING_NEW = '(nothing new)';

/**
 * The sections a chat may get under its filter, newest article first (by date, then by when it was added, then by
 * its place in the report), each article's sections in reading order. Continuation fragments are left out when the
 * filter leaves anything else, since they have no speaker or headline.
 */
export function candidates(report: Report, filter: DigestFilter | null): readonly Section[] {
  // Every digest of a broadcast asks this of the same report, most with the same few filters: on a report of
  // thousands of articles the filter and sort cost tens of milliseconds, so each report keeps its last answers.
  let cache = candidateCache.get(report);
  if (!cache) candidateCache.set(report, (cache = new Map()));
  const key = filter ? JSON.stringify(filter) : '';
  const hit = cache.get(key);
  if (hit) return hit;
  const list = Object.freeze(rankCandidates(report, filter));
  if (cache.size >= CANDIDATE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, list);
  return list;
}

/** Per report (a snapshot: the living report swaps whole ones), the candidates of its most recent filters. */
const candidateCache = new WeakMap<Report, Map<string, readonly Section[]>>();
const CANDIDATE_CACHE_SIZE = 64;

function rankCandidates(report: Report, filter: DigestFilter | null): Section[] {
  const matching = report.sections.filter((s) => matchesFilter(s, filter));
  const whole = matching.filter((s) => s.kind !== 'continuation');
  const pool = whole.length > 0 ? whole : matching;
  const rank = new Map(report.articles.map((a, i) => [a.id, { date: a.date ?? '', addedAt: a.addedAt ?? '', i }]));
  const order = (id: string) => rank.get(id) ?? { date: '', addedAt: '', i: -1 };
  const readingOrder = new Map(report.sections.map((s, i) => [s.id, i]));
  return [...pool].sort((x, y) => {
    const a = order(x.articleId);
    const b = order(y.articleId);
    if (a.date !== b.date) return a.date < b.date ? 1 : -1;
    if (a.addedAt !== b.addedAt) return a.addedAt < b.addedAt ? 1 : -1;
    if (a.i !== b.i) return b.i - a.i;
    return readingOrder.get(x.id)! - readingOrder.get(y.id)!;
  });
}

/**
 * What the chat's next digest brings: the first section under its filter it has never had (newest article first),
 * and how many new ones wait after it; `section: null` when it has had them all. Null when the filter matches
 * no section at all (the caller stops the subscription and says why).
 */
export function pickSection(report: Report, filter: DigestFilter | null, history: readonly string[]): { section: Section | null; unread: number } | null {
  const pool = candidates(report, filter);
  if (pool.length === 0) return null;
  const seen = new Set(history);
  const fresh = pool.filter((s) => !seen.has(s.id));
  return { section: fresh[0] ?? null, unread: Math.max(0, fresh.length - 1) };
}

/** A paragraph's sentences (the project's one splitter, so a digest quotes the same sentences the search shows). */
export const sentencesOf = splitSentences;

/**
 * How much a sentence tells a reader in a glance: numbers, mentions of the filter, a readable length.
 * Exported for tests; weights are deliberately simple.
 */
export function informativeness(sentence: string, figures: readonly Figure[], terms: readonly string[]): number {
  let score = 0;
  for (const f of figures) if (sentence.includes(f.text)) score += 3;
  for (const t of terms) if (t && sentence.includes(t)) score += 2;
  const len = [...sentence].length;
  if (len < 12) score -= 3;
  else if (len <= 120) score += 1;
  else if (len > 200) score -= 2;
  // Quoted first-person statements carry the speaker's point.
  if (/[“"]/.test(sentence)) score += 1;
  return score;
}

function filterTerms(report: Report, filter: DigestFilter | null): string[] {
  if (!filter) return [];
  if (filter.kind === 'terms') return filter.terms.filter((t) => !t.exclude).flatMap((t) => (t.kind === 'word' ? [t.id] : filterTerms(report, { kind: t.kind, id: t.id, label: t.label })));
  if (filter.kind === 'district') return [filter.id, filter.id.replace(/(区|县|市)$/, '')];
  const topic = report.topics.find((t) => t.id === filter.id);
  return topic ? [topic.name, ...topic.synonyms] : [filter.label];
}

/** The top sentences of a section, returned in reading order, within a shared character budget. */
export function bestSentences(section: Section, terms: readonly string[], max = MAX_SENTENCES, budget = SENTENCE_BUDGET): string[] {
  const all = section.paragraphs.flatMap(sentencesOf).map((text, index) => ({ text, index, score: informativeness(text, section.figures, terms) }));
  const ranked = [...all].sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen: typeof all = [];
  let used = 0;
  for (const s of ranked) {
    if (chosen.length >= max) break;
    const len = [...s.text].length;
    if (chosen.length > 0 && used + len > budget) continue;
    chosen.push(s);
    used += len;
  }
  return chosen.sort((a, b) => a.index - b.index).map((s) => s.text);
}

/**
 * The report's "今日数字" for a date: the same number for every chat that day (a different one the next),
 * except that a chat whose own section quotes it gets the next one instead.
 */
export function numberOfTheDay(report: Report, date: LocalDate, avoid: readonly string[] = []): { text: string; context: string } | null {
  const pool = figurePool(report);
  if (pool.length === 0) return null;
  const start = hash32(date) % pool.length;
  let figure = pool[start]!;
  for (let i = 0; i < pool.length; i++) {
    const candidate = pool[(start + i) % pool.length]!;
    if (!avoid.includes(candidate.text)) {
      figure = candidate;
      break;
    }
  }
  return { text: figure.text, context: clauseAround(figure.context, figure.text) };
}

/** The figures a number of the day is picked from, once per report (every digest of a broadcast asks). */
const figurePools = new WeakMap<Report, readonly Figure[]>();
function figurePool(report: Report): readonly Figure[] {
  let pool = figurePools.get(report);
  if (!pool) {
    const all = report.sections.flatMap((s) => s.figures);
    // Written-out digits with a unit (`2.6万亿元`, `15%`) make a better headline number than `五个` or `一批`.
    const striking = all.filter((f) => /\d/.test(f.text) && f.unit !== '');
    pool = Object.freeze(striking.length > 0 ? striking : all);
    figurePools.set(report, pool);
  }
  return pool;
}

/** The clause of `sentence` that holds `needle` (with the clause before it when short): a caption, not a paragraph. */
export function clauseAround(sentence: string, needle: string): string {
  const clauses = sentence.match(/[^，,；;。！？!?]+[，,；;。！？!?]*/g) ?? [sentence];
  const i = clauses.findIndex((c) => c.includes(needle));
  if (i < 0) return sentence;
  let text = clauses[i]!;
  if ([...text].length < 14 && i > 0) text = clauses[i - 1]! + text;
  return text.replace(/[，,；;]$/, '');
}

/**
 * Compose a chat's digest for a date: the newest section it has not had (same date, filter and history → same
 * digest), or, when it has had them all, a digest with `nothingNew` that says so in one line.
 * Returns null only when there is no filter and the report has no section at all.
 */
export function composeDigest(report: Report, input: ComposeInput): Digest | null {
  // A filter waits for news that has not come yet (a district the report does not cover yet, a topic no article
  // has had, an article taken out again): nothing new, not a dead subscription. The report grows while the bot runs.
  const picked = pickSection(report, input.filter, input.history) ?? (input.filter ? { section: null, unread: 0 } : null);
  if (!picked) return null;
  let section = picked.section;
  if (input.sectionId !== undefined) {
    // Today's ledger row: a resend repeats it. A pinned id missing from a re-ingested report falls back to the pick.
    if (input.sectionId === NOTHING_NEW) section = null;
    else section = report.sections.find((s) => s.id === input.sectionId) ?? section;
  }
  // The pick's own count, unless a pinned section replaced it.
  const seen = section && section !== picked.section ? new Set(input.history) : null;
  const unread = !section ? 0 : seen ? candidates(report, input.filter).filter((s) => s.id !== section.id && !seen.has(s.id)).length : picked.unread;
  const base = { date: input.date, filter: input.filter, unread, commands: DIGEST_COMMANDS.map((c) => ({ ...c })) };
  if (!section) {
    return { ...base, sectionId: NOTHING_NEW, nothingNew: true, headline: null, speaker: null, people: [], topics: [], sentences: [], figures: [], number: null, article: null };
  }
  const figures = [...new Set(section.figures.map((f) => f.text))].slice(0, MAX_FIGURES);
  const article = report.articles.find((a) => a.id === section.articleId);
  return {
    ...base,
    sectionId: section.id,
    nothingNew: false,
    headline: section.headline,
    speaker: section.speaker ? { ...(section.speaker satisfies Person) } : null,
    people: section.people.slice(0, 3).map((p) => ({ ...p })),
    topics: section.topics.map((id) => report.topics.find((t) => t.id === id)?.name ?? id),
    sentences: bestSentences(section, filterTerms(report, input.filter)),
    figures,
    number: numberOfTheDay(report, input.date, figures),
    article: article ? { title: article.title, date: article.date } : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Alerts: a short message as soon as an article matching a chat's filter is added

/**
 * The ledger key of an alert: deliveries are keyed (chat, key), a local date for digests and `alert:<article id>`
 * for alerts, so an alert gets the digests' exactly-once rules and never counts as a day's digest or in `history`
 * (`alert:` sorts after every date).
 */
const ALERT_PREFIX = 'alert:';
export function alertKey(articleId: string): string {
  return `${ALERT_PREFIX}${articleId}`;
}
/** The article id of an alert's ledger key; null for a digest's date. */
export function alertArticleId(key: string): string | null {
  return key.startsWith(ALERT_PREFIX) ? key.slice(ALERT_PREFIX.length) : null;
}

/** A rendering-neutral alert: the new article, and its sections that match the chat's filter. */
export interface Alert {
  articleId: string;
  title: string;
  date: string | null;
  filter: DigestFilter | null;
  /** The matching sections, in reading order (at most MAX_ALERT_SECTIONS), and how many more there are. */
  sections: Array<{ id: string; headline: string | null; speaker: string | null; topics: string[] }>;
  more: number;
}

const MAX_ALERT_SECTIONS = 3;

/** The alert a chat with `filter` gets for a newly added article; null when none of its sections match (or it is gone). */
export function composeAlert(report: Report, articleId: string, filter: DigestFilter | null): Alert | null {
  const article = report.articles.find((a) => a.id === articleId);
  if (!article) return null;
  const own = report.sections.filter((s) => s.articleId === articleId && matchesFilter(s, filter));
  const whole = own.filter((s) => s.kind !== 'continuation');
  const pool = whole.length > 0 ? whole : own;
  if (pool.length === 0) return null;
  return {
    articleId,
    title: article.title,
    date: article.date,
    filter,
    sections: pool.slice(0, MAX_ALERT_SECTIONS).map((s) => ({
      id: s.id,
      headline: s.headline ?? s.heading,
      speaker: s.speaker?.name ?? null,
      topics: s.topics.map((id) => report.topics.find((t) => t.id === id)?.name ?? id),
    })),
    more: Math.max(0, pool.length - MAX_ALERT_SECTIONS),
  };
}

/**
 * The option words of `/subscribe`, taken out of the filter words: alerts on (`即时`) or off (`仅每日`); on days with
 * nothing new, send nothing (`有新才发`) or the one line (`每天都发`). null: not given, keep what was set.
 */
const ALERTS_ON = /^(即时|实时|即时提醒|--now)$/iu;
const ALERTS_OFF = /^(仅每日|只要每日|不要即时|--daily)$/iu;
const QUIET_SKIP = /^(有新才发|有新再发)$/u;
const QUIET_SAY = /^(每天都发)$/u;
export function takeOptionWords(words: readonly string[]): { words: string[]; alerts: boolean | null; skipQuietDays: boolean | null } {
  let alerts: boolean | null = null;
  let skipQuietDays: boolean | null = null;
  const rest: string[] = [];
  for (const w of words) {
    if (ALERTS_ON.test(w)) alerts = true;
    else if (ALERTS_OFF.test(w)) alerts = false;
    else if (QUIET_SKIP.test(w)) skipQuietDays = true;
    else if (QUIET_SAY.test(w)) skipQuietDays = false;
    else rest.push(w);
  }
  return { words: rest, alerts, skipQuietDays };
}

// ---------------------------------------------------------------------------------------------
// Times of day and time zones

/** Minutes after midnight, 0..1439. */
export type Minutes = number;

/** `七` → 7, `十二` → 12, `二十三` → 23, `零五` → 5, `05` → 5; null for anything else. */
function parseSmallNumber(text: string): number | null {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  // `七`, `十二`, `零五` (as in 七点零五): a whole number under 100.
  const value = parseChineseNumber(text);
  return value !== null && Number.isInteger(value) && value < 100 ? value : null;
}

/**
 * Parse a time of day as users type it: `07:30`, `7:30`, `７：３０`, `8:00pm`, `7点`, `7点半`, `七点半`, `下午3点15分`, `晚上12点` (midnight).
 * Returns minutes after midnight, or null when it is not a valid time (`25:00`, `13pm`, `abc`).
 */
export function parseTimeOfDay(input: string): Minutes | null {
  // NFKC first: full-width digits and colons (`７：３０`) as typed with a Chinese IME become plain ones.
  const text = input.normalize('NFKC').trim().replace(/\s+/g, '');
  const colon = /^(\d{1,2})[:：](\d{2})$/.exec(text);
  if (colon) return toMinutes(Number(colon[1]), Number(colon[2]));
  const ampm = /^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)$/i.exec(text);
  if (ampm) {
    const hour = Number(ampm[1]);
    if (hour < 1 || hour > 12) return null;
    // 12am is midnight, 12pm noon.
    return toMinutes((hour % 12) + (/^p/i.test(ampm[3]!) ? 12 : 0), Number(ampm[2] ?? 0));
  }
  const cn = /^(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|半夜|午夜)?([0-9一二两三四五六七八九十〇零]{1,3})[点點时時](半|一刻|三刻|([0-9一二三四五六七八九十〇零]{1,3})分?)?$/.exec(text);
  if (!cn) return null;
  const [, period, hourText = '', rest, minuteText] = cn;
  let hour = parseSmallNumber(hourText);
  if (hour === null) return null;
  let minute = 0;
  if (rest === '半') minute = 30;
  else if (rest === '一刻') minute = 15;
  else if (rest === '三刻') minute = 45;
  else if (minuteText !== undefined) {
    const m = parseSmallNumber(minuteText);
    if (m === null) return null;
    minute = m;
  }
  // 下午3点 is 15:00; 下午15点 stays 15:00; 中午12点 stays noon.
  if ((period === '下午' || period === '傍晚' || period === '晚上') && hour < 12) hour += 12;
  if (period === '中午' && hour < 11) hour += 12;
  // 晚上12点 (and 凌晨/半夜/午夜12点) is midnight, the start of the day, not noon.
  if ((period === '晚上' || period === '凌晨' || period === '半夜' || period === '午夜') && hour === 12) hour = 0;
  return toMinutes(hour, minute);
}

function toMinutes(hour: number, minute: number): Minutes | null {
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  return hour * 60 + minute;
}

/** 450 → `07:30`. */
export function formatTimeOfDay(minutes: Minutes): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether the runtime knows a time zone name (`Asia/Shanghai`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** An instant as a wall-clock date and minute in a time zone. */
export function localDateTime(instantMs: number, timeZone: string): { date: LocalDate; minutes: Minutes } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instantMs)).map((p) => [p.type, p.value]));
  return { date: `${parts['year']}-${parts['month']}-${parts['day']}`, minutes: Number(parts['hour']) * 60 + Number(parts['minute']) };
}

/** The day after a local date (`2022-06-30` → `2022-07-01`). */
export function nextDate(date: LocalDate): LocalDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The day before a local date (`2022-07-01` → `2022-06-30`). */
export function previousDate(date: LocalDate): LocalDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Whether a subscription at `minutes` is due at this local time (its time has come today). */
export function isDue(subscriptionMinutes: Minutes, local: { minutes: Minutes }): boolean {
  return local.minutes >= subscriptionMinutes;
}

/**
 * When the next digest goes out, as a local date and time:
 * today at the chosen time unless today's was already sent (or the time has passed and it was sent), else tomorrow.
 */
export function nextSend(subscriptionMinutes: Minutes, local: { date: LocalDate; minutes: Minutes }, sentToday: boolean): { date: LocalDate; time: string; today: boolean } {
  const today = !sentToday;
  return { date: today ? local.date : nextDate(local.date), time: formatTimeOfDay(subscriptionMinutes), today };
}

/**
 * What `/subscribe` was given: a time and/or filter words (`filterQuery` is them joined by a space, null when none);
 * or the token that looked like a time but is not one.
 */
export type SubscribeArgs =
  | { ok: true; minutes: Minutes | null; filterQuery: string | null; words: string[] }
  | { ok: false; badTime: string };

// `25:00`, `7:60`, `0730`, `25点`, `13pm`: meant as a time, but invalid — worth a specific answer rather than a filter lookup.
const TIME_LIKE = /^(\d{1,4}|\d{1,2}[:：]\d{1,2}|\d{1,2}(:\d{1,2})?(am|pm|a\.m\.|p\.m\.)|.{0,4}[0-9一二两三四五六七八九十]+[点點时時].*)$/i;

/** Parse `/subscribe` arguments: `07:30 就业`, `就业 7点半`, `8:00 pm`, `潼南`, `` (defaults). */
export function parseSubscribeArgs(query: string): SubscribeArgs {
  const tokens = query
    .normalize('NFKC')
    .trim()
    // `8:00 pm` is one time.
    .replace(/(\d)\s+(am|pm|a\.m\.|p\.m\.)(?=\s|$)/gi, '$1$2')
    .split(/\s+/)
    .filter((t) => t.length > 0);
  let minutes: Minutes | null = null;
  const rest: string[] = [];
  for (const token of tokens) {
    if (minutes === null) {
      // `7点半就业`: a time glued to the filter; take the longest prefix that reads as a time.
      const split = splitLeadingTime(token);
      if (split) {
        minutes = split.minutes;
        if (split.rest) rest.push(split.rest);
        continue;
      }
    }
    if (minutes === null && rest.length === 0 && TIME_LIKE.test(token)) return { ok: false, badTime: token };
    else rest.push(token);
  }
  return { ok: true, minutes, filterQuery: rest.length > 0 ? rest.join(' ') : null, words: rest };
}

function splitLeadingTime(token: string): { minutes: Minutes; rest: string } | null {
  for (let len = token.length; len >= 2; len--) {
    const minutes = parseTimeOfDay(token.slice(0, len));
    if (minutes !== null) return { minutes, rest: token.slice(len) };
  }
  return null;
}
