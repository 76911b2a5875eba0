import { endsSentence } from '../core/sentences.ts';
import { describe, findPeople, SURNAMES } from './people.ts';
import { DEPUTY_SUFFIX, isName, parseDescriptor, splitSpeaker, titleLengthAtEnd } from './roles.ts';
import { classifyLine, isShort, SIGNATURE, signer, type LineKind } from './lines.ts';

/** A person as segmenting finds them; role and org may be empty until build completes them from the text. */
export interface RawPerson {
  name: string;
  role: string;
  org: string;
}

/** A section as cut from the raw text, before places, topics and figures are added. */
export interface RawSection {
  kind: 'lead' | 'speaker' | 'continuation';
  heading: string | null;
  headline: string | null;
  speaker: RawPerson | null;
  /** For continuation fragments: the page the story started on (`1版`). */
  continuesFrom: string | null;
  /** Paragraphs that are sub-headings, not running text. */
  subheadings: string[];
  paragraphs: string[];
  /** Photo captions and credits, data sources, layout credits: kept apart from the running text. */
  captions: string[];
  /** What segmenting had to guess about this section, for a human to check. */
  warnings: string[];
  /** Opened by a headline block (headline with a byline, a person line or a signature, in either order): a report of its own. */
  subReport?: boolean;
}

export interface SegmentedArticle {
  title: string;
  subtitle: string | null;
  reporters: string[];
  /** Each carries its own warnings (what ingest had to guess about it). */
  sections: RawSection[];
}

/** Fewest characters an adjacent piece must repeat of the paragraph it continues before we drop them as a repeat. */
const MIN_ADJACENT_OVERLAP = 2;
/** A kicker naming one person (`某某代表谈…——`, `某某代表——`): the piece is that person speaking. */
const PERSON_KICKER = /^([\u4e00-\u9fff·]{2,8}?)(?:代表|委员)(?:谈.*)?$/u;
/** `访某某省委书记某某`, `专访某某`: a subtitle naming the one person an interview is with. */
const INTERVIEW = /^(?:专访|访谈|访)[\s\u3000]*/u;
/** `本报记者专访了某某市市长某某，`: the introduction names who is interviewed. */
const INTERVIEWED = /(?:专访|采访|访谈)了?([^，。；！？、“”]{3,40}?)(?=[，。；！？]|$)/u;

