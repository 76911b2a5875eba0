/**
 * Scores an ingested report against hand-made ground truth, article by article (the corpus README's rules):
 * sections by their first characters, speakers, people, places by official division, figures, and questions.
 * Pure: the caller ingests, loads the engine and passes a way to ask.
 */
import type { Answer } from '../core/answer.ts';
import type { Report, Section } from '../core/report.ts';
import type { Truth, TruthPerson } from './truth.ts';

/** How many of how many: `right` of `total`. */
export interface Tally {
  right: number;
  total: number;
}

export interface ArticleScore {
  article: string;
  /** Truth sections whose first body paragraph opens one of ours. */
  sections: Tally;
  /** …or opens the second or third paragraph of one of ours (a caption or kicker kept in front). */
  sectionsNear: number;
  /** Our section count equals the truth's. */
  sectionCountRight: boolean;
  sectionCount: { ours: number; truth: number };
  speakersExact: Tally;
  speakerNames: Tally;
  /** Truth sections whose speaker we got wrong or missed with no ingest warning on the section (`right` counts those). */
  silent: Tally;
  people: Tally;
  /** Places by official division (the corpus README's "Places"): precision over ours, recall over the truth's required ones. */
  places: PlaceCounts;
  /** Chongqing districts and counties only, by the same rule (the corpus README's district check). */
  districts: PlaceCounts;
  /** Districts a section is tagged with although its text names no place in them. */
  unnamedDistrictTags: number;
  figures: Tally;
  questions: Tally;
  /** Top result is the right section, but a caption or kicker stands in front of its first paragraph. */
  questionsNear: number;
  /** What went wrong, one line each, for a human reading the eval. */
  misses: string[];
}

/** Case, width and spacing do not count when comparing names and first characters. */
export const plain = (s: string): string => s.normalize('NFKC').replace(/[\s\u3000]+/gu, '');

const CHONGQING = '重庆市';

// A dateline at the start of a paragraph (`本报北京1月2日电  （记者王浩）`), skipped when matching first characters.
const DATELINE = /^(?:本报|新华社)[^，。（(]{0,12}电\s*[（(][^）)]*[）)]/u;
// A speaker or interviewer prefix (`张三：`, `记者：`), also skipped.
const PREFIX = /^[^，。！？“”：:]{1,40}[：:]/u;

/** Where `first` begins in the section: 0 = its first paragraph, 1–2 = a later one (something kept in front), -1 = not at all. */
export function matchDepth(section: Pick<Section, 'paragraphs'>, first: string): number {
  const want = plain(first);
  for (let i = 0; i < Math.min(3, section.paragraphs.length); i++) {
    const p = plain(section.paragraphs[i]!);
    const variants = [p, p.replace(DATELINE, ''), p.replace(PREFIX, '')];
    if (variants.some((v) => v.startsWith(want))) return i;
  }
  return -1;
}

const samePerson = (a: TruthPerson, b: { name: string; role: string; org: string }): boolean =>
  plain(a.name) === plain(b.name) && plain(a.role) === plain(b.role) && plain(a.org) === plain(b.org);

const personText = (p: { name: string; role: string; org: string } | null): string => (p ? `${p.name}/${p.role}/${p.org}` : '—');

