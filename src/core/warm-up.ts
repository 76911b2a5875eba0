// Warming the answering code up after start. V8 compiles a function to fast machine code only once it has run many
// times: a fresh process answers its first few thousand queries in milliseconds, not the tenths of one it takes once
// compiled. Answering queries like users' once the bot is up and idle gets that done before users ask. They are made
// by rule from what the report names (its districts, topics, speakers, figures, words), not kept as a list, so an
// article added or another report gets its own. The queries cover each command's paths: names as written, shortened, in
// pinyin, spaced or in capitals, with a typo, full-width digits, a word that is no topic, a pasted passage, a miss.
import type { SearchCommand } from './answer.ts';
import type { Report } from './report.ts';
import { syllables } from './pinyin.ts';

export type WarmUpQuery = readonly [SearchCommand, string];

/**
 * Answers a warm-up gives: past about this many, an uncached answer's 99th percentile stops falling (0.3 ms after
 * 3,000 and 0.2 ms after 6,000 on the shipped report, against 1–4 ms cold; `npm run bench` prints both). About half a
 * second of one core on the shipped report, a second on the 56 articles of the corpus.
 */
export const WARM_UP_ANSWERS = 6000;

/** How many of each kind of name the warm-up takes from the report: enough to vary the paths, few enough to be quick. */
const PER_KIND = 4;

/** Queries of every command and every kind of spelling users type, made from what `report` holds. */
export function warmUpQueries(report: Report): WarmUpQuery[] {
  const sections = report.sections;
  const distinct = <T>(xs: T[]): T[] => [...new Set(xs)].slice(0, PER_KIND);
  const districts = distinct(sections.flatMap((s) => s.districts).filter((d) => d !== '重庆市'));
  const places = distinct(sections.flatMap((s) => s.places.map((p) => p.name)).filter((p) => !districts.includes(p)));
  const topics = report.topics.filter((t) => sections.some((s) => s.topics.includes(t.id))).slice(0, PER_KIND);
  // One per name and post: two people of one name (the seed's two 刘明) are both asked.
  const speakers = [...new Map(sections.flatMap((s) => (s.speaker ? [[`${s.speaker.name}\u0000${s.speaker.role}`, s.speaker] as const] : []))).values()].slice(0, PER_KIND);
  const figures = distinct(sections.flatMap((s) => s.figures.map((f) => f.text)));
  const paragraphs = sections.flatMap((s) => s.paragraphs).filter((p) => p.length >= 20);
  const words = distinct(paragraphs.map((p, k) => p.slice(k % 7, (k % 7) + 2 + (k % 3))));
  const queries: WarmUpQuery[] = [];
  const add = (command: SearchCommand, ...qs: string[]): void => {
    for (const q of qs) if (q.trim()) queries.push([command, q]);
  };

  for (const d of districts) {
    const short = d.length > 2 ? d.replace(/[区县]$/u, '') : d;
    const spoken = syllables(short);
    add('district', d, short, spoken.join(''), spoken.join(' ').toUpperCase(), typo(short, districts.join('')));
  }
  add('district', ...places);
  for (const t of topics) {
    add('topic', t.name, ...t.synonyms.slice(0, 2), syllables(t.name).join(''), t.id.replace(/-/gu, ' '), typo(t.name, t.synonyms.join('')));
  }
  for (const { name, role } of speakers) {
    const spoken = syllables(name);
    add('person', name, name.slice(1), `${name[0] ?? ''}${role.slice(-2)}`, spoken.join(''), spoken.join(' '), typo(name, speakers.map((p) => p.name).join('')));
  }
  for (const f of figures) add('figures', f, fullWidthDigits(f), f.replace(/[^\d.]/gu, ''));
  add('figures', ...words.slice(0, 2));
  for (const [k, w] of words.entries()) add('search', w, `${w} ${words[k + 1] ?? districts[0] ?? ''}`);
  add('topic', ...words.slice(0, 2));
  // The most common character (most sentences hold it), a pasted passage, a paste past the query limit, markup, a miss.
  add('search', commonest(paragraphs), ...paragraphs.slice(0, 2).map((p) => p.slice(0, 120)), (paragraphs[0] ?? '').repeat(20), `<b>${words[0] ?? ''}</b>`, '🙂', 'zzqx 不存在的词语');
  return queries;
}

/**
 * Answer `queries` round after round, one query per step, until `answers` have been given: a caller runs the steps in
 * idle moments (a few milliseconds at a time) so users asking meanwhile wait for one step at most.
 */
export function* warmUpSteps(answer: (command: SearchCommand, query: string) => unknown, queries: readonly WarmUpQuery[], answers: number): Generator<void, void, void> {
  if (queries.length === 0) return;
  for (let k = 0; k < answers; k++) {
    const [command, query] = queries[k % queries.length]!;
    answer(command, query);
    yield;
  }
}

/** `text` with its last character replaced by another from `pool` (a typo users make), or '' when there is none. */
function typo(text: string, pool: string): string {
  const chars = [...text];
  const last = chars.at(-1);
  const other = [...pool].find((c) => c !== last && !chars.includes(c) && /\p{Script=Han}/u.test(c));
  return chars.length >= 2 && other ? chars.slice(0, -1).join('') + other : '';
}

/** Digits as full-width forms (`42%` → `４２%`), as a Chinese keyboard may type them. */
function fullWidthDigits(text: string): string {
  return text.replace(/\d/gu, (d) => String.fromCharCode(0xff10 + Number(d)));
}

/** The Han character most paragraphs hold. */
function commonest(paragraphs: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const p of paragraphs.slice(0, 200)) for (const c of new Set(p)) if (/\p{Script=Han}/u.test(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  let best = '';
  let most = 0;
  for (const [c, n] of counts) if (n > most) [best, most] = [c, n];
  return best;
}
