import { pinyin } from 'pinyin-pro';
import { parseReport, type Article, type Person, type Report, type Section, type Topic } from '../core/report.ts';
import type { ChinaDivisions } from '../core/divisions.ts';
import type { Gazetteer, PlaceAlias } from '../core/gazetteer.ts';
import { extractFigures } from './figures.ts';
import { findPeople } from './people.ts';
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
  const first = built[0]!.article;
  return parseReport({
    title: first.title,
    subtitle: first.subtitle,
    reporters: first.reporters,
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
  for (const w of seg.warnings) onWarning(`${raw.source}: ${w}`);
  seg.sections = seg.sections.filter((s) => {
    if (s.paragraphs.length > 0) return true;
    onWarning(`${raw.source}: heading with no text under it, dropped: ${s.heading ?? '(none)'}`);
    return false;
  });
  if (seg.sections.length === 0) throw new Error(`${raw.source}: no sections found`);
  const article: Article = { id: articleId, source: raw.source, title: seg.title, subtitle: seg.subtitle, reporters: seg.reporters };
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
    seg.sections.map((s) => [s.heading ?? '', ...s.paragraphs].join('\n')),
    (w) => onWarning(`${raw.source}: ${w}`),
  );
  let continuationCount = 0;
  const sections = seg.sections.map((s, i): Section => {
    const text = s.paragraphs.join('\n');
    const found = findPeople(text);
    // A lead introduces its speaker inline (`…古镇党委书记某某提前…`): the first person named is the speaker.
    const speaker: Person | null = s.speaker ?? (s.kind === 'lead' ? (found[0] ?? null) : null);
    const people = found.filter((p) => p.name !== speaker?.name);
    const places = placesBySection[i]!;
    const districts = orderDistricts(districtsOf(places), speaker);
    const runningText = s.paragraphs.filter((p) => !s.subheadings.includes(p));
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
      headline: s.headline,
      speaker,
      people,
      districts,
      places,
      topics: topicsBySection[i]!,
      paragraphs: s.paragraphs,
      figures: runningText.flatMap(extractFigures),
      ...extras(s),
    };
  });
  return { article, sections };
}

/** Fields beyond the contract that help renderers. */
function extras(s: RawSection): { continuesFrom?: string; subheadings?: string[] } {
  return {
    ...(s.continuesFrom ? { continuesFrom: s.continuesFrom } : {}),
    ...(s.subheadings.length ? { subheadings: s.subheadings } : {}),
  };
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

/** `2022-06-03-Some Story.txt` → `2022-06-03-some-story`. */
function articleSlug(source: string): string {
  return slug(source.replace(/\.txt$/u, '')) || 'article';
}

/** `王建国` → `wang-jian-guo`. */
function slug(text: string): string {
  return pinyin(text, { toneType: 'none', type: 'array', v: true, nonZh: 'consecutive' })
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
