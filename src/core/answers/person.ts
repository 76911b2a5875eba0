// /person: speakers and other named people, by name, pinyin, a homophone, part of a name, or words of their org and role.
import type { Answer, AnswerResult, Resolved } from '../answer.ts';
import { latinKey, pinyinKeys, syllables } from '../pinyin.ts';
import { personLabel, type Person } from '../report.ts';
import { TypoSearch } from '../typo-search.ts';
import { makeAnswer, makeResult, sectionAt, sentencesHoldingWords, sentencesMentioning, type EngineContext } from './context.ts';

interface PersonEntry {
  person: Person;
  label: string;
  key: string;
  full: string;
  initials: string;
  /** Sections the person appears in: their own (as speaker) first, each group in report order. */
  sections: number[];
  /** How many of `sections` are their own. */
  own: number;
  /** Their org and role folded (`norm`) and as a name key (`key`), made when a query first reads them. */
  about?: { norm: string; key: string };
}

/** A person's org and role, folded and as a name key; read once per entry (a query may read every person's). */
function aboutOf(ctx: EngineContext, e: PersonEntry): { norm: string; key: string } {
  if (!e.about) {
    const text = `${e.person.org}${e.person.role}`;
    e.about = { norm: ctx.fnorm(text), key: ctx.fkey(text) };
  }
  return e.about;
}

/** What /person looks up, built once per report. */
export interface PersonIndex {
  /** One entry per (name, org), in report order. */
  people: PersonEntry[];
  /** Over the full pinyin, for typos in typed pinyin. */
  fuse: TypoSearch<PersonEntry>;
}

/** Index speakers and other named people once, one entry per (name, org). */
export function indexPeople(ctx: EngineContext): PersonIndex {
  const people: PersonEntry[] = [];
  const personByKey = new Map<string, PersonEntry>();
  // Own sections and mentions collected apart and joined at the end (own first, each ascending): inserting into one
  // list would cost a person named in thousands of sections a quadratic time.
  const lists = new Map<PersonEntry, { own: number[]; other: number[]; last: number }>();
  const add = (p: Person, own: boolean, i: number): void => {
    const k = `${p.name}\u0000${p.org}`;
    let e = personByKey.get(k);
    if (!e) {
      const pk = pinyinKeys(p.name);
      e = { person: p, label: personLabel(p), key: ctx.fkey(p.name), full: pk.full, initials: pk.initials, sections: [], own: 0 };
      personByKey.set(k, e);
      people.push(e);
      lists.set(e, { own: [], other: [], last: -1 });
    }
    const l = lists.get(e)!;
    // Sections come in order, so a section already listed for this person is the current one.
    if (l.last === i) return;
    l.last = i;
    (own ? l.own : l.other).push(i);
  };
  ctx.sections.forEach((s, i) => {
    if (s.speaker) add(s.speaker, true, i);
    for (const p of s.people) add(p, false, i);
  });
  for (const [e, l] of lists) {
    e.sections = [...l.own, ...l.other];
    e.own = l.own.length;
  }
  return { people, fuse: personTypos(people) };
}

/** How many people a miss suggests. */
const SUGGESTED_PEOPLE = 30;

/** The first `n` distinct names of `people`, in report order. */
function firstNames(people: readonly PersonEntry[], n: number): string[] {
  const names = new Set<string>();
  for (const e of people) {
    if (names.size >= n) break;
    names.add(e.person.name);
  }
  return [...names];
}

/** Typos in the pinyin of a name (`liuhongguan`), over these people. */
export function personTypos(people: readonly PersonEntry[]): TypoSearch<PersonEntry> {
  return new TypoSearch(people, { keys: ['full'], threshold: 0.25, includeScore: true });
}

