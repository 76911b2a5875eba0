// Warming the answering code up after start. V8 compiles a function to fast machine code only once it has run many
// times: a fresh process answers its first few thousand queries in milliseconds, not the tenths of one it takes once
// compiled. Answering queries like users' once the bot is up and idle gets that done before users ask. They are made
// by rule from what the report names (its districts, topics, speakers, figures, words), not kept as a list, so an
// article added or another report gets its own. The queries cover each command's paths: names as written, shortened, in
// pinyin, spaced or in capitals, with a typo, a character of the same sound or a pinyin letter missing; places of each
// kind; figures in full-width digits, with thousands separators, or near one the text holds; a word that is no topic, a
// pasted passage, a miss. A path the warm-up never took is compiled (or thrown away and compiled again, when it meets
// a kind of value it had not seen) while users wait: on the corpus, a narrower set left the first thousand answers
// after it up to twice as slow as later ones.
import type { SearchCommand } from './answer.ts';
import type { Figure, Place, Report } from './report.ts';
import { syllables } from './pinyin.ts';

export type WarmUpQuery = readonly [SearchCommand, string];

/**
 * Answers a warm-up gives: past about this many, an uncached answer's 99th percentile stops falling (0.3 ms after
 * 3,000 and 0.2 ms after 6,000 on the shipped report, against 1–4 ms cold; `npm run bench` prints both). About half a
 * second of one core on the shipped report, a second on the 56 articles of the corpus.
 */
export const WARM_UP_ANSWERS = 6000;

/**
 * How many of each kind of name the warm-up takes from the report. Many, so the answering code meets most kinds of
 * value it will (with 4, a fifth more answers after it took over 0.5 ms); WARM_UP_ANSWERS, not this, sets its length.
 */
const PER_KIND = 12;

