/**
 * Turns one line a user typed into what to reply, without knowing about Telegram:
 * the bot and the terminal chat share it, so both answer the same commands the same way.
 */
import type { Answer } from '../core/answer.ts';
import { SearchCommandSchema } from '../core/answer.ts';
import { parseCommandLine } from '../core/command.ts';
import type { Engine } from '../core/engine.ts';
import type { Report } from '../core/report.ts';
import { renderHtmlPages } from '../render/html.ts';
import { renderPlain } from '../render/plain.ts';
import { aboutHtml, elsewhereHtml, helpHtml, htmlToPlain, startHtml, unknownHtml } from '../render/replies.ts';
import { COMMANDS, findCommand, type CommandSpec } from './commands.ts';

export type Reply =
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'about' }
  | { kind: 'answer'; answer: Answer }
  /** A slash command nobody knows. */
  | { kind: 'unknown'; command: string }
  /** A registered command another feature answers (e.g. /subscribe). */
  | { kind: 'elsewhere'; spec: CommandSpec; query: string };

const GREETING = /^(你好|您好|嗨|哈喽|哈啰|在吗|hi|hello|hey|start)[\s!！。.~～?？]*$/i;

/** What to answer to `text` (`/district 潼南`, `潼南`, `你好`); plain text is a full-text search. */
export function dispatch(text: string, engine: Engine, commands: readonly CommandSpec[] = COMMANDS): Reply {
  const line = parseCommandLine(text);
  const isSlash = /^\s*[/／]/.test(text);
  if (!isSlash) {
    if (line.query === '' || GREETING.test(line.query)) return { kind: 'start' };
    return { kind: 'answer', answer: engine.answer('search', line.query) };
  }
  const spec = findCommand(line.command, commands);
  if (!spec) return { kind: 'unknown', command: line.command };
  switch (spec.command) {
    case 'start':
      return { kind: 'start' };
    case 'help':
      return { kind: 'help' };
    case 'about':
      return { kind: 'about' };
  }
  const search = SearchCommandSchema.safeParse(spec.command);
  if (spec.feature === 'search' && search.success) return { kind: 'answer', answer: engine.answer(search.data, line.query) };
  return { kind: 'elsewhere', spec, query: line.query };
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
      return [unknownHtml(reply.command)];
    case 'elsewhere':
      return [elsewhereHtml(reply.spec.command)];
  }
}

/** A reply as terminal text: answers through renderPlain, fixed replies from their HTML. */
export function replyPlain(reply: Reply, report: Report, commands: readonly CommandSpec[] = COMMANDS): string {
  if (reply.kind === 'answer') return renderPlain(reply.answer);
  return replyPages(reply, report, commands).map(htmlToPlain).join('\n\n');
}
