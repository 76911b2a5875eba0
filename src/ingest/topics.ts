import type { Topic } from '../core/report.ts';

/** How much more a synonym in the headline counts than one in the running text. */
const HEADLINE_WEIGHT = 3;
/** A topic must score at least this much, and this share of the section's top topic, to be tagged. */
const MIN_SCORE = 3;
const MIN_SHARE = 0.25;

/** Topic ids for a section, strongest first: synonym hits in the text, headline hits weighted up. */
export function tagTopics(topics: Topic[], headline: string | null, paragraphs: string[]): string[] {
  const body = paragraphs.join('\n');
  const scored = topics
    .map((t) => {
      const terms = [...new Set([t.name, ...t.synonyms])];
      let score = 0;
      for (const term of terms) score += count(body, term) + HEADLINE_WEIGHT * count(headline ?? '', term);
      return { id: t.id, score };
    })
    .filter((t) => t.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = scored[0]?.score ?? 0;
  return scored.filter((t) => t.score >= top * MIN_SHARE).map((t) => t.id);
}

function count(text: string, term: string): number {
  let n = 0;
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) n++;
  return n;
}