/** Queries of every command and every kind of spelling users type, made from what `report` holds. */
export function warmUpQueries(report: Report): WarmUpQuery[] {
  const sections = report.sections;
  const distinct = <T>(xs: T[]): T[] => [...new Set(xs)].slice(0, PER_KIND);
  const districts = distinct(sections.flatMap((s) => s.districts).filter((d) => d !== '重庆市'));
  const places = placesOfEachKind(sections.flatMap((s) => s.places), districts);
  const topics = report.topics.filter((t) => sections.some((s) => s.topics.includes(t.id))).slice(0, PER_KIND);
  // One per name and post: two people of one name (the seed's two 刘明) are both asked.
  const speakers = [...new Map(sections.flatMap((s) => (s.speaker ? [[`${s.speaker.name}\u0000${s.speaker.role}`, s.speaker] as const] : []))).values()].slice(0, PER_KIND);
  const figures = figuresOfEachShape(sections.flatMap((s) => s.figures));
  const paragraphs = sections.flatMap((s) => s.paragraphs).filter((p) => p.length >= 20);
  const words = distinct(paragraphs.map((p, k) => p.slice(k % 7, (k % 7) + 2 + (k % 3))));
  const queries: WarmUpQuery[] = [];
  const asked = new Set<string>();
  const add = (command: SearchCommand, ...qs: string[]): void => {
    for (const q of qs) {
      if (!q.trim() || asked.has(`${command} ${q}`)) continue;
      asked.add(`${command} ${q}`);
      queries.push([command, q]);
    }
  };

  const sounds = homophoneTable(paragraphs);
  for (const d of districts) {
    const short = d.length > 2 ? d.replace(/[区县]$/u, '') : d;
    const spoken = syllables(short);
    add('district', d, short, spoken.join(''), spoken.join(' ').toUpperCase(), typo(short, districts.join('')), homophone(short, sounds), letterDropped(spoken.join('')));
  }
  add('district', ...places);
  for (const t of topics) {
    const spoken = syllables(t.name).join('');
    add('topic', t.name, ...t.synonyms.slice(0, 2), spoken, t.id.replace(/-/gu, ' '), typo(t.name, t.synonyms.join('')), letterDropped(spoken));
  }
  for (const { name, role } of speakers) {
    const spoken = syllables(name);
    add('person', name, name.slice(1), `${name[0] ?? ''}${role.slice(-2)}`, spoken.join(''), spoken.join(' '), typo(name, speakers.map((p) => p.name).join('')), letterDropped(spoken.join('')));
  }
  // Somebody the report does not name, typed in characters and in pinyin.
  const stranger = `${speakers[0]?.name[0] ?? ''}${typo(words[0] ?? '', paragraphs[0] ?? '')}`;
  add('person', stranger, syllables(stranger).join(' '));
  for (const f of figures) add('figures', f, fullWidthDigits(f), f.replace(/[^\d.]/gu, ''), withThousands(f), nearby(f));
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

/**
 * Places the report names apart from `districts`: two of each kind first (a township, a landmark, somewhere outside
 * Chongqing), then others, up to twice PER_KIND.
 */
function placesOfEachKind(places: readonly Place[], districts: readonly string[]): string[] {
  const others = places.filter((p) => !districts.includes(p.name));
  const kinds = [
    (p: Place) => p.district !== undefined && p.code.length > 6,
    (p: Place) => p.district !== undefined && !p.division.endsWith(p.name),
    (p: Place) => p.district === undefined,
  ];
  return eachKindFirst(others, kinds, 2, (p) => p.name);
}

/**
 * Figures written in each way the report writes them: a number of four digits or more, a percentage, a range, one in
 * Chinese numerals (`三分之一`), a decimal; then others, up to twice PER_KIND.
 */
function figuresOfEachShape(figures: readonly Figure[]): string[] {
  const shapes = [
    (f: Figure) => /\d{4,}/u.test(f.text),
    (f: Figure) => f.text.includes('%'),
    (f: Figure) => f.qualifier === 'range',
    (f: Figure) => !/\d/u.test(f.text),
    (f: Figure) => /\d\.\d/u.test(f.text),
  ];
  return eachKindFirst(figures, shapes, 1, (f) => f.text);
}

/** Up to twice PER_KIND distinct names of `items`: `per` of each kind first, in the order of `kinds`, then the rest. */
function eachKindFirst<T>(items: readonly T[], kinds: readonly ((x: T) => boolean)[], per: number, name: (x: T) => string): string[] {
  const picked = kinds.flatMap((isKind) => items.filter(isKind).slice(0, per).map(name));
  return [...new Set([...picked, ...items.map(name)])].slice(0, 2 * PER_KIND);
}

/** Per toneless syllable, the Han characters of `paragraphs` that sound so (for typing a name by its sound). */
function homophoneTable(paragraphs: readonly string[]): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const p of paragraphs.slice(0, 40)) {
    const chars = [...p];
    const spoken = syllables(p);
    if (spoken.length !== chars.length) continue;
    chars.forEach((c, k) => {
      if (!/\p{Script=Han}/u.test(c)) return;
      const same = table.get(spoken[k]!) ?? [];
      if (!same.includes(c)) table.set(spoken[k]!, [...same, c]);
    });
  }
  return table;
}

/** `name` with its last character written as another of the same sound (`武隆` → `武龙`), or '' when none is known. */
function homophone(name: string, sounds: ReadonlyMap<string, readonly string[]>): string {
  const chars = [...name];
  const last = chars.at(-1) ?? '';
  const other = (sounds.get(syllables(last)[0] ?? '') ?? []).find((c) => c !== last);
  return chars.length >= 2 && other ? chars.slice(0, -1).join('') + other : '';
}

/** Pinyin with a letter left out (`tongnan` → `tonnan`), a slip of the keyboard; '' for short ones. */
function letterDropped(latin: string): string {
  return latin.length >= 5 ? latin.slice(0, 3) + latin.slice(4) : '';
}

/** A figure's number written with thousands separators (`7316人` → `7,316人`), or '' below a thousand. */
function withThousands(figure: string): string {
  const grouped = figure.replace(/\d{4,}/u, (n) => n.replace(/\B(?=(\d{3})+$)/gu, ','));
  return grouped === figure ? '' : grouped;
}

/** A figure the text does not hold but comes near (`3369亿` → `4369亿`): asking a round number one has heard. */
function nearby(figure: string): string {
  return figure.replace(/\d/u, (d) => String((Number(d) % 9) + 1));
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
