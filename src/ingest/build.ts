import { parseReport, type Article, type Person, type Place, type Report, type Section, type Topic } from '../core/report.ts';
import { pinyinProLib } from '../core/pinyin.ts';
import type { ChinaDivisions } from '../core/divisions.ts';
import type { Gazetteer, PlaceAlias } from '../core/gazetteer.ts';
import { extractFigures } from './figures.ts';
import { describe, findPeople } from './people.ts';
import { CITY, districtsOf, PlaceFinder } from './places.ts';
import { segmentArticle, type RawSection } from './segment.ts';
import { tagTopics } from './topics.ts';

/** Everything ingest needs besides the articles: the gazetteer, landmark aliases, the topic taxonomy. */
export interface ReferenceData {
  gazetteer: Gazetteer;
  /** Every province-, prefecture- and county-level division of China (data/china-divisions.json). */
  china: ChinaDivisions;
  aliases: PlaceAlias[];
  /** Place names that are everyday words too (`长寿`, `资源`): see data/place-aliases.json. */
  wordLikeShortNames: string[];
  topics: Topic[];
}

/** One raw article: its file name under data/raw/ and its text. */
export interface RawArticle {
  source: string;
  text: string;
  /** The article's date when the caller chose it (src/ingest/dates.ts); otherwise the file name's `yyyy-mm-dd` prefix. */
  date?: string | null;
}

/**
 * Build a validated report from raw articles, in the order given. Pure: same input, same report.
 * `onWarning` hears about lines ingest had to guess about (a heading with no recognisable speaker, a fragment left open).
 */
export function buildReport(articles: RawArticle[], refs: ReferenceData, onWarning: (message: string) => void = () => {}): Report {
  if (articles.length === 0) throw new Error('no articles to ingest: put .txt files in data/raw/');
  const finder = new PlaceFinder(refs);
  // One bad article is reported and skipped; it never takes the others down with it.
  const built = articles.flatMap((a) => {
    try {
      return [buildArticle(a, articleSlug(a.source), finder, refs.topics, onWarning)];
    } catch (err) {
      onWarning(`${a.source}: skipped: ${(err as Error).message}`);
      return [];
    }
  });
  if (built.length === 0) throw new Error('no article could be ingested (see the warnings above)');
  const ids = built.map((b) => b.article.id);
  const clash = ids.find((id, i) => ids.indexOf(id) !== i);
  if (clash) throw new Error(`two articles have the id "${clash}": rename one of the files in data/raw/`);
  // The report's face is its newest article, so adding an older one never changes what /about and /start show.
  const face = newest(built.map((b) => b.article));
  return parseReport({
    title: face.title,
    subtitle: face.subtitle,
    reporters: face.reporters,
    articles: built.map((b) => b.article),
    topics: refs.topics,
    sections: built.flatMap((b) => b.sections),
  });
}

function buildArticle(
  raw: RawArticle,
  articleId: string,
  finder: PlaceFinder,
  topics: Topic[],
  onWarning: (message: string) => void,
): { article: Article; sections: Section[] } {
  const seg = segmentArticle(raw.text);
  seg.sections = seg.sections.filter((s) => {
    if (s.paragraphs.length > 0) return true;
    onWarning(`${raw.source}: heading with no text under it, dropped: ${s.heading ?? '(none)'}`);
    return false;
  });
  if (seg.sections.length === 0) throw new Error(`${raw.source}: no sections found`);
  const article: Article = {
    id: articleId,
    source: raw.source,
    date: raw.date !== undefined ? raw.date : dateOf(raw.source),
    title: seg.title,
    subtitle: seg.subtitle,
    reporters: [...new Set(seg.reporters)],
  };
  const topicsBySection = tagTopics(topics, seg.sections);
  // Ids are made from the file name and the speaker, not positions, so a new article or one more heading
  // found in this one leaves the other ids (and the delivery history that points at them) alone.
  const used = new Set<string>();
  const unique = (base: string) => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  const placesBySection = finder.findInArticle(
    // Captions and the lead's subtitle name places too (`图为…某某县…`): all a reader sees of the section.
    seg.sections.map((s, i) => [s.heading ?? '', ...(i === 0 && seg.subtitle ? [seg.subtitle] : []), ...s.paragraphs, ...s.captions].join('\n')),
    (w) => onWarning(`${raw.source}: ${w}`),
  );
  let continuationCount = 0;
  // The Chongqing district the article names most: what a bare `区`/`县` in an organisation (`区人大`) refers to.
  const articleDistrict = mostNamed(placesBySection.flatMap((places) => districtsOf(places)));
  const articleText = seg.sections.flatMap((s) => s.paragraphs).join('\n');
  const sections = seg.sections.map((s, i): Section => {
    const text = s.paragraphs.join('\n');
    // Captions name people too (`图为某某代表（中）在…`); a speaker is read from the running text alone.
    const found = findPeople(text);
    const inCaptions = findPeople((s.captions ?? []).join('\n')).filter((p) => !found.some((f) => f.name === p.name));
    const warnings = [...s.warnings];
    // A lead or a sub-report about one person is theirs: a guess from the text, so the editor hears of it.
    const subject = !s.speaker && (s.kind === 'lead' || s.subReport) ? soleSubject(found, text) : null;
    if (subject) warnings.push(`speaker guessed as the one person the section names with a post: ${subject.name}`);
    const speaker = withOwnDistrict(completeSpeaker(s.speaker, articleText) ?? subject, placesBySection[i]!, articleDistrict);
    const people = [...found, ...inCaptions].filter((p) => p.name !== speaker?.name);
    for (const p of people) if (!p.role) warnings.push(`${p.name} is named without a role`);
    if (s.heading && !speaker && s.kind === 'speaker' && /[：:]$/u.test(s.heading)) warnings.push(`heading without a recognised speaker: ${s.heading}`);
    for (const w of warnings) onWarning(`${raw.source}: ${w}`);
    const places = placesBySection[i]!;
    const districts = orderDistricts(districtsOf(places), speaker);
    const runningText = s.paragraphs.filter((p) => !s.subheadings.includes(p));
    // The lead carries the article's subtitle as its headline (`…突破1700亿件，同比增长21%`): searched, and its figures count.
    const headline = s.headline ?? (i === 0 && s.kind === 'lead' ? seg.subtitle : null);
    const id = unique(
      s.kind === 'continuation'
        ? `${articleId}-cont-${++continuationCount}`
        : `${articleId}-${speaker ? slug(speaker.name) : s.kind === 'lead' ? 'lead' : 'section'}`,
    );
    return {
      id,
      articleId,
      kind: s.kind,
      heading: s.heading,
      headline,
      speaker,
      people,
      districts,
      places,
      topics: topicsBySection[i]!,
      paragraphs: s.paragraphs,
      figures: [...(headline && headline !== s.heading ? [headline] : []), ...runningText].flatMap(extractFigures),
      ...extras(s),
      ...(warnings.length ? { warnings } : {}),
    };
  });
  return { article, sections };
}

