import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { broadcast, parseBroadcastArgs, verdict } from '../../src/cli/broadcast.ts';
import { parseConfig } from '../../src/config.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { SqliteSubscriptionStore } from '../../src/store/sqlite.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { virtualClock } from '../digest/clock.ts';
import { fixtureReport } from '../digest/fixture.ts';
import { subscriber } from '../../src/store/types.ts';

const report = fixtureReport();
const AT = '2022-06-03T08:00:00+08:00';
let api: FakeBotApi | undefined;
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await api?.close();
  api = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'broadcast-'));
  dirs.push(d);
  return d;
}

describe('npm run broadcast', () => {
  it('--dry-run prints who would get what and sends nothing, writes nothing', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    const store = new MemorySubscriptionStore();
    await store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
    await store.subscribe({ chatId: -5, chatType: 'group', minutes: 420, timezone: 'Asia/Shanghai', filter: { kind: 'district', id: '潼南区', label: '潼南区' } }, 0);
    await store.subscribe({ chatId: 2, chatType: 'private', minutes: 600, timezone: 'Asia/Shanghai', filter: null }, 0); // not due at 08:00
    const out: string[] = [];
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    const result = await broadcast({ config, report, store, clock: virtualClock(AT), args: parseBroadcastArgs(['--dry-run', '--at', AT]), out: (l) => out.push(l) });
    expect(result).toBeNull();
    expect(out.filter((l) => l.startsWith('chat '))).toHaveLength(2);
    expect(out.find((l) => l.startsWith('chat -5'))).toMatch(/潼南区.*→ 2022-06-03 a1-s0[13]-/);
    expect(out.at(-1)).toContain('2 digest(s) due');
    expect(api.calls).toHaveLength(0);
    expect(await store.delivery(subscriber(1), '2022-06-03')).toBeNull();
  });

  it('--dry-run counts a chat whose filter matches nothing yet as due, with the one nothing-new line', async () => {
    const store = new MemorySubscriptionStore();
    await store.subscribe({ chatId: 1, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
    await store.subscribe({ chatId: 3, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: { kind: 'topic', id: 'tourism', label: '文旅' } }, 0);
    const out: string[] = [];
    const config = parseConfig({});
    await broadcast({ config, report, store, clock: virtualClock(AT), args: parseBroadcastArgs(['--dry-run', '--at', AT]), out: (l) => out.push(l) });
    expect(out.find((l) => l.startsWith('chat 3'))).toMatch(/文旅.*→ 2022-06-03 nothing new \(one line\)/);
    expect(out.at(-1)).toContain('2 digest(s) due');
    expect((await store.get(subscriber(3)))?.active).toBe(true); // a dry run changes nothing
  });

  it('sends the due digests once and a second run sends nothing', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    const store = new MemorySubscriptionStore();
    for (const chatId of [1, 2, -3]) (await store.subscribe({ chatId, chatType: chatId > 0 ? 'private' : 'group', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0));
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    const run = () => broadcast({ config, report, store, clock: virtualClock(AT), args: parseBroadcastArgs(['--at', AT, '--quiet']), out: () => {} });
    expect(await run()).toMatchObject({ sent: 3, failed: 0 });
    expect(await run()).toMatchObject({ sent: 0 });
    expect(api.sent()).toHaveLength(3);
  });

  it('fails with one summary line when the API is unreachable for the whole run, so cron can alert', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    api.fail({ method: 'sendMessage' }, { kind: 'server_error' });
    const store = new MemorySubscriptionStore();
    for (const chatId of [1, 2]) (await store.subscribe({ chatId, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0));
    const out: string[] = [];
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    const summary = await broadcast({ config, report, store, clock: virtualClock(AT), args: parseBroadcastArgs(['--at', AT, '--quiet']), out: (l) => out.push(l) });
    expect(summary).toMatchObject({ sent: 0, failed: 2 });
    expect(verdict(summary!, summary!.due).failed).toBe(true);
    expect(out.at(-1)).toMatch(/^broadcast FAILED: nothing due could be delivered \(0 of 2 due sent, 2 to retry/);
  });

  it('fails when a chat failed for good, but not when a chat left', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    api.fail({ method: 'sendMessage', chatId: 2 }, { kind: 'bad_request', description: 'Bad Request: message is too long' });
    api.fail({ method: 'sendMessage', chatId: 3 }, { kind: 'blocked' });
    const store = new MemorySubscriptionStore();
    for (const chatId of [1, 2, 3]) (await store.subscribe({ chatId, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0));
    const out: string[] = [];
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    const summary = await broadcast({ config, report, store, clock: virtualClock(AT), args: parseBroadcastArgs(['--at', AT, '--quiet']), out: (l) => out.push(l) });
    expect(verdict(summary!, summary!.due).failed).toBe(true);
    expect(out.at(-1)).toMatch(/^broadcast FAILED: 1 chat\(s\) failed for good \(1 of 3 due sent, 0 to retry, 1 failed for good, 1 unsubscribed/);
    expect(verdict({ ...summary!, dropped: 1, deactivated: 1 }, 3)).toMatchObject({ failed: false, line: expect.stringMatching(/^broadcast OK/) });
  });

  it('rejects unknown arguments with the usage line', async () => {
    expect(() => parseBroadcastArgs(['--bogus'])).toThrow(/usage: npm run broadcast/);
    expect(() => parseBroadcastArgs(['--at', 'yesterday'])).toThrow(/ISO time/);
  });
});

describe('When the broadcast process is killed mid-way and restarted', () => {
  const CHATS = 1000;

  async function prepare() {
    api = await FakeBotApi.start({ lean: true, strictHtml: true });
    const dir = tempDir();
    const reportPath = join(dir, 'report.json');
    writeFileSync(reportPath, JSON.stringify(report));
    const store = new SqliteSubscriptionStore({ dataDir: dir });
    const ids: number[] = [];
    for (let i = 0; i < CHATS; i++) {
      // Private chats, small groups and 64-bit supergroup ids.
      const chatId = i % 3 === 0 ? 1000 + i : i % 3 === 1 ? -(1000 + i) : -1001000000000000 - i;
      ids.push(chatId);
      await store.subscribe({ chatId, chatType: chatId > 0 ? 'private' : chatId < -1e12 ? 'supergroup' : 'group', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, 0);
    }
    await store.close();
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      DATA_DIR: dir,
      REPORT_PATH: reportPath,
      // Fast, and slow enough for the fake API in this process to keep up, so the kill comes mid-way with
      // several requests out at once.
      BROADCAST_PER_SECOND: '200',
      LOG_LEVEL: 'silent',
    };
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/broadcast.ts', '--at', AT, '--quiet'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
      return { child, exited };
    };
    return { dir, ids, start };
  }

  function tally(ids: readonly number[]) {
    const counts = new Map<string, number>();
    for (const c of api!.sent()) counts.set(c.chatId!, (counts.get(c.chatId!) ?? 0) + 1);
    const lost = ids.filter((id) => !counts.has(String(id))).length;
    const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
    return { lost, duplicates };
  }

  it('kill -9: every chat ends with exactly one digest, except at most one duplicate per message in flight', async () => {
    const { dir, ids, start } = await prepare();
    const first = start();
    let delivered = 0;
    // Kill at the worst moment: Telegram has accepted a message but the sender has not heard back yet.
    api!.onCall((c) => {
      if (c.method === 'sendMessage' && c.ok && ++delivered === 400) first.child.kill('SIGKILL');
    });
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    expect(api!.sent().length).toBeGreaterThanOrEqual(400);
    expect(api!.sent().length).toBeLessThan(CHATS);
    // The ledger's messages of unknown fate are the ones in flight: at most a second's worth (the sender's cap).
    const afterKill = new SqliteSubscriptionStore({ dataDir: dir });
    let pending = 0;
    for (const id of ids) if ((await afterKill.delivery(subscriber(id), '2022-06-03'))?.status === 'pending') pending++;
    await afterKill.close();
    expect(pending).toBeGreaterThanOrEqual(1);
    expect(pending).toBeLessThanOrEqual(200);

    const second = await start().exited;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const { lost, duplicates } = tally(ids);
    expect(lost).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(pending); // each resent once at most

    const store = new SqliteSubscriptionStore({ dataDir: dir });
    for (const id of ids) expect((await store.delivery(subscriber(id), '2022-06-03'))?.status).toBe('sent');
    await store.close();
  }, 40_000);

  it('SIGTERM: the messages in flight finish, nothing is repeated, and the restart sends the rest', async () => {
    const { ids, start } = await prepare();
    const first = start();
    let delivered = 0;
    api!.onCall((c) => {
      if (c.method === 'sendMessage' && c.ok && ++delivered === 300) first.child.kill('SIGTERM');
    });
    const stopped = await first.exited;
    expect(stopped.code).toBe(0);
    expect(api!.sent().length).toBeLessThan(CHATS);
    expect((await start().exited).code).toBe(0);
    expect(tally(ids)).toEqual({ lost: 0, duplicates: 0 });
  }, 40_000);
});