/** Cut an article into title, subtitle, reporters and sections, stitching paragraphs broken by page breaks. */
export function segmentArticle(raw: string): SegmentedArticle {
  const lines = raw
    .replace(/^\uFEFF/u, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim())
    .filter((l) => l.length > 0);

  const article: SegmentedArticle = { title: lines[0] ?? '', subtitle: null, reporters: [], sections: [] };
  const kinds = classifyAll(lines);
  // Several closing bylines (`（本报记者…）`) mean a composite page: each block they close is a report of its own.
  const composite = kinds.filter((k) => k.kind === 'closingByline').length >= 2;
  const fullText = lines.join('\n');
  // Who the article introduces, read from the whole of it: a `某某：` turn is theirs wherever they were introduced.
  const interviewee = intervieweeOf(lines, kinds);
  const cast = castOf(lines, kinds);
  if (interviewee) cast.set(interviewee.name, interviewee);
  const turns = turnCounts(kinds);
  let bodyStarted = false;
  let current = null as RawSection | null;
  // Captions met before the section they belong to (photos above a story's first paragraph).
  let pendingCaptions: string[] = [];
  // The paragraph just before this line, if it broke off mid-sentence (page break inside a section).
  let adjacentOpen = null as Open | null;
  // Continuation fragments whose last paragraph broke off: their rest may come later, out of order.
  const openFragments: Open[] = [];
  // Where the quote a signature (`——某某（…）`) closes begins: after a `连线` mark or the previous signature.
  let quoteStart: { section: RawSection; index: number } | null = null;
  // A kicker line (`某某高新区——`) waiting for its headline and byline.
  let kicker: string | null = null;
  // Right after a closing byline (or the editor's note) on a composite page, a headline opens the next report.
  let blockClosed = false;
  // The last paragraph was an interviewer's question: the next turn answers it.
  let afterQuestion = false;
  let leadSpeaker: RawPerson | null = null;
  let authorNote: string | null = null;

  const newSection = (s: Pick<RawSection, 'kind' | 'heading' | 'headline' | 'speaker'> & Partial<RawSection>): RawSection => {
    const section: RawSection = { continuesFrom: null, subheadings: [], paragraphs: [], captions: pendingCaptions, warnings: [], ...s };
    pendingCaptions = [];
    article.sections.push(section);
    adjacentOpen = null;
    quoteStart = null;
    blockClosed = false;
    afterQuestion = false;
    return section;
  };
  const ensureCurrent = (): RawSection => (current ??= newSection({ kind: 'lead', heading: null, headline: null, speaker: null }));
  /** A sub-report just opened: nothing but sub-headings and the interviewer's questions in it yet. */
  const freshReport = (section: RawSection | null): boolean =>
    !!section?.subReport && section.paragraphs.every((p) => section.subheadings.includes(p) || classifyLine(p).kind === 'question');
  /** The line after `i`, when it reads as a sub-report's headline (short, not a sentence). */
  const headlineAt = (j: number): string | null => {
    const k = kinds[j];
    const line = lines[j];
    return line && k && (k.kind === 'short' || k.kind === 'body' || k.kind === 'subtitle') && line.length <= 40 && !endsSentence(line) && !/[。！？]/u.test(line)
      ? line
      : null;
  };

  const addParagraph = (section: RawSection, text: string): void => {
    section.paragraphs.push(text);
    bodyStarted = true;
    afterQuestion = false;
    const open: Open = { section, index: section.paragraphs.length - 1 };
    adjacentOpen = endsSentence(text) ? null : open;
    if (section.kind === 'continuation' && adjacentOpen) openFragments.push(open);
  };

  const addSubheading = (section: RawSection, text: string): void => {
    section.subheadings.push(text);
    section.paragraphs.push(text);
    adjacentOpen = null;
  };

  /** A turn of `speaker` (`某某：…`, `答：…`): a section of its own, unless it answers inside a sub-report of theirs. */
  const turn = (speaker: RawPerson | null, heading: string, line: string, rest: string, warning: string | null): void => {
    const report = current?.subReport ? current : null;
    const same = report?.speaker && speaker && report.speaker.name === speaker.name;
    if (report && ((!report.speaker && afterQuestion && freshReport(report)) || same)) {
      // An interview inside a sub-report: the answers stay in it and name its speaker.
      report.speaker ??= speaker;
      if (warning) report.warnings.push(warning);
      addParagraph(report, line);
      return;
    }
    current = newSection({ kind: 'speaker', heading, headline: null, speaker });
    if (warning) current.warnings.push(warning);
    addParagraph(current, rest);
  };

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    let k = kinds[i]!;
    const next = kinds[i + 1];
    // A line right above a photo credit is that photo's caption.
    if ((k.kind === 'body' || k.kind === 'short') && next?.kind === 'caption' && next.credit && line.length <= 120) {
      k = { kind: 'caption', editorsNote: false, credit: false };
    }
    // Before any text, a short label right under a caption or credit (a chart's source, `国家统计局`) belongs to it.
    if (k.kind === 'short' && !bodyStarted && !current && kinds[i - 1]?.kind === 'caption' && next?.kind !== 'byline') {
      k = { kind: 'caption', editorsNote: false, credit: false };
    }
    switch (k.kind) {
      case 'caption':
        if (current && bodyStarted) current.captions.push(line);
        else pendingCaptions.push(line);
        if (k.editorsNote && composite) blockClosed = true;
        continue;
      case 'byline':
        article.reporters.push(...k.names);
        adjacentOpen = null;
        continue;
      case 'closingByline':
        article.reporters.push(...k.names);
        if (k.author !== null) {
          // `（作者为某某大学教授）` under an essay: the posts of the author named above it.
          if (current?.speaker && !current.speaker.role && !current.speaker.org && current !== article.sections[0]) {
            const post = parseDescriptor(k.author);
            if (post) current.speaker = { ...current.speaker, ...post };
          } else authorNote = k.author;
        }
        // Kept with the section it closes, as a reader sees it (`（作者为某某省某某院副院长）` names a place too).
        if (current) current.captions.push(line);
        adjacentOpen = null;
        if (composite) blockClosed = true;
        continue;
      case 'dateline':
        // A dateline opens the story itself: what follows is its lead, never the rest of an earlier paragraph.
        article.reporters.push(...k.names);
        current = bodyStarted || current?.paragraphs.length ? newSection({ kind: 'lead', heading: null, headline: null, speaker: null }) : ensureCurrent();
        current.captions.push(line.slice(0, line.length - k.rest.length).trim());
        addParagraph(current, k.rest);
        continue;
      case 'fragment':
        current = newSection({ kind: 'continuation', heading: null, headline: null, speaker: null, continuesFrom: `${k.page}版` });
        addParagraph(current, k.rest);
        continue;
      case 'guests':
        // `对话嘉宾：`: the guests' lines that follow are read into the cast; here they are kept as captions.
        for (; i + 1 < lines.length && kinds[i + 1]!.kind === 'author'; i++) pendingCaptions.push(lines[i + 1]!);
        continue;
      case 'linkMark':
        // `连线`: a boxed quote follows, signed at its end.
        if (current) quoteStart = { section: current, index: current.paragraphs.length };
        continue;
      case 'signature': {
        const speaker = signedSpeaker(line);
        if (!speaker || !current || current.paragraphs.length === 0) {
          if (current) addSubheading(current, line);
          else article.subtitle ??= line.replace(/^[—－-]+[\s\u3000]*/u, '');
          continue;
        }
        const from = quoteStart?.section === current ? quoteStart.index : current.paragraphs.length - 1;
        if (freshReport(current) || (current.subReport && !current.speaker && from === current.subheadings.length)) {
          // A sub-report that opens with a signed quote goes on in the signer's voice: they are its speaker.
          current.speaker = speaker;
          adjacentOpen = null;
          continue;
        }
        const heading = quoteStart?.section === current ? '连线' : line;
        const quote = current.paragraphs.splice(from);
        current.subheadings = current.subheadings.filter((h) => current!.paragraphs.includes(h));
        const signed = newSection({ kind: 'speaker', heading, headline: null, speaker });
        signed.paragraphs.push(...quote);
        // The next quote starts after this signature, in the section it lands in.
        current = signed;
        quoteStart = { section: signed, index: signed.paragraphs.length };
        continue;
      }
      case 'kicker': {
        const who = kickerPerson(k.text);
        const top = !bodyStarted && article.sections.length === 0;
        if (top) article.subtitle ??= k.text;
        if (who) {
          // `某某公司董事长某某——` over a headline: a report in that person's voice (a page may hold several).
          const headline = headlineAt(i + 1);
          if (headline) i++;
          current = newSection({ kind: top ? 'lead' : 'speaker', heading: headline ? `${line}${headline}` : line, headline, speaker: who, subReport: true });
          kicker = null;
          continue;
        }
        if (top) continue;
        kicker = k.text;
        continue;
      }
      case 'subtitle':
        if (!bodyStarted && article.subtitle === null && article.sections.length === 0) {
          article.subtitle = k.text;
          continue;
        }
        break;
      case 'author': {
        // Person lines in a row are a guest list, labelled or not: read into the cast, kept here as captions.
        if (kinds[i - 1]?.kind === 'author' || next?.kind === 'author') {
          pendingCaptions.push(line);
          continue;
        }
        // A name alone under the title (and its kicker): the author, who is the piece's speaker.
        const top = !bodyStarted && article.sections.length === 0;
        if (top && headlineAt(i + 1)) {
          // Over a headline before any text: the first report of a page, in that person's voice.
          const headline = lines[++i]!;
          current = newSection({ kind: 'lead', heading: `${line}——${headline}`, headline, speaker: k.person, subReport: true });
          continue;
        }
        if (top && kinds.slice(1, i).every((p) => p.kind === 'kicker' || p.kind === 'subtitle' || p.kind === 'caption')) {
          leadSpeaker = k.person;
          continue;
        }
        // Under a sub-report's headline: its author or the person it is about.
        if (current && freshReport(current) && !current.speaker) {
          current.speaker = k.person;
          current.heading = current.heading ? `${current.heading}——${line}` : line;
          continue;
        }
        // Before a headline (`某某公司董事长  某某` then the headline): a report in that person's voice.
        const headline = bodyStarted ? headlineAt(i + 1) : null;
        if (headline && kinds[i + 2]?.kind !== 'author') {
          i++;
          current = newSection({ kind: 'speaker', heading: `${line}——${headline}`, headline, speaker: k.person, subReport: true });
          continue;
        }
        break;
      }
      case 'heading': {
        // `机构职务姓名：` alone on its line takes the next line as its title.
        let headline = k.headline;
        let heading = line;
        if (!headline && next && (next.kind === 'short' || next.kind === 'body') && lines[i + 1]!.length <= 40 && !endsSentence(lines[i + 1]!)) {
          headline = lines[++i]!;
          heading = `${line}${headline}`;
        }
        current = newSection({ kind: 'speaker', heading, headline: headline || null, speaker: k.speaker });
        if (!k.speaker) current.warnings.push(`heading without a recognisable 机构职务姓名, kept with no speaker: ${line}`);
        kicker = null;
        continue;
      }
      case 'question': {
        // An interviewer's question never opens a section: it stays with the one before (the lead, for the first).
        const section = current && !bodyStarted && current.kind !== 'lead' ? current : ensureCurrent();
        addParagraph(section, line);
        afterQuestion = true;
        continue;
      }
      case 'answer': {
        // `答：…`: the interviewee's turn.
        const speaker = interviewee ?? (cast.size === 1 ? [...cast.values()][0]! : null);
        turn(speaker, '答', line, k.rest, speaker ? null : 'an answer (答：) whose interviewee the article does not name');
        continue;
      }
      case 'prefixed': {
        // A bare name (`某某：…`) is a turn when the article introduces that person (in a guest list, in a byline-like
        // line, with a post anywhere in the text), or when it opens several paragraphs (a dialogue).
        let warning: string | null = null;
        let speaker = k.speaker ?? cast.get(k.name) ?? introduce(k.name, fullText) ?? addressed(k.name, cast);
        if (!speaker && (turns.get(k.name) ?? 0) >= 2) {
          speaker = { name: k.name, role: '', org: '' };
          warning = `dialogue turns by ${k.name}, whom the article gives no post`;
        }
        if (!speaker) break;
        turn(speaker, k.prefix, line, k.rest, warning);
        continue;
      }
      default:
        break;
    }

    // A headline: right before a byline or a person line (a report of its own on a composite page), or after a closed block.
    const headlineLike = line.length <= 40 && !endsSentence(line) && !/[。！？]/u.test(line);
    const bylineNext = next?.kind === 'byline';
    const personNext = next?.kind === 'author';
    if (headlineLike && bylineNext && !bodyStarted && article.sections.length === 0) {
      // Above the byline before any text: the subtitle, or the first report's headline when there is one already or
      // the page is composite (its reports closed by bylines of their own).
      if (article.subtitle === null && !composite) article.subtitle = line;
      else current = newSection({ kind: 'lead', heading: line, headline: line, speaker: null, subReport: true });
      continue;
    }
    if (headlineLike && bodyStarted && (bylineNext || personNext || (blockClosed && (k.kind === 'short' || k.kind === 'subtitle')))) {
      const heading = kicker ? `${kicker}——${line}` : line;
      current = newSection({ kind: 'speaker', heading, headline: line, speaker: null, subReport: true });
      kicker = null;
      continue;
    }
    if (kicker) {
      // A kicker with no byline after it was a sub-heading after all.
      addSubheading(ensureCurrent(), `${kicker}——`);
      kicker = null;
    }

    // Running text: the rest of a sentence broken off earlier, or a new paragraph.
    const target = continuationTarget(line, adjacentOpen, openFragments);
    if (target) {
      const previous = target.section.paragraphs[target.index]!;
      const overlap = overlapLength(previous, line);
      // A continuation fragment's pieces repeat the broken-off characters (even one), wherever the piece is printed,
      // right after it or later; an ordinary page break inside a section must repeat two or more to count as a repeat.
      const displaced = target !== adjacentOpen || target.section.kind === 'continuation';
      const drop: number = overlap >= (displaced ? 1 : MIN_ADJACENT_OVERLAP) ? overlap : 0;
      const joined: string = previous + line.slice(drop);
      target.section.paragraphs[target.index] = joined;
      removeOpen(openFragments, target);
      adjacentOpen = endsSentence(joined) ? null : target;
      if (adjacentOpen && target.section.kind === 'continuation') openFragments.push(target);
      current = target.section;
      continue;
    }

    const section = ensureCurrent();
    if (k.kind === 'short' || k.kind === 'subtitle') {
      addSubheading(section, line);
      continue;
    }
    const sub = splitSubheading(line);
    if (sub) {
      addSubheading(section, sub.subheading);
      addParagraph(section, sub.body);
    } else {
      addParagraph(section, line);
    }
  }
  if (pendingCaptions.length > 0) {
    const last = article.sections[article.sections.length - 1];
    if (last) last.captions.push(...pendingCaptions);
  }
  // A lead of sub-headings only (`从“办理一案”到“治理一片”` above the first speaker) is no section: its lines go with
  // the next section's captions, so nothing is lost and no section opens with a heading instead of text.
  article.sections = article.sections.filter((s, i) => {
    if (s.kind !== 'lead' || s.paragraphs.some((p) => !s.subheadings.includes(p))) return true;
    article.sections[i + 1]?.captions.unshift(...s.captions, ...s.paragraphs);
    return false;
  });
  if (authorNote !== null && leadSpeaker) {
    const post = parseDescriptor(authorNote.split(/[，,；;]/u)[0]!);
    if (post) leadSpeaker = { ...leadSpeaker, ...post };
  }
  const lead = article.sections[0];
  if (leadSpeaker && lead && !lead.speaker && article.sections.length === 1) lead.speaker = leadSpeaker;
  // An interview's introduction is the interviewee's piece too.
  if (interviewee && lead?.kind === 'lead' && !lead.speaker) lead.speaker = interviewee;
  for (const open of openFragments) {
    open.section.warnings.push(`continuation fragment still broken off at the end: …${open.section.paragraphs[open.index]!.slice(-12)}`);
  }
  return article;
}