/** Score one article's sections (already ingested into `report`) against its truth. */
export function scoreArticle(report: Report, articleId: string, truth: Truth, ask: (line: string) => Answer): ArticleScore {
  const sections = report.sections.filter((s) => s.articleId === articleId);
  const byId = new Map(report.sections.map((s) => [s.id, s]));
  const misses: string[] = [];
  const find = (first: string): { section: Section; depth: number } | null => {
    let best: { section: Section; depth: number } | null = null;
    for (const section of sections) {
      const depth = matchDepth(section, first);
      if (depth >= 0 && (!best || depth < best.depth)) best = { section, depth };
    }
    return best;
  };

  let sectionsRight = 0;
  let sectionsNear = 0;
  const speakersExact: Tally = { right: 0, total: 0 };
  const speakerNames: Tally = { right: 0, total: 0 };
  let silent = 0;
  for (const t of truth.sections) {
    const hit = find(t.first_chars);
    if (hit?.depth === 0) sectionsRight++;
    else if (hit) {
      sectionsNear++;
      misses.push(`section ${t.first_chars}: something kept in front of it`);
    } else misses.push(`section ${t.first_chars}: not found`);
    const ours = hit?.section.speaker ?? null;
    const right = t.speaker ? ours !== null && samePerson(t.speaker, ours) : ours === null;
    // An editor reads the warnings when an article comes in: a wrong speaker nobody was warned about reaches readers.
    if (!right && !(hit?.section.warnings?.length)) {
      silent++;
      misses.push(`silent: section ${t.first_chars}: speaker ${personText(t.speaker)}, got ${personText(ours)} with no warning`);
    }
    if (!t.speaker) continue;
    speakersExact.total++;
    speakerNames.total++;
    if (right) speakersExact.right++;
    else misses.push(`speaker ${personText(t.speaker)}: got ${personText(ours)}`);
    if (ours && plain(ours.name) === plain(t.speaker.name)) speakerNames.right++;
  }
  if (sections.length !== truth.sections.length) misses.push(`section count ${sections.length}, truth ${truth.sections.length}`);

  const names = new Set(sections.flatMap((s) => [...(s.speaker ? [s.speaker] : []), ...s.people]).map((p) => plain(p.name)));
  const wantedPeople = new Map<string, TruthPerson>();
  for (const p of [...truth.people, ...truth.sections.flatMap((s) => (s.speaker ? [s.speaker] : []))]) wantedPeople.set(plain(p.name), p);
  let peopleFound = 0;
  for (const [name, p] of wantedPeople) {
    if (names.has(name)) peopleFound++;
    else misses.push(`person ${personText(p)}: not found`);
  }

  const ourPlaces = new Map<string, string>();
  for (const s of sections) for (const p of s.places) ourPlaces.set(p.division, p.name);
  const placeScore = scorePlaces([...ourPlaces.keys()], truth.places);
  for (const p of truth.places) if (!p.optional && !ourPlaces.has(p.division)) misses.push(`place ${p.name} (${p.division}): not found`);
  for (const [d, name] of ourPlaces) if (!placeScore.allowed.has(d)) misses.push(`place ${name} (${d}): not in the truth`);

  // Chongqing's districts and counties on their own: a required place in Chongqing at district level or below requires
  // its district (`石井坡街道` → 沙坪坝区); any listed one allows it.
  const cqPlaces = truth.places.flatMap((p) => {
    const district = cqDistrictOf(p.division);
    return district ? [{ ...p, division: district }] : [];
  });
  const ourDistricts = [...new Set(sections.flatMap((s) => s.districts).filter((d) => d !== CHONGQING))];
  const districtScore = scorePlaces(
    ourDistricts.map((d) => CHONGQING + d),
    cqPlaces,
  );
  for (const d of ourDistricts) if (!districtScore.allowed.has(CHONGQING + d)) misses.push(`district ${d}: not in the truth`);

  let unnamed = 0;
  for (const s of sections) {
    const text = [s.heading ?? '', s.headline ?? '', ...s.paragraphs, ...(s.captions ?? [])].join('\n');
    for (const d of s.districts) {
      const named = s.places.some((p) => p.district === d && text.includes(p.name));
      if (!named) {
        unnamed++;
        misses.push(`section ${s.id}: tagged ${d} but names no place in it`);
      }
    }
  }

  const ourFigures = sections.flatMap((s) => s.figures);
  let figuresRight = 0;
  for (const f of truth.figures) {
    if (ourFigures.some((o) => o.value === f.value && o.unit === f.unit)) figuresRight++;
    else {
      const near = ourFigures.find((o) => o.text.includes(f.text.replace(/[多余]$/u, '')) || Math.abs(o.value - f.value) <= Math.abs(f.value) * 0.005);
      misses.push(`figure ${f.text} = ${f.value} ${f.unit}: ${near ? `got ${near.text} = ${near.value} ${near.unit}` : 'not found'}`);
    }
  }

  let questionsRight = 0;
  let questionsNear = 0;
  for (const q of truth.questions) {
    const answer = ask(q.ask);
    const top = answer.results[0] ? byId.get(answer.results[0].sectionId) : undefined;
    const depth = top && top.articleId === articleId ? matchDepth(top, q.expect_first_chars) : -1;
    if (depth === 0) questionsRight++;
    else if (depth > 0) {
      questionsNear++;
      misses.push(`question ${q.ask}: right section, but something kept in front of it`);
    } else misses.push(`question ${q.ask}: ${top ? `top is ${top.id} (${top.paragraphs[0]!.slice(0, 12)})` : `no result (${answer.status}: ${answer.message.slice(0, 40)})`}`);
  }

  return {
    article: articleId,
    sections: { right: sectionsRight, total: truth.sections.length },
    sectionsNear,
    sectionCountRight: sections.length === truth.sections.length,
    sectionCount: { ours: sections.length, truth: truth.sections.length },
    speakersExact,
    speakerNames,
    silent: { right: silent, total: truth.sections.length },
    people: { right: peopleFound, total: wantedPeople.size },
    places: placeScore.counts,
    districts: districtScore.counts,
    unnamedDistrictTags: unnamed,
    figures: { right: figuresRight, total: truth.figures.length },
    questions: { right: questionsRight, total: truth.questions.length },
    questionsNear,
    misses,
  };
}

