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
  /** Paragraphs that are sub-headings or captions, not running text. */
  subheadings: string[];
  paragraphs: string[];
}

export interface SegmentedArticle {
  title: string;
  subtitle: string | null;
  reporters: string[];
  sections: RawSection[];
  /** Lines ingest had to guess about, for a human to check (`a heading whose speaker could not be split`). */
  warnings: string[];
}

const FRAGMENT_MARK = /^[（(]\s*上接\s*([0-9一二三四五六七八九十]+)\s*版\s*[）)]\s*/u;
/** `本报记者 张三 李四`, `本报首席记者张三`, `记者 张三 实习生 李四`. */
const BYLINE = /^(?:本报|新华社|本台)?(?:首席|特约|实习)?记者[\s\u3000]*(?=\S)/u;
/** `本报讯（记者 张三 李四）正文…`: a dateline that names the reporters before the running text. */
const DATELINE = /^(?:本报讯|新华社[\u4e00-\u9fff]{0,6}电)[（(]\s*(?:本报|首席|特约)?记者\s*([^）)]+)[）)]\s*/u;
/** Words in a byline that are roles, not names. */
const BYLINE_ROLES = /^(?:本报|记者|首席记者|特约记者|实习记者|实习生|通讯员|摄影|摄|报道|文|图)$/u;
const HEADING_SEPARATOR = /[：:]/u;
// Sentence punctuation never appears in a `机构职务姓名` heading prefix.
const NOT_IN_HEADING = /[，。！？；“”"《》]/u;
/** Fewest characters an adjacent piece must repeat of the paragraph it continues before we drop them as a repeat. */
const MIN_ADJACENT_OVERLAP = 2;
/** A line this short with no sentence punctuation is a sub-heading or caption, never half a sentence. */
const MAX_SUBHEADING = 30;

/** Cut an article into title, subtitle, reporters and sections, stitching paragraphs broken by page breaks. */
export function segmentArticle(raw: string): SegmentedArticle {
  const lines = raw
    .replace(/^\uFEFF/u, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim())
    .filter((l) => l.length > 0);

  const article: SegmentedArticle = { title: '', subtitle: null, reporters: [], sections: [], warnings: [] };
  let current: RawSection | null = null;
  // The paragraph just before this line, if it broke off mid-sentence (page break inside a section).
  let adjacentOpen = null as Open | null;
  // Continuation fragments whose last paragraph broke off: their rest may come later, out of order.
  const openFragments: Open[] = [];

  const newSection = (s: Omit<RawSection, 'subheadings' | 'paragraphs' | 'continuesFrom'> & Partial<RawSection>): RawSection => {
    const section: RawSection = { continuesFrom: null, subheadings: [], paragraphs: [], ...s };
    article.sections.push(section);
    adjacentOpen = null;
    return section;
  };

  const addParagraph = (section: RawSection, text: string): void => {
    section.paragraphs.push(text);
    const open: Open = { section, index: section.paragraphs.length - 1 };
    adjacentOpen = endsSentence(text) ? null : open;
    if (section.kind === 'continuation' && adjacentOpen) openFragments.push(open);
  };

  const addSubheading = (section: RawSection, text: string): void => {
    section.subheadings.push(text);
    section.paragraphs.push(text);
    adjacentOpen = null;
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
    if (BYLINE.test(line) && !/[，。！？]/u.test(line)) {
      article.reporters.push(...bylineNames(line.replace(BYLINE, '')));
      adjacentOpen = null;
      continue;
    }
    const dateline = DATELINE.exec(line);
    if (dateline) {
      // A dateline opens the story itself: what follows is its lead, never the rest of an earlier paragraph.
      article.reporters.push(...bylineNames(dateline[1]!));
      current = newSection({ kind: 'lead', heading: null, headline: null, speaker: null });
      addParagraph(current, line.slice(dateline[0].length));
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
      if (!heading.speaker) article.warnings.push(`heading without a recognisable 机构职务姓名, kept with no speaker: ${line}`);
      current = newSection({ kind: 'speaker', heading: line, headline: heading.headline, speaker: heading.speaker });
      continue;
    }

    // Running text: the rest of a sentence broken off earlier, or a new paragraph.
    const target = continuationTarget(line, adjacentOpen, openFragments);
    if (target) {
      const previous = target.section.paragraphs[target.index]!;
      const overlap = overlapLength(previous, line);
      // Displaced pieces repeat the broken-off characters (even one); an adjacent piece must repeat two or more.
      const drop: number = overlap >= (target === adjacentOpen ? MIN_ADJACENT_OVERLAP : 1) ? overlap : 0;
      const joined: string = previous + line.slice(drop);
      target.section.paragraphs[target.index] = joined;
      removeOpen(openFragments, target);
      adjacentOpen = endsSentence(joined) ? null : target;
      if (adjacentOpen && target.section.kind === 'continuation') openFragments.push(target);
      current = target.section;
      continue;
    }

    if (!current) current = newSection({ kind: 'lead', heading: null, headline: null, speaker: null });
    if (isStandaloneHeading(line)) {
      addSubheading(current, line);
      continue;
    }
    const sub = splitSubheading(line);
    if (sub) {
      addSubheading(current, sub.subheading);
      addParagraph(current, sub.body);
    } else {
      addParagraph(current, line);
    }
  }
  for (const open of openFragments) {
    article.warnings.push(`continuation fragment still broken off at the end: …${open.section.paragraphs[open.index]!.slice(-12)}`);
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
 * Which broken-off paragraph does `line` continue, if any? A fragment piece must repeat the fragment's last
 * characters (longest overlap wins); otherwise the paragraph right before it, if it broke off.
 */
function continuationTarget(line: string, adjacent: Open | null, fragments: Open[]): Open | null {
  if (isStandaloneHeading(line)) return null;
  let best: Open | null = null;
  let bestOverlap = 0;
  for (const c of [...(adjacent ? [adjacent] : []), ...fragments]) {
    const overlap = overlapLength(c.section.paragraphs[c.index]!, line);
    if (overlap > bestOverlap) {
      best = c;
      bestOverlap = overlap;
    }
  }
  // A fragment's opening paragraph broke off where its column ended, so its rest is printed elsewhere: the line
  // right after it continues it only if it repeats its ending. Later breaks inside a fragment are ordinary.
  const fragmentOpening = adjacent?.section.kind === 'continuation' && adjacent.index === 0;
  return best ?? (fragmentOpening ? null : adjacent);
}

/** Length of the longest suffix of `a` that is also a prefix of `b` (at most 12 characters: page-break repeats are short). */
export function overlapLength(a: string, b: string): number {
  const max = Math.min(12, a.length, b.length);
  for (let n = max; n >= 1; n--) {
    if (a.endsWith(b.slice(0, n))) return n;
  }
  return 0;
}

/**
 * A heading line `机构职务姓名：标题`, or null. A line of that shape whose prefix does not split into
 * org, role and name still opens a section (with no speaker) rather than being read as running text.
 */
function parseHeading(line: string): { speaker: { name: string; role: string; org: string } | null; headline: string } | null {
  const sep = HEADING_SEPARATOR.exec(line);
  if (!sep) return null;
  const prefix = line.slice(0, sep.index);
  const headline = line.slice(sep.index + 1).trim();
  if (prefix.length < 4 || prefix.length > 60 || NOT_IN_HEADING.test(prefix) || !headline || /[。！？]$/u.test(headline) || headline.length > 60) return null;
  const speaker = splitSpeaker(prefix);
  if (speaker) return { speaker, headline };
  // Shape alone: a name-like prefix (Han characters only) and a short headline.
  return /^[\u4e00-\u9fff、（）()]+$/u.test(prefix) && prefix.length <= 40 && headline.length <= 40 ? { speaker: null, headline } : null;
}

/** A short line with no sentence punctuation (`■ 产业升级`, `（图片由某某提供）`): a sub-heading or caption. */
function isStandaloneHeading(line: string): boolean {
  if (/^[（(][^（）()]*[）)]$/u.test(line)) return true;
  return line.length <= MAX_SUBHEADING && !/[，。！？；、,;]/u.test(line) && !/[\u4e00-\u9fff][》]$/u.test(line);
}

/**
 * An inline sub-heading run into its paragraph, separated by spaces (`技能培训 将围绕… 正文…。`):
 * everything before the last space-separated part, when it has no sentence punctuation.
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

/** Names in a byline, without role words (`实习生`, `通讯员`). */
function bylineNames(text: string): string[] {
  return text
    .split(/[\s\u3000、，,]+/u)
    .map((w) => w.replace(/^(?:实习生|通讯员|摄影|记者)/u, ''))
    .filter((w) => w && !BYLINE_ROLES.test(w));
}