/** Each line's kind; a caption the paper prints twice (once with its credit after `　　`) is a caption both times. */
function classifyAll(lines: string[]): LineKind[] {
  const kinds = lines.map((line, i) => (i === 0 ? ({ kind: 'title' } as LineKind) : classifyLine(line)));
  const captions = new Set(lines.filter((_, i) => kinds[i]!.kind === 'caption').map((l) => l.split(/\u3000{2}/u)[0]!.trim()));
  return kinds.map((k, i): LineKind => {
    if ((k.kind === 'body' || k.kind === 'short') && captions.has(lines[i]!)) return { kind: 'caption', editorsNote: false, credit: false };
    // A short label ending in a colon over person lines (`对话人：`, `本期嘉宾：`) heads a guest list, whatever its words.
    if (k.kind === 'short' && /^[^，。！？]{1,8}[：:]$/u.test(lines[i]!) && kinds[i + 1]?.kind === 'author') return { kind: 'guests' };
    return k;
  });
}

/** Everyone the article introduces with a post, by name: guest lists, person lines, headings, kickers, signatures. */
function castOf(lines: string[], kinds: LineKind[]): Map<string, RawPerson> {
  const cast = new Map<string, RawPerson>();
  const meet = (p: RawPerson | null) => {
    if (!p) return;
    const seen = cast.get(p.name);
    if (!seen || (!seen.role && !seen.org)) cast.set(p.name, p);
  };
  kinds.forEach((k, i) => {
    if (k.kind === 'author') meet(k.person);
    else if ((k.kind === 'heading' || k.kind === 'prefixed') && k.speaker) meet(k.speaker);
    else if (k.kind === 'signature') meet(signedSpeaker(lines[i]!));
    else if (k.kind === 'kicker') meet(kickerPerson(k.text));
  });
  return cast;
}

