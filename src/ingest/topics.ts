import type { Topic } from '../core/report.ts';

/** How much more a synonym in the headline counts than one in the running text. */
const HEADLINE_WEIGHT = 3;
/** A topic must score at least this much, and this share of the section's top topic, to be tagged. */
const MIN_SCORE = 3;
const MIN_SHARE = 0.2;

export interface TopicInput {
  headline: string | null;
  paragraphs: string[];
}

/**
 * Topic ids for each section, strongest first. A topic scores its synonyms' hits (headline hits weighted up,
 * overlapping synonyms counted once), each weighted by how rare the synonym is across the report's sections —
 * so words every section shares (`党代会精神` in a report about a party congress) do not decide a section's topic.
 */
export function tagTopics(topics: Topic[], sections: TopicInput[]): string[][] {
  const texts = sections.map((s) => ({ head: s.headline ?? '', body: s.paragraphs.join('\n') }));
  const terms = [...new Set(topics.flatMap((t) => [t.name, ...t.synonyms]))];
  const df = new Map(terms.map((term) => [term, texts.filter((t) => t.head.includes(term) || t.body.includes(term)).length]));
  const idf = (term: string) => Math.log(1 + sections.length / Math.max(1, df.get(term) ?? 0));

  return texts.map(({ head, body }) => {
    const scored = topics
      .map((t) => {
        const synonyms = [...new Set([t.name, ...t.synonyms])];
        const score = weightedHits(body, synonyms, idf) + HEADLINE_WEIGHT * weightedHits(head, synonyms, idf);
        return { id: t.id, score };
      })
      .filter((t) => t.score >= MIN_SCORE)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const top = scored[0]?.score ?? 0;
    return scored.filter((t) => t.score >= top * MIN_SHARE).map((t) => t.id);
  });
}

/** Sum of idf over the non-overlapping hits of `terms` in `text`, longest terms first (`人大常委会` is not also `人大`). */
function weightedHits(text: string, terms: string[], idf: (term: string) => number): number {
  const taken = new Uint8Array(text.length);
  let score = 0;
  for (const term of [...terms].sort((a, b) => b.length - a.length)) {
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) {
      if (taken.subarray(i, i + term.length).some((x) => x === 1)) continue;
      taken.fill(1, i, i + term.length);
      score += idf(term);
    }
  }
  return score;
}
