/**
 * Turns one line a user typed into what to reply, without knowing about Telegram:
 * the bot and the terminal chat share it, so both answer the same commands the same way.
 */
import type { Answer, SearchCommand } from '../core/answer.ts';
import { SearchCommandSchema } from '../core/answer.ts';
import { parseCommandLine } from '../core/command.ts';
import type { Engine } from '../core/engine.ts';
import type { Report } from '../core/report.ts';
import { renderHtmlPages } from '../render/html.ts';
import { renderPlain } from '../render/plain.ts';
import { aboutHtml, elsewhereHtml, helpHtml, htmlToPlain, startHtml, unknownHtml } from '../render/replies.ts';
import { COMMANDS, findCommand, nearestCommand, type CommandSpec } from './commands.ts';
import { decodeStartParameter } from './deep-link.ts';

export type Reply =
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'about' }
  | { kind: 'answer'; answer: Answer }
  /** A slash command nobody knows; `suggestion` is the line with the command it most likely meant (run only if sent). */
  | { kind: 'unknown'; command: string; suggestion?: string }
  /** A registered command another feature answers (e.g. /subscribe). */
  | { kind: 'elsewhere'; spec: CommandSpec; query: string };

const GREETING = /^(你好|您好|嗨|哈喽|哈啰|在吗|hi|hello|hey|start)[\s!！。.~～?？]*$/i;

export interface DispatchOptions {
  /**
   * Plain text goes to the command it most likely means (`潼南` → /district, `jiuye` → /topic) instead of full text.
   * Inline queries use it: there is no conversation to correct a wrong guess in.
   */
  guess?: boolean;
  /** Most results an answer carries (the engine's own cap when absent). */
  maxResults?: number;
}

/** What to answer to `text` (`/district 潼南`, `潼南`, `你好`, `/start district-5r285Y2X`); plain text is a full-text search. */
export function dispatch(text: string, engine: Engine, commands: readonly CommandSpec[] = COMMANDS, options: DispatchOptions = {}): Reply {
  const ask = withCap(engine, options.maxResults);
  const line = parseCommandLine(text);
  const isSlash = /^\s*[/／]/.test(text);
  if (!isSlash) {
    if (line.query === '' || GREETING.test(line.query)) return { kind: 'start' };
    return { kind: 'answer', answer: options.guess ? likelyAnswer(line.query, ask) : searchFirst(line.query, ask) };
  }
  const spec = findCommand(line.command, commands);
  if (!spec) {
    // A typo (`/distrct 潼南`) is not run as the command it resembles: the user is told which one, to send it.
    const near = nearestCommand(line.command, commands);
    return near ? { kind: 'unknown', command: line.command, suggestion: `/${near.command}${line.query ? ` ${line.query}` : ''}` } : { kind: 'unknown', command: line.command };
  }
  switch (spec.command) {
    case 'start': {
      // A deep link (`t.me/ThisBot?start=district-…`) opens the bot on that answer; any other parameter just greets.
      const link = decodeStartParameter(line.query);
      return link ? { kind: 'answer', answer: ask.answer(link.command, link.query) } : { kind: 'start' };
    }
    case 'help':
      return { kind: 'help' };
    case 'about':
      return { kind: 'about' };
  }
  const search = SearchCommandSchema.safeParse(spec.command);
  if (spec.feature === 'search' && search.success) return { kind: 'answer', answer: ask.answer(search.data, line.query) };
  return { kind: 'elsewhere', spec, query: line.query };
}

/** The engine with another cap on results for every answer. */
function withCap(engine: Engine, maxResults: number | undefined): Pick<Engine, 'answer'> {
  return maxResults === undefined ? engine : { answer: (command, query) => engine.answer(command, query, maxResults) };
}

/**
 * Plain text in a chat is a full-text search; when that finds nothing itself (`tongnan`, `潼楠`, `jiuye`), the command
 * the words most likely mean is asked too, and its answer is kept when it found something.
 */
function searchFirst(query: string, engine: Pick<Engine, 'answer'>): Answer {
  const text = engine.answer('search', query);
  if (text.status === 'ok' && text.results.length > 0 && !text.approximate) return text;
  const guess = likelyAnswer(query, engine);
  return guess.command !== 'search' && guess.status === 'ok' && guess.results.length > 0 ? guess : text;
}

/** What a bare place name resolves to. */
const PLACE_KINDS: ReadonlySet<string> = new Set(['district', 'township', 'landmark']);
/** Longest bare word worth trying as a name; longer text is a phrase or a paste, so full text. */
const MAX_GUESS_CHARS = 16;

