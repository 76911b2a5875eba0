// `npm run bench:start [-- --json] [-- --before]`: how long people wait for the commands they run, median of 5 on
// this machine. start_ms: `npm start` (terminal chat, no token) until its first answer is printed; ask_ms:
// `npm run ask -- '/district 潼南'` end to end; cold_start_ms: loading and indexing the report in a fresh process
// (`loadEngine`, as `npm run bench` measures it); first_national_query_ms: what the first `/district 成都` adds. `--before` times the commands as they were before the build step
// (tsx compiling TypeScript at every start: `npm run dev`, `npm exec tsx src/cli/ask.ts`), for comparison.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;
const QUERY = '/district 潼南';
const json = process.argv.includes('--json');
const before = process.argv.includes('--before');

// `--cold`: the child that times loadEngine from the TypeScript sources (tsx) in a fresh process, for `--before`.
if (process.argv.includes('--cold')) {
  const { loadEngine } = await import('../src/load-engine.ts');
  const t0 = performance.now();
  const { engine } = loadEngine('data');
  const t1 = performance.now();
  engine.answer('district', '成都');
  process.stdout.write(`${t1 - t0} ${performance.now() - t1}\n`);
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => Math.round(x);

/** Run `command args` in the checkout with no token, `stdin` written; resolves with the ms until stdout's first byte (or the exit, `untilExit`). */
function time(command: string, args: string[], stdin: string, untilExit: boolean): Promise<{ ms: number; out: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-bench-'));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TELEGRAM_BOT_TOKEN: '', DATABASE_URL: '', LOG_LEVEL: 'warn', DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let first: number | null = null;
    child.stdout.on('data', (chunk) => {
      first ??= performance.now() - started;
      out += String(chunk);
    });
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out}`));
      resolve({ ms: untilExit || first === null ? performance.now() - started : first, out });
    });
    child.stdin.end(stdin);
  });
}

async function medianOf(run: () => Promise<{ ms: number; out: string }>, expect: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { ms: t, out } = await run();
    if (!out.includes(expect)) throw new Error(`unexpected output:\n${out}`);
    times.push(t);
  }
  return median(times);
}

// Not timed: a first run builds dist/ if src/ changed, and warms the disk cache like any command run twice.
if (!before) await time('npm', ['run', '--silent', 'build'], '', true);
await time('npm', ['run', '--silent', before ? 'dev' : 'start'], `${QUERY}\n`, true);

const result = {
  mode: before ? 'before (tsx)' : 'compiled (dist/)',
  // Other work on the machine slows every figure: this says how busy it was (1-minute load average / cores).
  load_per_core: Math.round((loadavg()[0]! / availableParallelism()) * 100) / 100,
  start_ms: ms(await medianOf(() => time('npm', ['run', '--silent', before ? 'dev' : 'start'], `${QUERY}\n`, false), '潼南区')),
  ask_ms: ms(await medianOf(() => time('npm', before ? ['exec', '--', 'tsx', 'src/cli/ask.ts', QUERY] : ['run', '--silent', 'ask', '--', QUERY], '', true), '潼南区')),
  ...(await (async () => {
    const load: number[] = [];
    const national: number[] = [];
    const args = before ? ['--import', 'tsx', 'bench/start.ts', '--cold'] : ['dist/cold-start.js'];
    for (let i = 0; i < RUNS; i++) {
      const [a = NaN, b = NaN] = (await time(process.execPath, args, '', true)).out.trim().split(/\s+/).map(Number);
      load.push(a);
      national.push(b);
    }
    // What the first query outside Chongqing (`/district 成都`) takes on top, in the same process: the national
    // divisions are read and folded on first need, not at start (under tsx they were built at start).
    return { cold_start_ms: ms(median(load)), first_national_query_ms: ms(median(national)) };
  })()),
};

const targets: Record<string, [string, boolean]> = {
  start_ms: ['≤ 1000', result.start_ms <= 1000],
  ask_ms: ['≤ 600', result.ask_ms <= 600],
  cold_start_ms: ['≤ 100', result.cold_start_ms <= 100],
};
const rows = Object.entries(result).map(([k, v]) => {
  const t = targets[k];
  return `${k.padEnd(24)} ${String(v).padStart(18)}  ${t ? `${t[0].padEnd(7)} ${t[1] ? 'ok' : 'MISSED'}` : ''}`;
});
process.stdout.write(`${'metric'.padEnd(24)} ${'median of 5'.padStart(18)}  target\n${rows.join('\n')}\n`);
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
