/** Starting the real bot process (`node --import tsx src/main.ts`) for end-to-end tests, and reading its output. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A free TCP port on 127.0.0.1 (for servers that cannot listen on port 0 themselves). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`; rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Exit code once the process ends. */
  exited: Promise<number | null>;
  /** Send `signal` and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

// Every variable the bot reads, blank unless the test sets it: a developer's shell or .env must not leak in
// (dotenv never overrides a variable that is already set, even to '').
export const BLANK_ENV = {
  TELEGRAM_BOT_TOKEN: '', TELEGRAM_API_ROOT: '', WEBHOOK_URL: '', WEBHOOK_SECRET: '', PORT: '', HOST: '',
  LOG_LEVEL: 'info', DATA_DIR: '', REPORT_PATH: '',
  DIGEST_TIME: '', DIGEST_TIMEZONE: '', BROADCAST_PER_SECOND: '', BROADCAST_PER_CHAT_PER_SECOND: '', BROADCAST_PER_GROUP_PER_MINUTE: '',
  BROADCAST_PAID: '', DATABASE_URL: '', BOT_ADMINS: '', ADD_NEEDS_PREVIEW: '',
};

/** Spawn the bot with only `env` (plus PATH/HOME) set and its state in a fresh temporary DATA_DIR; `stdin` is written and closed when given. */
export function spawnBot(env: Record<string, string>, stdin?: string): BotProcess {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...BLANK_ENV, DATA_DIR: dataDir, ...env },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk) => { out += String(chunk); for (const w of watchers) w(); });
  child.stderr.on('data', (chunk) => { err += String(chunk); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    for (const w of watchers) w();
    rmSync(dataDir, { recursive: true, force: true });
    resolve(code);
  }));
  if (stdin !== undefined) child.stdin.end(stdin);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) { done(); resolve(line); } else if (child.exitCode !== null) { done(); reject(new Error(`bot exited (${child.exitCode}) before ${pattern}:\n${out}\n${err}`)); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`)); }, timeoutMs);
        const done = () => { clearTimeout(timer); watchers.delete(check); };
        watchers.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The JSON log lines the bot wrote. */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}