/** Fields beyond the contract that help renderers. */
function extras(s: RawSection): { continuesFrom?: string; subheadings?: string[]; captions?: string[] } {
  return {
    ...(s.continuesFrom ? { continuesFrom: s.continuesFrom } : {}),
    ...(s.subheadings.length ? { subheadings: s.subheadings } : {}),
    ...(s.captions.length ? { captions: s.captions } : {}),
  };
}

/** A speaker known only by name (`某某代表——`, a dialogue guest) gets the post the article gives them elsewhere. */
function completeSpeaker(speaker: Person | null, articleText: string): Person | null {
  if (!speaker || speaker.role || speaker.org) return speaker;
  const post = describe(speaker.name, articleText);
  return post ? { ...speaker, ...post } : speaker;
}

/** `区人大` / `县委` in a speaker's organisation means the article's district: `某某区人大`. */
function withOwnDistrict(speaker: Person | null, places: Place[], articleDistrict: string | null): Person | null {
  if (!speaker || !/^[区县](?![区县])/u.test(speaker.org)) return speaker;
  const district = districtsOf(places).find((d) => d.endsWith(speaker.org[0]!)) ?? (articleDistrict?.endsWith(speaker.org[0]!) ? articleDistrict : null);
  return district ? { ...speaker, org: district + speaker.org.slice(1) } : speaker;
}

/** The value that occurs most often (the first of those tied), or null. */
function mostNamed(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

/**
 * A lead or sub-report about one person (`…古镇党委书记某某提前…`, named again later) has that person as its speaker:
 * the one person it names with a post more than once. Several such people, or one named in passing, give none.
 */
function soleSubject(found: Person[], text: string): Person | null {
  const [only, ...others] = found.filter((p) => p.role && text.split(p.name).length - 1 >= 2);
  return only && others.length === 0 ? only : null;
}

/**
 * The section's subject first: the district in the speaker's organisation (the city for a municipal body `市…`),
 * then the other districts in order of mention. Only what the text names: a section that names no Chongqing place
 * gets none, not the whole city.
 */
function orderDistricts(mentioned: string[], speaker: Person | null): string[] {
  const org = speaker?.org ?? '';
  const own = mentioned.filter((d) => org.includes(d) || org.includes(d.slice(0, 2)) || (d === CITY && org.startsWith('市')));
  return [...own, ...mentioned.filter((d) => !own.includes(d))];
}

/** The newest article by date (then file name); an article without a date counts as oldest. */
function newest(articles: Article[]): Article {
  return articles.reduce((a, b) => ((b.date ?? '') > (a.date ?? '') || ((b.date ?? '') === (a.date ?? '') && b.source > a.source) ? b : a));
}

/** `2025-01-02-deputies.txt` → `2025-01-02`: the publication date the file name starts with, or null. */
function dateOf(source: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/u.exec(source);
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ? null : date;
}

/** `2022-06-03-Some Story.txt` → `2022-06-03-some-story`. */
function articleSlug(source: string): string {
  return slug(source.replace(/\.txt$/u, '')) || 'article';
}

/** `王建国` → `wang-jian-guo`. */
function slug(text: string): string {
  return pinyinProLib().pinyin(text, { toneType: 'none', type: 'array', v: true, nonZh: 'consecutive' })
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
