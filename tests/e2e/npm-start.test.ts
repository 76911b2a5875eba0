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
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { BLANK_ENV, freePort, ROOT } from './harness.ts';

const TOKEN = '5550006666:AANpmStartTokenForTheTests_abcdefghij';
const SECRET = 'webhook-secret-0123456789';
let api: FakeBotApi;

beforeAll(async () => { api = await FakeBotApi.start({ token: TOKEN }); });
afterAll(async () => { await api.close(); });

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
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...BLANK_ENV, DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1' },
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
});
