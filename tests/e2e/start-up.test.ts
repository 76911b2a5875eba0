/** Start-up failures an operator can cause: each exits 1 quickly with a message naming the variable to change. */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { freePort, spawnBot } from './harness.ts';

const TOKEN = '5550004444:AAStartUpTokenForTheTests_abcdefghijkl';
const SECRET = 'webhook-secret-0123456789';
let api: FakeBotApi;

beforeAll(async () => { api = await FakeBotApi.start({ token: TOKEN }); });
afterAll(async () => { await api.close(); });

/** Run the bot with `env` until it exits (killed after 15 s, so a hang fails the test instead of stalling the run). */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; all: string }> {
  const bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, ...env });
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 15_000);
  const code = await bot.exited;
  clearTimeout(timer);
  return { code, stderr: bot.stderr(), all: bot.stdout() + bot.stderr() };
}

const webhook = (port: number, host = '127.0.0.1') => ({ TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: host });

describe('Start-up failures name the variable and what it takes', () => {
  it('a DATA_DIR that cannot be created (/proc/1/x) fails at once, naming DATA_DIR', async () => {
    const started = Date.now();
    const { code, stderr } = await start({ TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: '/proc/1/x' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATA_DIR \/proc\/1\/x cannot be created.*writable directory/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a port in use names PORT', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const { code, stderr, all } = await start(webhook(port));
      expect(code).toBe(1);
      expect(stderr).toContain(`PORT ${port} is already in use`);
      expect(all).not.toContain(SECRET);
    } finally {
      busy.close();
    }
  });

  it('an unresolvable HOST names HOST and suggests addresses', async () => {
    const { code, stderr } = await start(webhook(await freePort(), 'no-such-host.invalid'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/HOST no-such-host\.invalid cannot be resolved.*0\.0\.0\.0/);
  });

  it('an unreachable TELEGRAM_API_ROOT names TELEGRAM_API_ROOT, never the token', async () => {
    const { code, stderr, all } = await start({ TELEGRAM_API_ROOT: `http://127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot reach the Bot API at TELEGRAM_API_ROOT \(127\.0\.0\.1:\d+\): ECONNREFUSED/);
    expect(all).not.toContain(TOKEN.split(':')[1]);
  });
});
