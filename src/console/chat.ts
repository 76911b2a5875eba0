/**
 * The terminal chat: `npm start` without a token. Reads one line at a time, answers with the same
 * dispatch as the bot, rendered as plain text. Works on a TTY (prompt, greeting) and on a pipe
 * (no prompt; answers each line and ends at EOF), so scripts and tests can drive it.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Engine } from '../core/engine.ts';
import type { Report } from '../core/report.ts';
import { COMMANDS, type CommandSpec } from '../bot/commands.ts';
import { dispatch, replyPlain } from '../bot/dispatch.ts';
import { latestHtml } from '../render/living.ts';
import { htmlToPlain } from '../render/replies.ts';

export interface ConsoleChatOptions {
  engine: Engine;
  report: Report;
  input: Readable;
  output: Writable;
  /** Show the greeting and a `> ` prompt (default: whether input is a TTY). */
  interactive?: boolean;
  commands?: readonly CommandSpec[];
  /** Today's digest as plain text, for `/digest` (subscriptions need Telegram, but the digest can be read here). */
  digestPreview?: () => string;
  /** Where a failure's stack goes for the operator (default: stderr); the chat itself only gets one sentence. */
  errors?: Writable;
  /** When the last article was added while running (for `/latest`), or null. */
  lastAddedAt?: () => number | null;
  /** Time zone `/latest` shows times in (default Asia/Shanghai). */
  timezone?: string;
}

/** What the terminal says to the digest commands that need a Telegram chat. */
const SUBSCRIBE_ELSEWHERE = '订阅需要在 Telegram 中使用：每日摘要会按时发到订阅的聊天。在终端里可以用 /digest 查看今日摘要。';

/** What `npm start` says when it has no token, no terminal and nothing on stdin. */
export const CONSOLE_USAGE = [
  'no TELEGRAM_BOT_TOKEN is set and there was nothing to read on stdin, so there was nothing to do.',
  '  To run the Telegram bot: set TELEGRAM_BOT_TOKEN (in .env or the environment; see .env.example).',
  '  To chat in the terminal: run `npm start` in a terminal, or pipe questions in:',
  "    echo '/district 潼南' | npm start --silent",
  "  One question from a script: npm run --silent ask -- '/district 潼南'",
].join('\n');

const QUIT = /^\s*[/／]?(quit|exit|bye|退出)\s*$/i;

/** Run the chat until EOF or `/quit`; resolves with the number of lines answered. */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<number> {
  // The engine and report are read at each line: with a living report they are getters for the one in service.
  const { output } = options;
  const commands = options.commands ?? COMMANDS;
  const interactive = options.interactive ?? Boolean((options.input as Readable & { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input: options.input, output: interactive ? output : undefined, terminal: interactive, crlfDelay: Infinity });
  const write = (text: string) => output.write(`${text}\n\n`);
  // Ctrl+C on a terminal ends the chat like Ctrl+D.
  rl.on('SIGINT', () => rl.close());
  if (interactive) {
    write(replyPlain({ kind: 'start' }, options.report, commands));
    output.write('（未设置 TELEGRAM_BOT_TOKEN，正在终端中聊天。输入 /quit 或按 Ctrl+D 退出。）\n\n');
    rl.setPrompt('> ');
    rl.prompt();
  }
  let answered = 0;
  for await (const line of rl) {
    if (QUIT.test(line.normalize('NFKC'))) break;
    if (line.trim() !== '') {
      answered++;
      try {
        const reply = dispatch(line, options.engine, commands);
        if (reply.kind === 'elsewhere' && reply.spec.command === 'digest' && options.digestPreview) write(options.digestPreview());
        // /latest only reads the report, so it is answered here as in Telegram.
        else if (reply.kind === 'elsewhere' && reply.spec.command === 'latest') write(htmlToPlain(latestHtml(options.report, options.lastAddedAt?.() ?? null, options.timezone ?? 'Asia/Shanghai')));
        else if (reply.kind === 'elsewhere' && reply.spec.feature === 'digest') write(SUBSCRIBE_ELSEWHERE);
        else write(replyPlain(reply, options.report, commands));
      } catch (err) {
        // Same promise as the bot: a failure is reported, the chat goes on.
        write('出错了，请稍后再试。');
        (options.errors ?? process.stderr).write(`report-bot: ${(err as Error).stack ?? String(err)}\n`);
      }
    }
    if (interactive) rl.prompt();
  }
  rl.close();
  return answered;
}
