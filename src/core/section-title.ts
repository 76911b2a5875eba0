import type { Section, Topic } from './report.ts';

/**
 * What to call a section that has no headline, so a list never shows a bare "报道": a lead is `导语`, a continuation
 * fragment `（上接1版）人大、党建` (its page and strongest topics). Null when the section has a headline.
 */
export function sectionTitle(section: Section, topics: readonly Topic[]): string | null {
  if (section.headline) return null;
  // A lead is the article's opening: its speaker is shown, and `导语` says where the words come from.
  if (section.kind === 'lead') return '导语';
  const names = section.topics
    .slice(0, 2)
    .map((id) => topics.find((t) => t.id === id)?.name)
    .filter((n): n is string => Boolean(n));
  const from = section.continuesFrom ? `（上接${section.continuesFrom}）` : '';
  const about = names.join('、');
  return `${from}${about}` || null;
}