/** How many paragraphs each bare name opens (`某某：…`): two or more make a dialogue. */
function turnCounts(kinds: LineKind[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of kinds) if (k.kind === 'prefixed' && !k.speaker) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}

/**
 * The person an interview is with: named in a subtitle or kicker (`——访某某省委书记某某`), or in the introduction
 * (`本报记者专访了某某市市长某某`), or else the one person the introduction names with a post; null when none.
 */
function intervieweeOf(lines: string[], kinds: LineKind[]): RawPerson | null {
  const firstTurn = kinds.findIndex((k) => k.kind === 'question' || k.kind === 'answer');
  // The title: `专访某某市市长某某：…（访谈）`.
  const title = (lines[0] ?? '').replace(/[（(][^）)]*[）)]$/u, '').split(/[：:]/u)[0]!;
  if (INTERVIEW.test(title)) {
    const who = splitSpeaker(title.replace(INTERVIEW, ''));
    if (who) return who;
  }
  const intro: string[] = [];
  for (let i = 1; i < (firstTurn < 0 ? Math.min(lines.length, 6) : firstTurn); i++) {
    const k = kinds[i]!;
    const text = k.kind === 'subtitle' || k.kind === 'kicker' ? k.text : k.kind === 'signature' ? lines[i]!.replace(/^[—－-]+[\s\u3000]*/u, '') : null;
    if (text && INTERVIEW.test(text)) {
      const who = splitSpeaker(text.replace(INTERVIEW, ''));
      if (who) return who;
    }
    if (k.kind !== 'body' && k.kind !== 'short') continue;
    intro.push(lines[i]!);
    const met = INTERVIEWED.exec(lines[i]!);
    const who = met ? splitSpeaker(met[1]!) : null;
    if (who) return who;
  }
  // An interview with answers (`答：`) but nobody named as interviewed: the one person its introduction gives a post.
  if (firstTurn < 0 || !kinds.some((k) => k.kind === 'answer')) return null;
  const [only, ...others] = findPeople(intro.join('\n')).filter((p) => p.role);
  return only && others.length === 0 ? only : null;
}

