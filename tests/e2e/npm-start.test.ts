/**
 * `npm start` as a supervisor runs it: the signal goes to the process npm started (not the bot's own pid), and the
 * bot must still stop gracefully (log "stopped", exit 0), leave no process behind and free its port.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { dropSchema, freshSchema, probePostgres } from '../support/postgres.ts';
import { BLANK_ENV, freePort, ROOT } from './harness.ts';

const TOKEN = '5550006666:AANpmStartTokenForTheTests_abcdefghij';
const SECRET = 'webhook-secret-0123456789';
let api: FakeBotApi;
// SIGINT runs on PostgreSQL when one answers (the compiled bundle's pg), SIGTERM on SQLite (better-sqlite3).
const pgUrl = (await probePostgres()).url;
const schema = freshSchema();
let databaseUrl = '';

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN });
  if (pgUrl) {
    await (await PostgresStore.open({ connectionString: pgUrl, schema })).close();
    const u = new URL(pgUrl);
    u.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = u.toString();
  }
});
afterAll(async () => {
  await api.close();
  if (pgUrl) await dropSchema(pgUrl, schema);
});

/** Every live process whose parent chain leads to `root` (read from /proc, Linux only). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The fields after the command name, which may itself hold spaces and parentheses: state, ppid…
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parent.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while we read.
    }
  }
  const found: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) { found.push(pid); break; }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe.runIf(process.platform === 'linux')('npm start stops on a signal to the process npm started', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: drains, logs stopped, exits 0, leaves no process and frees /healthz's port`, async () => {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-npm-start-'));
      const npm = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...BLANK_ENV, DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: signal === 'SIGINT' ? databaseUrl : '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout.on('data', (c) => { out += String(c); });
      npm.stderr.on('data', (c) => { out += String(c); });
      const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
      try {
        await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toMatch(/"msg":"bot started"/);
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        const tree = descendants(npm.pid!);
        expect(tree.length).toBeGreaterThan(0);

        // An update whose answer is still on its way when the signal comes: it must be finished, not cut.
        api.setLatency(1_500);
        const chat = signal === 'SIGTERM' ? 81 : 82;
        const posted = fetch(`http://127.0.0.1:${port}/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify({ update_id: chat, message: { message_id: 1, date: 1, chat: { id: chat, type: 'private', first_name: 'u' }, from: { id: chat, is_bot: false, first_name: 'u' }, text: '/district 潼南' } }),
        });
        await expect.poll(() => api.callsTo('sendMessage', chat).length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
        process.kill(npm.pid!, signal);
        const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
        expect(code).toBe(0);
        expect(out).toMatch(/"msg":"stopped"/);
        expect((await posted).status).toBe(200);
        expect(api.sentTexts(chat)[0]).toContain('潼南区');
        // Nothing npm started is left serving, and the next `npm start` can have the port.
        await expect.poll(() => tree.filter(alive), { timeout: 3_000 }).toEqual([]);
        expect(await portFree(port)).toBe(true);
      } finally {
        api.setLatency(0);
        npm.kill('SIGKILL');
        for (const pid of descendants(npm.pid!)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});

describe('npm run ask runs the compiled command', () => {
  it('answers one query and exits 0', () => {
    const out = execFileSync('npm', ['run', '--silent', 'ask', '--', '/district 潼南'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(out).toContain('潼南区：报道中有');
  }, 40_000);

  it('answers exactly as the TypeScript sources do, with the folding, pinyin and division index computed at build time', () => {
    // Traditional characters, full-width forms, pinyin, typos, places outside Chongqing (national index, read on first
    // need), people, figures, emoji (the grapheme segmenter, made on first need).
    const queries = [
      '/district 潼南', '/district tongnan', '/district Tong Nan', '/district 潼楠', '/district 開州', '/district 沙坪壩', '/district 开县',
      '/district 满月镇', '/district 仙女山', '/district 成都', '/district 鼓楼', '/district 宁波江北', '/district 湖北省', '/district beijing',
      '/topic 就業', '/topic jiuye', '/person liuhongguang', '/person 刘红光主任', '/person 楊浪浪', '/figures 26000亿', '/figures ４２％',
      '/search 侧面碰撞', '/search ＡＢＣ 乡村振兴', '/search 👨‍👩‍👧 柠檬', '/district 江苏省南京市鼓楼区', '潼南', 'jiuye',
    ].join('\n');
    const compiled = execFileSync('npm', ['run', '--silent', 'ask', '--', '--json'], { cwd: ROOT, encoding: 'utf8', input: queries, timeout: 30_000 });
    const source = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', '--json'], { cwd: ROOT, encoding: 'utf8', input: queries, timeout: 30_000 });
    expect(compiled.split('\n').length).toBeGreaterThan(20);
    expect(compiled).toBe(source);
  }, 60_000);
});