/**
 * The answer to a bare word under the command it most likely means: a figure by value (`7316`, `26000亿`), a place
 * (`潼南`, `tongnan`, `潼楠`), a topic (`就业`, `jiuye`), a person (`刘明`, `liuming`), else full text. Each command is
 * asked in turn and kept only when it found the thing itself, not a fallback to full text. Several words are full text.
 */
export function likelyAnswer(query: string, engine: Pick<Engine, 'answer'>): Answer {
  const q = query.trim();
  for (const bare of latinCores(q)) {
    // `Tongnan district`, `Chongqing employment`, `sha ping ba`: the words that name something, as one word.
    if (bare === q) continue;
    const answer = likelyAnswer(bare, engine);
    if (answer.status === 'ok' && answer.results.length > 0 && !answer.approximate && answer.resolved?.kind !== 'text') return { ...answer, query: q };
  }
  // A Latin word is longer than the name it spells (`ruralrevitalization`, `shapingba`).
  const longest = /^\p{Script=Latin}+$/u.test(q) ? MAX_GUESS_CHARS * 2 : MAX_GUESS_CHARS;
  if (/\s/u.test(q) || [...q].length > longest) return engine.answer('search', q);
  const tries: ReadonlyArray<[SearchCommand, (a: Answer) => boolean]> = [
    ['figures', (a) => a.resolved?.kind === 'figure'],
    ['district', (a) => PLACE_KINDS.has(a.resolved?.kind ?? '')],
    ['topic', (a) => a.resolved?.kind === 'topic'],
    ['person', (a) => a.resolved?.kind === 'person'],
  ];
  let place: Answer | undefined;
  for (const [command, fits] of tries) {
    const answer = engine.answer(command, q);
    if (answer.status === 'ok' && answer.results.length > 0 && !answer.approximate && fits(answer)) return answer;
    if (command === 'district') place = answer;
  }
  const text = engine.answer('search', q);
  // A district the report does not cover, or a place outside Chongqing, says more than "nothing found" or near misses.
  if ((text.status === 'no_match' || text.approximate) && place && ['no_coverage', 'not_chongqing', 'ambiguous'].includes(place.status)) return place;
  return text;
}

/** English words that name no place or topic of their own: `Tongnan district`, `Chongqing employment`. */
const GENERIC_ENGLISH: ReadonlySet<string> = new Set(['district', 'county', 'city', 'town', 'township', 'municipality', 'chongqing', 'the', 'of', 'in']);
/** Pinyin for the same (`Tongnan qu`, `Kai xian`), dropped only last: elsewhere they are syllables of names (Xiannüshan). */
const GENERIC_PINYIN_LAST: ReadonlySet<string> = new Set(['qu', 'xian', 'shi', 'zhen']);

/**
 * Latin words typed for a Chinese name, without the generic words around it and joined into one: all the words
 * left (`Kai xian` → `kaixian`, `sha ping ba` → `shapingba`, `Tongnan district` → `tongnan`), then without a
 * generic syllable at the end (`Tongnan qu` → `tongnan`). Nothing for text that is not only Latin letters and spaces.
 */
export function latinCores(text: string): string[] {
  if (!/^[\p{Script=Latin}\s'’-]+$/u.test(text)) return [];
  const kept = text.toLowerCase().split(/[\s'’-]+/u).filter((w) => w && !GENERIC_ENGLISH.has(w));
  const out = kept.length > 0 ? [kept.join('')] : [];
  while (kept.length > 1 && GENERIC_PINYIN_LAST.has(kept[kept.length - 1]!)) kept.pop();
  if (kept.length > 0 && kept.join('') !== out[0]) out.push(kept.join(''));
  return out.filter((w) => [...w].length <= MAX_GUESS_CHARS * 2);
}

/** A reply as Telegram HTML pages (several only for long answers). */
export function replyPages(reply: Reply, report: Report, commands: readonly CommandSpec[] = COMMANDS): string[] {
  switch (reply.kind) {
    case 'start':
      return [startHtml(report)];
    case 'help':
      return [helpHtml(commands)];
    case 'about':
      return [aboutHtml(report)];
    case 'answer':
      return renderHtmlPages(reply.answer);
    case 'unknown':
      return [unknownHtml(reply.command, reply.suggestion)];
    case 'elsewhere':
      return [elsewhereHtml(reply.spec.command)];
  }
}

/** A reply as terminal text: answers through renderPlain, fixed replies from their HTML. */
export function replyPlain(reply: Reply, report: Report, commands: readonly CommandSpec[] = COMMANDS): string {
  if (reply.kind === 'answer') return renderPlain(reply.answer);
  return replyPages(reply, report, commands).map(htmlToPlain).join('\n\n');
}