/** `某某公司董事长某某`, `某某代表`, `某某代表谈…` as a kicker: the person a report is in the voice of, or null. */
function kickerPerson(text: string): RawPerson | null {
  const who = PERSON_KICKER.exec(text);
  if (who && isName(who[1]!) && SURNAMES.has(who[1]![0]!)) return { name: who[1]!, role: '', org: '' };
  if (INTERVIEW.test(text) || /[，。！？“”]/u.test(text)) return null;
  // A kicker is free text (`全国政协委员建言献策——`): what follows the title must read as a name, and a name longer
  // than three characters is a compound surname's (`欧阳`) or a transliterated one's.
  const speaker = splitSpeaker(text);
  return speaker && (speaker.name.length <= 3 || SURNAMES.has(speaker.name[0]!) || speaker.name.includes('·')) ? speaker : null;
}

/** `林市长`, `王教授`: the one person of the cast with that surname (and that title, when several share it), or null. */
function addressed(label: string, cast: Map<string, RawPerson>): RawPerson | null {
  const title = label.slice(1);
  if (!SURNAMES.has(label[0]!) || titleLengthAtEnd(title) !== title.length) return null;
  const kin = [...cast.values()].filter((p) => p.name.startsWith(label[0]!));
  const titled = kin.filter((p) => p.role.endsWith(title));
  return titled.length === 1 ? titled[0]! : kin.length === 1 ? kin[0]! : null;
}

/** The post an article gives a person it introduces: `某某大学教授某某`, or `某某（某某大学教授）`. */
function introduce(name: string, text: string): RawPerson | null {
  const before = describe(name, text);
  if (before) return { name, ...before };
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  const paren = new RegExp(`${escaped}(?:代表|委员)?[（(]([^）)]{2,60})[）)]`, 'u').exec(text);
  const post = paren ? parseDescriptor(paren[1]!) : null;
  return post ? { name, ...post } : null;
}

/** `——某某委员（某某大学教授）`, `——某某（某某研究院院长、研究员）`, `——某某大学教授某某` → the person who signed the quote. */
function signedSpeaker(line: string): RawPerson | null {
  const m = SIGNATURE.exec(line);
  if (!m) return signer(line);
  const name = m[1]!.replace(DEPUTY_SUFFIX, '');
  if (!isName(name)) return null;
  const post = parseDescriptor(m[2]!);
  return { name, role: post?.role ?? '', org: post?.org ?? '' };
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
  if (isShort(line)) return null;
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
