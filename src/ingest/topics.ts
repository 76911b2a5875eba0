import type { Topic } from '../core/report.ts';

/** How much more a synonym in the headline counts than one in the running text. */
const HEADLINE_WEIGHT = 3;
/** A topic must score at least this much, and this share of the section's top topic, to be tagged. */
const MIN_SCORE = 3;
const MIN_SHARE = 0.15;

export interface TopicInput {
  headline: string | null;
  paragraphs: string[];
}

/**
 * Topic ids for each section, strongest first. The text is matched against every topic's synonyms at once,
 * longest first and without overlaps (so `警示教育` counts for 纪检反腐, not also for 教育); each hit is weighted by
 * how rare its synonym is across the report's sections, so words every section shares (`会议精神` in a report
 * about a meeting) do not decide a section's topic. A topic's own name counts once more wherever it stands
 * inside one of its synonyms (`人大常委会` is also `人大`).
 */
export function tagTopics(topics: Topic[], sections: TopicInput[]): string[][] {
  const topicsOf = new Map<string, string[]>();
  for (const t of topics) for (const term of new Set([t.name, ...t.synonyms])) topicsOf.set(term, [...(topicsOf.get(term) ?? []), t.id]);
  const terms = [...topicsOf.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const texts = sections.map((s) => ({ head: s.headline ?? '', body: s.paragraphs.join('\n') }));
  const df = new Map(terms.map((term) => [term, texts.filter((t) => t.head.includes(term) || t.body.includes(term)).length]));
  // With one or two sections there is nothing to contrast a word with: every hit counts one, or a single-section
  // article (a plain report) could never reach MIN_SCORE and would get no topic at all.
  const idf = (term: string) => (sections.length <= 2 ? 1 : Math.log(1 + sections.length / Math.max(1, df.get(term) ?? 0)));

  return texts.map(({ head, body }) => {
    const score = new Map<string, number>();
    const add = (hits: Hit[], weight: number) => {
      for (const hit of hits) {
        for (const id of topicsOf.get(hit.term)!) score.set(id, (score.get(id) ?? 0) + weight * idf(hit.term));
        for (const t of topics) {
          if (t.name !== hit.term && hit.term.includes(t.name) && topicsOf.get(hit.term)!.includes(t.id)) {
            score.set(t.id, (score.get(t.id) ?? 0) + weight * idf(t.name));
          }
        }
      }
    };
    add(segment(body, terms), 1);
    add(segment(head, terms), HEADLINE_WEIGHT);
    const ranked = [...score]
      .map(([id, s]) => ({ id, score: s }))
      .filter((t) => t.score >= MIN_SCORE)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const top = ranked[0]?.score ?? 0;
    return ranked.filter((t) => t.score >= top * MIN_SHARE).map((t) => t.id);
  });
}

interface Hit {
  term: string;
  at: number;
}

/** Non-overlapping occurrences of `terms` (sorted longest first) in `text`. */
function segment(text: string, terms: string[]): Hit[] {
  const taken = new Uint8Array(text.length);
  const hits: Hit[] = [];
  for (const term of terms) {
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) {
      if (taken.subarray(i, i + term.length).some((x) => x === 1)) continue;
      taken.fill(1, i, i + term.length);
      hits.push({ term, at: i });
    }
  }
  return hits;
}
