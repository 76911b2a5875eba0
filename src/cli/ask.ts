// `npm run ask -- '/district 潼南'`: answer commands from the terminal, as plain text or (--json) one JSON line each.
// Without a command argument, reads one command per line from standard input. `--schema` prints the JSON Schema of an answer.
import { config as loadDotenv } from 'dotenv';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { AnswerSchema, SearchCommandSchema, type Answer } from '../core/answer.ts';
import { parseCommandLine } from '../core/command.ts';
import type { Engine } from '../core/engine.ts';
import { parseConfig } from '../config.ts';
import { reportForCommand } from '../live/report-source.ts';
import { renderPlain } from '../render/plain.ts';

interface AskArgs {
  json: boolean;
  /** Print the JSON Schema of what `--json` prints, and nothing else. */
  schema: boolean;
  /** `--data <dir>`: another project data folder (its report.json, raw/ and reference data); null: the configured report. */
  dataDir: string | null;
  commands: string[];
}

/** Parse `ask` arguments: `--json`, `--data <dir>`, then command lines. */
export function parseAskArgs(argv: readonly string[]): AskArgs {
  const args: AskArgs = { json: false, schema: false, dataDir: null, commands: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json') args.json = true;
    else if (a === '--schema') args.schema = true;
    else if (a === '--data') args.dataDir = argv[++i] ?? args.dataDir;
    else if (a.startsWith('--data=')) args.dataDir = a.slice('--data='.length);
    else args.commands.push(a);
  }
  return args;
}

/** Answer one command line; an unknown command gets a usage answer, never a throw. */
export function ask(engine: Engine, line: string): Answer {
  const parsed = parseCommandLine(line);
  const command = SearchCommandSchema.safeParse(parsed.command);
  if (!command.success) {
    return {
      command: 'search',
      query: parsed.query,
      status: 'usage',
      resolved: null,
      message: `不认识的命令 /${parsed.command}。可用命令：${SearchCommandSchema.options.map((c) => `/${c}`).join(' ')}`,
      suggestions: SearchCommandSchema.options.map((c) => `/${c}`),
      results: [],
    };
  }
  return engine.answer(command.data, parsed.query);
}

function print(answer: Answer, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(answer)}\n` : `${renderPlain(answer)}\n\n`);
}

async function main(): Promise<void> {
  // `npm run ask … | head` closes the pipe early; that is the reader being done, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const args = parseAskArgs(process.argv.slice(2));
  if (args.schema) {
    process.stdout.write(`${JSON.stringify(z.toJSONSchema(AnswerSchema, { io: 'output' }), null, 2)}\n`);
    return;
  }
  loadDotenv({ quiet: true });
  const config = parseConfig(process.env);
  // The report in service, as the bot answers: report.json plus the articles added since (src/live/report-source.ts).
  const source = await reportForCommand(config, {
    ...(args.dataDir !== null ? { dataDir: args.dataDir, reportPath: join(args.dataDir, 'report.json') } : {}),
    onRefused: (file, reason) => process.stderr.write(`ask: left out ${file}: ${reason}\n`),
    onListError: (err) => process.stderr.write(`ask: could not read the shared list of articles (${(err as Error).message}); answering from report.json and the folders\n`),
  });
  const { engine } = source.current();
  if (args.commands.length > 0) {
    for (const c of args.commands) print(ask(engine, c), args.json);
    return;
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim()) print(ask(engine, line), args.json);
  }
}

// Run only as a script, so tests can import `ask` and `parseAskArgs`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`ask: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