/** Answer /person: everyone the query could name, best match first; namesakes are told apart by org. */
export function answerPerson(ctx: EngineContext, px: PersonIndex, q: string): Answer {
  const { people } = px;
  const { fkey, fnorm } = ctx;
  const key = fkey(q);
  const latin = latinKey(q);
  const qSyl = latin ? null : syllables(key).join('');
  // `at`: the person's place in the report, which orders matches of one score (found once, not in every comparison).
  const matches: { e: PersonEntry; score: number; at: number }[] = [];
  for (let at = 0; at < people.length; at++) {
    const e = people[at]!;
    let score = 0;
    if (e.key === key) score = 1;
    else if (key.includes(e.key)) {
      // Extra words (`张三主任`, `张三 生态环境局`): more if they describe this person's org or role.
      const rest = key.replace(e.key, '');
      const about = aboutOf(ctx, e).key;
      let shared = 0;
      for (let k = 0; k + 1 < rest.length; k++) if (about.includes(rest.slice(k, k + 2))) shared++;
      score = 0.9 + 0.09 * (rest.length > 1 ? shared / (rest.length - 1) : 0);
    }
    else if (latin && (latin === e.full || latin === e.initials)) score = 0.95;
    else if (qSyl && qSyl === e.full && key.length === e.key.length) score = 0.85; // homophone name
    else if (e.key.includes(key) && key.length >= 1) score = key.length >= 2 ? 0.7 : 0.5;
    else if (latin && latin.length >= 2 && e.full.startsWith(latin)) score = 0.6;
    if (score > 0) matches.push({ e, score, at });
  }
  if (matches.length === 0 && latin && latin.length >= 4) {
    for (const r of px.fuse.search(latin).slice(0, 3)) matches.push({ e: r.item, score: 0.5 * (1 - (r.score ?? 0)), at: people.indexOf(r.item) });
  }
  if (matches.length === 0 && key.length >= 2) {
    // A surname and a title, as officials are referred to (`刘主任`, `向书记`, `欧阳局长`): the people of that
    // surname whose post holds the title.
    for (let at = 0; at < people.length; at++) {
      const e = people[at]!;
      // A surname is the name's first character or two: a query not starting with that character names no one here.
      if (e.key.charCodeAt(0) !== key.charCodeAt(0)) continue;
      const surname = surnameOf(e.key);
      if (!surname || !key.startsWith(surname) || key.length <= surname.length) continue;
      if (aboutOf(ctx, e).key.includes(key.slice(surname.length))) matches.push({ e, score: 0.8, at });
    }
  }
  if (matches.length === 0 && key.length >= 2) {
    // No name matched: look for the words in people's org and role (`校长`, `纪委`).
    for (let at = 0; at < people.length; at++) if (aboutOf(ctx, people[at]!).norm.includes(key)) matches.push({ e: people[at]!, score: 0.3, at });
  }
  if (matches.length === 0) {
    // Nobody of that name was recognised as a person, but the text may still name them: say where.
    const named = key.length >= 2 ? sentencesHoldingWords(ctx, q) : [];
    if (named.length > 0) return textAnswer(ctx, q, named);
    const names = firstNames(people, SUGGESTED_PEOPLE);
    return makeAnswer('person', q, 'no_match', `报道中没有找到“${q}”。报道中的人物有：${names.join('、')}。`, { suggestions: names });
  }
  matches.sort((a, b) => b.score - a.score || a.at - b.at);
  const top = matches[0]!;
  const sameName = matches.filter((m) => m.score === top.score);
  const results: AnswerResult[] = [];
  for (const { e, score } of matches) {
    for (const i of e.sections) {
      if (results.length >= ctx.opts.maxResults) break;
      const hits = sentencesMentioning(ctx, i, [fnorm(e.person.name)]);
      // Down by position, less than any step between two matches: scores fall along the results, as the order does.
      results.push(makeResult(ctx, i, score * 100 - results.length / (ctx.opts.maxResults + 1), hits, [e.person.name], { mark: 'exact', speaker: sectionAt(ctx, i).speaker ?? e.person }));
    }
  }
  const resolved: Resolved = { kind: 'person', id: top.e.person.name, label: top.e.label };
  const message =
    sameName.length > 1
      ? `找到 ${sameName.length} 位：${sameName.map((m) => m.e.label).join('；')}。`
      : `${top.e.label}：报道中有 ${top.e.sections.length} 段相关内容。`;
  const names = [...new Set(matches.map((m) => m.e.person.name))];
  return makeAnswer('person', q, 'ok', message, { resolved, results, suggestions: names.length > 1 ? names : [] });
}

/** Where the text names `q` although ingest found no person of that name: the sections, in report order. */
function textAnswer(ctx: EngineContext, q: string, sentences: number[]): Answer {
  const bySection = new Map<number, number[]>();
  for (const id of sentences) {
    const i = ctx.index.sectionOf(id);
    bySection.set(i, [...(bySection.get(i) ?? []), id]);
  }
  const results = [...bySection]
    .slice(0, ctx.opts.maxResults)
    .map(([i, ids], k) => makeResult(ctx, i, 100 - k, ids, [q], { mark: 'exact' }));
  const resolved: Resolved = { kind: 'text', id: q, label: q };
  return makeAnswer('person', q, 'ok', `报道没有把“${q}”列为人物，但有 ${bySection.size} 段提到“${q}”。`, { resolved, results });
}

/** Two-character surnames (复姓) a name may start with; any other name's surname is its first character. */
const COMPOUND_SURNAMES = new Set(['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '长孙', '宇文', '司徒', '夏侯', '轩辕', '端木', '独孤', '南宫', '西门', '百里']);

/** The surname of a Chinese name of two to four characters (`王建国` → 王, `欧阳明` → 欧阳); '' for other names. */
function surnameOf(name: string): string {
  if (!/^\p{Script=Han}{2,4}$/u.test(name)) return '';
  const two = name.slice(0, 2);
  return COMPOUND_SURNAMES.has(two) && name.length >= 3 ? two : name.slice(0, 1);
}