/** `重庆市黔江区小南海镇` → `重庆市黔江区`: the Chongqing district or county a division lies in, or null (the city, elsewhere). */
const cqDistrictOf = (division: string): string | null => /^重庆市[^市]*?[区县]/u.exec(division)?.[0] ?? null;

/**
 * How our places compare with the truth's: `right` of ours are required, optional or implied (a division containing a
 * listed one: tagging 四川省 for 四川省成都市 is never wrong), and `found` of the required ones are ours.
 */
export interface PlaceCounts {
  /** Required divisions we tag. */
  found: number;
  /** Our divisions that are required, optional or implied. */
  right: number;
  ours: number;
  /** Required divisions. */
  truth: number;
}

type TruthPlace = Truth['places'][number];

/** Score `ours` (divisions) against truth places. */
export function scorePlaces(ours: readonly string[], truth: readonly Pick<TruthPlace, 'division' | 'optional'>[]): { counts: PlaceCounts; allowed: Set<string> } {
  const listed = truth.map((p) => p.division);
  const required = new Set(truth.filter((p) => !p.optional).map((p) => p.division));
  // Division names run from the province down (`四川省成都市龙泉驿区`), so a containing division is a prefix.
  const allowed = new Set(ours.filter((d) => listed.some((l) => l.startsWith(d))));
  return {
    counts: {
      found: ours.filter((d) => required.has(d)).length,
      right: allowed.size,
      ours: new Set(ours).size,
      truth: required.size,
    },
    allowed,
  };
}

export interface Totals {
  articles: number;
  sectionsRight: Tally;
  sectionsNear: number;
  sectionCountRight: Tally;
  speakersExact: Tally;
  speakerNames: Tally;
  silent: Tally;
  people: Tally;
  placesPrecision: Tally;
  placesRecall: Tally;
  districtsPrecision: Tally;
  districtsRecall: Tally;
  unnamedDistrictTags: number;
  figures: Tally;
  questions: Tally;
  questionsNear: number;
}

/** Sum the article scores (micro-averaged: every item counts once, whichever article it is in). */
export function totalOf(scores: ArticleScore[]): Totals {
  const sum = (f: (s: ArticleScore) => number) => scores.reduce((n, s) => n + f(s), 0);
  return {
    articles: scores.length,
    sectionsRight: { right: sum((s) => s.sections.right), total: sum((s) => s.sections.total) },
    sectionsNear: sum((s) => s.sectionsNear),
    sectionCountRight: { right: sum((s) => (s.sectionCountRight ? 1 : 0)), total: scores.length },
    speakersExact: { right: sum((s) => s.speakersExact.right), total: sum((s) => s.speakersExact.total) },
    speakerNames: { right: sum((s) => s.speakerNames.right), total: sum((s) => s.speakerNames.total) },
    silent: { right: sum((s) => s.silent.right), total: sum((s) => s.silent.total) },
    people: { right: sum((s) => s.people.right), total: sum((s) => s.people.total) },
    placesPrecision: { right: sum((s) => s.places.right), total: sum((s) => s.places.ours) },
    placesRecall: { right: sum((s) => s.places.found), total: sum((s) => s.places.truth) },
    districtsPrecision: { right: sum((s) => s.districts.right), total: sum((s) => s.districts.ours) },
    districtsRecall: { right: sum((s) => s.districts.found), total: sum((s) => s.districts.truth) },
    unnamedDistrictTags: sum((s) => s.unnamedDistrictTags),
    figures: { right: sum((s) => s.figures.right), total: sum((s) => s.figures.total) },
    questions: { right: sum((s) => s.questions.right), total: sum((s) => s.questions.total) },
    questionsNear: sum((s) => s.questionsNear),
  };
}

/** `right/total (pct%)`; an empty tally reads as 100%. */
export function ratio(t: Tally): number {
  return t.total === 0 ? 1 : t.right / t.total;
}
