import { endsSentence } from '../core/sentences.ts';
import { splitSpeaker } from './roles.ts';

/** A section as cut from the raw text, before places, topics and figures are added. */
export interface RawSection {
  kind: 'lead' | 'speaker' | 'continuation';
  heading: string | null;
  headline: string | null;
  speaker: { name: string; role: string; org: string } | null;
  /** For continuation fragments: the page the story started on (`1版`). */
  continuesFrom: string | null;
  /** Paragraphs that are inline sub-headings, not running text. */
  subheadings: string[];
  paragraphs: string[];
}

export interface SegmentedArticle {
  title: string;
  subtitle: string | null;
  reporters: string[];
  sections: RawSection[];
}

const FRAGMENT_MARK = /^[（(]\s*上接\s*([0-9一二三四五六七八九十]+)\s*版\s*[）)]\s*/u;
const BYLINE = /^(?:本报|新华社|特约)?记者\s+/u;
const HEADING_SEPARATOR = /[：:]/u;
// Sentence punctuation never appears in a `机构职务姓名` heading prefix.
const NOT_IN_HEADING = /[，。！？；“”"《》]/u;
/** Fewest characters a heading-like line may repeat at a page break before we trust it is a repeat. */
const MIN_ADJACENT_OVERLAP = 2;

/** Cut an article into title, subtitle, reporters and sections, stitching paragraphs broken by page breaks. */
export function segmentArticle(raw: string): SegmentedArticle {
  const lines = raw
    .replace(/^\uFEFF/u, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim())
    .filter((l) => l.length > 0);

  const article: SegmentedArticle = { title: '', subtitle: null, reporters: [], sections: [] };
  let current: RawSection | null = null;
  // The paragraph just before this line, if it broke off mid-sentence (page break inside a section).
  let adjacentOpen = null as Open | null;
  // Continuation fragments whose last paragraph broke off: their rest may come later, out of order.
  const openFragments: Open[] = [];

  const newSection = (s: Omit<RawSection, 'subheadings' | 'paragraphs' | 'continuesFrom'> & Partial<RawSection>): RawSection => {
    const section: RawSection = { continuesFrom: null, subheadings: [], paragraphs: [], ...s };
    article.sections.push(section);
    return section;
  };

  const addParagraph = (section: RawSection, text: string): void => {
    section.paragraphs.push(text);
    const open: Open = { section, index: section.paragraphs.length - 1 };
    adjacentOpen = endsSentence(text) ? null : open;
    if (section.kind === 'continuation' && adjacentOpen) openFragments.push(open);
  };

  for (const line of lines) {
    if (!article.title) {
      article.title = line;
      continue;
    }
    if (/^[—－-]{2,}/u.test(line) && article.subtitle === null && article.sections.length === 0) {
      article.subtitle = line.replace(/^[—－-]+\s*/u, '');
      continue;
    }
    if (BYLINE.test(line)) {
      article.reporters.push(...line.replace(BYLINE, '').split(/\s+/u).filter(Boolean));
      adjacentOpen = null;
      continue;
    }
    const fragment = FRAGMENT_MARK.exec(line);
    if (fragment) {
      current = newSection({ kind: 'continuation', heading: null, headline: null, speaker: null, continuesFrom: `${fragment[1]}版` });
      addParagraph(current, line.slice(fragment[0].length));
      continue;
    }
    const heading = parseHeading(line);
    if (heading) {
      current = newSection({ kind: 'speaker', heading: line, headline: heading.headline, speaker: heading.speaker });
      adjacentOpen = null;
      continue;
    }

    // Running text: either the rest of a sentence broken off earlier, or a new paragraph.
    const candidates = [...(adjacentOpen ? [adjacentOpen] : []), ...openFragments.filter((o) => o !== adjacentOpen)];
    if (candidates.length > 0) {
      const target = chooseContinuation(candidates, line, adjacentOpen);
      const adjacent: boolean = target === adjacentOpen;
      const previous = target.section.paragraphs[target.index]!;
      const overlap = overlapLength(previous, line);
      // Displaced pieces repeat the broken-off characters (even one); an adjacent piece must repeat two or more.
      const drop: number = overlap >= (adjacent ? MIN_ADJACENT_OVERLAP : 1) ? overlap : 0;
      const joined: string = previous + line.slice(drop);
      target.section.paragraphs[target.index] = joined;
      removeOpen(openFragments, target);
      adjacentOpen = endsSentence(joined) ? null : target;
      if (adjacentOpen && target.section.kind === 'continuation') openFragments.push(target);
      current = target.section;
      continue;
    }

    if (!current) current = newSection({ kind: 'lead', heading: null, headline: null, speaker: null });
    const sub = splitSubheading(line);
    if (sub) {
      current.subheadings.push(sub.subheading);
      current.paragraphs.push(sub.subheading);
      addParagraph(current, sub.body);
    } else {
      addParagraph(current, line);
    }
  }
  return article;
}

interface Open {
  section: RawSection;
  index: number;
}

function removeOpen(list: Open[], open: Open): void {
  const i = list.findIndex((o) => o.section === open.section && o.index === open.index);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Which broken-off paragraph does `line` continue? The one whose ending the line repeats (longest overlap wins),
 * else the paragraph right before it, else the most recently opened fragment.
 */
function chooseContinuation(candidates: Open[], line: string, adjacent: Open | null): Open {
  let best: Open | null = null;
  let bestOverlap = 0;
  for (const c of candidates) {
    const overlap = overlapLength(c.section.paragraphs[c.index]!, line);
    if (overlap > bestOverlap) {
      best = c;
      bestOverlap = overlap;
    }
  }
  return best ?? adjacent ?? candidates[candidates.length - 1]!;
}

/** Length of the longest suffix of `a` that is also a prefix of `b` (at most 12 characters: page-break repeats are short). */
export function overlapLength(a: string, b: string): number {
  const max = Math.min(12, a.length, b.length);
  for (let n = max; n >= 1; n--) {
    if (a.endsWith(b.slice(0, n))) return n;
  }
  return 0;
}

/** A heading line `机构职务姓名：标题`, or null. */
function parseHeading(line: string): { speaker: { name: string; role: string; org: string }; headline: string } | null {
  const sep = HEADING_SEPARATOR.exec(line);
  if (!sep) return null;
  const prefix = line.slice(0, sep.index);
  const headline = line.slice(sep.index + 1).trim();
  if (prefix.length > 60 || NOT_IN_HEADING.test(prefix) || !headline || /[。！？]$/u.test(headline) || headline.length > 60) return null;
  const speaker = splitSpeaker(prefix);
  return speaker ? { speaker, headline } : null;
}

/**
 * An inline sub-heading run into its paragraph, separated by spaces (`技能培训 将围绕… 正文…。`):
 * everything before the last space-separated part that has no sentence punctuation.
 */
function splitSubheading(line: string): { subheading: string; body: string } | null {
  const parts = line.split(/[ \u3000]+/u);
  if (parts.length < 2) return null;
  const head = parts.slice(0, -1).join(' ');
  const body = parts[parts.length - 1]!;
  // A heading has no sentence punctuation and is short; the body is running text.
  if (/[，。！？；]/u.test(head) || head.length > 60 || !/[\u4e00-\u9fff]/u.test(head) || body.length < 8) return null;
  return { subheading: head, body };
}
