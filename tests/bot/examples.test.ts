// Every example the bot shows (/start, /help, a command's usage line) and every command example in the README must
// give a non-empty, sensible answer on the shipped report. The examples are read from where they are written, so a
// new or changed one is checked without touching this file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SearchCommandSchema, type Answer } from '../../src/core/answer.ts';
import { COMMANDS, findCommand } from '../../src/bot/commands.ts';
import { dispatch } from '../../src/bot/dispatch.ts';
import { parseCommandLine } from '../../src/core/command.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { helpHtml, htmlToPlain, startHtml } from '../../src/render/replies.ts';

const { report, engine } = loadEngine('data');

/** What `<code>` marks in a reply: the lines a user taps to copy. */
const codes = (html: string): string[] => [...html.matchAll(/<code>([^<]*)<\/code>/gu)].map((m) => htmlToPlain(m[1] ?? ''));

/** Command lines in the README: `/cmd …` in backticks and the lines of `npm run ask -- '…'`. */
function readmeExamples(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const ticked = [...readme.matchAll(/`([/／][^`\n]+)`/gu)].map((m) => m[1] ?? '');
  const asked = [...readme.matchAll(/npm run (?:-s )?ask -- (?:--json )?'([^']+)'/gu)].map((m) => m[1] ?? '');
  const piped = [...readme.matchAll(/printf '([^']+)'/gu)].flatMap((m) => (m[1] ?? '').split('\\n'));
  // A placeholder (`/district <name>`) is a shape, not an example.
  return [...ticked, ...asked, ...piped].filter((line) => /^[/／]/u.test(line.trim()) && !/<[a-z]+>/u.test(line));
}

/**
 * Slash words in the README that are not this bot's user commands: placeholders (`/cmd`), BotFather's commands,
 * HTTP paths, the admins' commands (their own composers answer them; tests/bot/admin and living test them) and the
 * terminal chat's `/quit` (tests/e2e/terminal tests it).
 */
const NOT_USER_COMMANDS: ReadonlySet<string> = new Set(['cmd', 'newbot', 'setprivacy', 'setjoingroups', 'setcommands', 'setinline', 'setinlinefeedback', 'healthz', 'metrics', 'stats', 'add', 'quit']);

/** Examples of a mistyped command, and the line the reply must suggest instead (nothing is run). */
const TYPOS: Readonly<Record<string, string>> = { '/distrct 潼南': '/district 潼南' };

/** Examples that show on purpose what the bot says about a place it has nothing on, with the status it must give. */
// `/district 黔江` is the README's example of an article added with `npm run add`: the shipped report alone has nothing on it.
// `/district 成都` is the README's example of a place outside Chongqing: it must be told so, naming the division.
const REFUSALS: Readonly<Record<string, Answer['status']>> = { '/district 城口': 'no_coverage', '/district 黔江': 'no_coverage', '/district 成都': 'not_chongqing' };

const examples: [string, string][] = [
  ...codes(startHtml(report)).map((e): [string, string] => ['/start', e]),
  ...codes(helpHtml(COMMANDS)).map((e): [string, string] => ['/help', e]),
  ...SearchCommandSchema.options.flatMap((c): [string, string][] =>
    [...engine.answer(c, '').message.matchAll(/例如 ([/／]\S+ [^（）]+?)(?:（|$)/gu)].map((m) => [`/${c} usage`, (m[1] ?? '').trim()]),
  ),
  ...readmeExamples()
    .filter((e) => !NOT_USER_COMMANDS.has(parseCommandLine(e).command))
    .map((e): [string, string] => ['README', e]),
];

describe('The examples the bot and the README show', () => {
  it('are found where they are written: /start, /help, usage lines and the README', () => {
    const where = new Set(examples.map(([w]) => w));
    for (const w of ['/start', '/help', '/district usage', '/figures usage', 'README']) expect(where).toContain(w);
    expect(examples.map(([, e]) => e)).toContain('/figures 投资');
  });

  it.each(examples)('%s: %s gives a non-empty, sensible answer', (_where, line) => {
    const reply = dispatch(line, engine);
    const { command, query } = parseCommandLine(line);
    const typo = TYPOS[line.trim()];
    if (typo) return expect(reply).toMatchObject({ kind: 'unknown', suggestion: typo });
    // Commands of other features (/subscribe, /digest) are answered elsewhere: they must at least be known.
    if (reply.kind === 'elsewhere') return expect(findCommand(command)).toBeDefined();
    expect(reply.kind, line).not.toBe('unknown');
    if (reply.kind !== 'answer') return;
    const { answer } = reply;
    expect(answer.message).not.toMatch(/内部错误/);
    if (query === '') return expect(answer.status).toBe('usage');
    const refusal = REFUSALS[line.trim()];
    if (refusal) return expect(answer.status).toBe(refusal);
    expect(answer.status, `${line}: ${answer.message}`).toBe('ok');
    expect(answer.results.length, line).toBeGreaterThan(0);
    // A figures example shows figures; any other shows the words it asked for, marked.
    if (answer.command === 'figures') expect(answer.results.some((r) => r.figures.length > 0), line).toBe(true);
    else expect(answer.results[0]?.highlights.length ?? 0, line).toBeGreaterThan(0);
  });
});
