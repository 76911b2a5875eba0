// `npm run bench:broadcast [-- --latency-ms 100 --seconds 60 --paid --subs 10000 --report data/report.json]`:
// the digest sender against the fake Bot API.
// Phase 1: 10,000 subscriptions, limiter off, the API answering at once: messages/s the sender sustains (the bot
// must never be the bottleneck).
// Phase 2: the real limits (30/s, 1/s per chat, 20/min per group; 1,000/s with `--paid`, as with BROADCAST_PAID)
// for `--seconds`, the API answering each request after `--latency-ms` (±20%): achieved rate and any window over
// a cap, measured on arrival at the fake API. There are more private chats than the cap can serve in that time,
// so `capped_ratio` (achieved / cap) measures the sender, not the job mix.
// The fake API runs in a child process so it does not share the sender's thread.
// The last line of output is one JSON object.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Telegram } from 'telegraf';
import { systemClock } from '../src/digest/clock.ts';
import { makeCompose } from '../src/digest/compose.ts';
import { DEFAULT_RATE_LIMITS, marginFor, UNCAPPED, type RateLimits } from '../src/digest/rate-limiter.ts';
import { dueJobs } from '../src/digest/scheduler.ts';
import { DigestSender, type DigestJob, type RunSummary } from '../src/digest/sender.ts';
import { telegramSendApi } from '../src/digest/telegram.ts';
import { loadReportFile } from '../src/load-report.ts';
import type { Report } from '../src/core/report.ts';
import { SqliteSubscriptionStore } from '../src/store/sqlite.ts';
import { FakeBotApi } from '../tests/support/fake-bot-api.ts';

/** One delivered message as the fake API saw it: chat id and arrival time (ms, server clock). */
type Arrival = [chatId: string, atMs: number];

interface ServerHandle {
  apiRoot: string;
  token: string;
  /** Delivered sendMessage calls since the last call, then forget them. */
  drain(): Promise<Arrival[]>;
  /** Answer each request after about `ms` from now on (±20%). */
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

// ---- the fake API, in a child process -------------------------------------------------------

async function serve(): Promise<void> {
  const api = await FakeBotApi.start({ lean: true });
  process.on('message', (msg: unknown) => {
    if (msg === 'drain') {
      const arrivals: Arrival[] = api.sent().map((c) => [c.chatId ?? '', c.atHr]);
      api.reset();
      process.send!({ arrivals });
    } else if (typeof msg === 'object' && msg !== null && 'latencyMs' in msg) {
      api.setLatency(Number(msg.latencyMs));
      process.send!({ latencyMs: msg.latencyMs });
    } else if (msg === 'close') {
      void api.close().then(() => process.exit(0));
    }
  });
  process.send!({ apiRoot: api.apiRoot, token: api.token });
}

function startServer(): Promise<ServerHandle> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(): Promise<T> => new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
  return next<{ apiRoot: string; token: string }>().then(({ apiRoot, token }) => ({
    apiRoot,
    token,
    drain: async () => {
      const reply = next<{ arrivals: Arrival[] }>();
      child.send('drain');
      return (await reply).arrivals;
    },
    setLatency: async (latencyMs) => {
      const reply = next<unknown>();
      child.send({ latencyMs });
      await reply;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  }));
}

// ---- measurements ---------------------------------------------------------------------------

/** Sliding windows of `windowMs` holding more than `limit` arrivals (each offending start counted once). */
export function windowsOver(times: readonly number[], limit: number, windowMs: number): number {
  let over = 0;
  for (let i = 0; i + limit < times.length; i++) if (times[i + limit]! - times[i]! < windowMs) over++;
  return over;
}

function countBy(arrivals: readonly Arrival[]): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const [chat, at] of arrivals) {
    const list = by.get(chat) ?? [];
    list.push(at);
    by.set(chat, list);
  }
  return by;
}

function arg(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v >= min ? v : fallback;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Send `jobs`; with `stopAfterMs`, stop that long after the first answer, so the sender is still at work when the
 * measured span (from the first arrival) ends, whatever its start-up took.
 */
async function run(server: ServerHandle, report: Report, store: SqliteSubscriptionStore, jobs: DigestJob[], limits: RateLimits, stopAfterMs: number | null, paid = false): Promise<{ summary: RunSummary; seconds: number; cpuMicros: number }> {
  let timer: NodeJS.Timeout | null = null;
  const onEvent = stopAfterMs === null ? undefined : () => void (timer ??= setTimeout(() => void sender.stop(), stopAfterMs));
  const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(server.token, { apiRoot: server.apiRoot }), { paid }), compose: makeCompose(report, store), clock: systemClock, limits, ...(onEvent ? { onEvent } : {}) });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const summary = await sender.run(jobs);
  const used = process.cpuUsage(cpu);
  if (timer) clearTimeout(timer);
  return { summary, seconds: (performance.now() - started) / 1000, cpuMicros: used.user + used.system };
}

async function main(): Promise<void> {
  const subs = arg('subs', 10_000);
  const seconds = arg('seconds', 60);
  const latencyMs = arg('latency-ms', 0, 0);
  const paid = process.argv.includes('--paid');
  // Paid broadcasts raise only the overall limit (BROADCAST_PAID=true with BROADCAST_PER_SECOND=1000).
  const perSecond = arg('per-second', paid ? 1000 : DEFAULT_RATE_LIMITS.globalPerSecond);
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, globalPerSecond: perSecond, marginMs: marginFor(perSecond) };
  const cap = limits.globalPerSecond;
  const at = Date.parse('2022-06-03T12:00:00+08:00');
  const reportFlag = process.argv.indexOf('--report');
  const report = loadReportFile(reportFlag >= 0 ? (process.argv[reportFlag + 1] ?? '') : 'data/report.json');
  const server = await startServer();
  const dirs: string[] = [];
  const tempStore = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-broadcast-'));
    dirs.push(dir);
    return new SqliteSubscriptionStore({ dataDir: dir });
  };
  let duplicates = 0;
  let lost = 0;
  try {
    // Phase 1: uncapped, every chat once.
    const store1 = tempStore();
    for (let i = 0; i < subs; i++) {
      const chatId = i % 10 < 7 ? 10_000 + i : -1_001_000_000_000_000 - i;
      await store1.subscribe({ chatId, chatType: chatId > 0 ? 'private' : 'supergroup', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, 0);
    }
    const jobs1 = await dueJobs(store1, at);
    log(`phase 1: ${jobs1.length} digests, limiter off…`);
    const p1 = await run(server, report, store1, jobs1, UNCAPPED, null);
    const byChat1 = countBy(await server.drain());
    for (const job of jobs1) {
      const n = byChat1.get(String(job.chatId))?.length ?? 0;
      if (n === 0) lost++;
      else duplicates += n - 1;
    }
    const uncapped = p1.summary.sent / p1.seconds;
    log(`phase 1: ${p1.summary.sent} sent in ${p1.seconds.toFixed(2)} s = ${uncapped.toFixed(0)} msg/s`);
    await store1.close();

    // Phase 2: real limits for `seconds`. Thirty groups with a month of dates each compete with private chats, so the
    // per-group limit (20/min) binds; and there are more private chats than the cap can serve in that time, so the
    // cap stays saturated unless the sender itself falls behind.
    await server.setLatency(latencyMs);
    const store2 = tempStore();
    const jobs2: DigestJob[] = [];
    const groups = Array.from({ length: 30 }, (_, g) => -100 - g);
    for (const g of groups) await store2.subscribe({ chatId: g, chatType: 'group', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, 0);
    for (let d = 0; d < 30; d++) {
      const date = new Date(at + d * 86_400_000).toISOString().slice(0, 10);
      for (const g of groups) jobs2.push({ chatId: g, threadId: null, date });
    }
    const privates = Math.ceil(seconds * cap * 1.2);
    for (let i = 0; i < privates; i++) {
      await store2.subscribe({ chatId: 50_000 + i, chatType: 'private', minutes: 0, timezone: 'Asia/Shanghai', filter: null }, 0);
      jobs2.push({ chatId: 50_000 + i, threadId: null, date: '2022-06-03' });
    }
    log(`phase 2: ${jobs2.length} digests queued, limits ${cap}/s${paid ? ' (paid)' : ''}, ${limits.perChatPerSecond}/s per chat, ${limits.perGroupPerMinute}/min per group, ${latencyMs} ms round trips, for ${seconds} s…`);
    const p2 = await run(server, report, store2, jobs2, limits, seconds * 1000, paid);
    const arrivals = (await server.drain()).sort((a, b) => a[1] - b[1]);
    const times = arrivals.map((a) => a[1]);
    const first = times[0] ?? 0;
    const inWindow = times.filter((t) => t < first + seconds * 1000).length;
    const cappedRate = inWindow / seconds;
    const windowsOverCap = windowsOver(times, cap, 1000);
    let tightest = Infinity;
    for (let i = 0; i + cap < times.length; i++) tightest = Math.min(tightest, times[i + cap]! - times[i]!);
    log(`phase 2: the tightest ${cap + 1} arrivals in a row spanned ${tightest.toFixed(1)} ms (over the cap when under 1,000)`);
    const byChat2 = countBy(arrivals);
    let groupsOverLimit = 0;
    for (const g of groups) if (windowsOver(byChat2.get(String(g)) ?? [], limits.perGroupPerMinute, 60_000) > 0) groupsOverLimit++;
    log(`phase 2: messages per group: ${groups.map((g) => byChat2.get(String(g))?.length ?? 0).join(' ')} (limit ${limits.perGroupPerMinute}/min)`);
    for (const [chat, list] of byChat2) if (windowsOver(list, limits.perChatPerSecond, 1000) > 0) log(`chat ${chat} got two messages within a second`);
    // Ledger and arrivals must agree: `sent` rows the API never saw are lost, arrivals beyond the rows are duplicates.
    for (const job of jobs2) {
      const row = await store2.delivery(job, job.date);
      if (row?.status === 'pending') log(`pending row left for ${job.chatId} ${job.date}`);
    }
    const ledgerSent = new Map<string, number>();
    for (const job of jobs2) if ((await store2.delivery(job, job.date))?.status === 'sent') ledgerSent.set(String(job.chatId), (ledgerSent.get(String(job.chatId)) ?? 0) + 1);
    for (const chat of new Set([...ledgerSent.keys(), ...byChat2.keys()])) {
      const seen = byChat2.get(chat)?.length ?? 0;
      const recorded = ledgerSent.get(chat) ?? 0;
      if (seen > recorded) duplicates += seen - recorded;
      if (recorded > seen) lost += recorded - seen;
    }
    const cpuPerMessage = p2.cpuMicros / Math.max(1, p2.summary.sent);
    log(`phase 2: ${p2.summary.sent} sent in ${p2.seconds.toFixed(1)} s; ${inWindow} in the first ${seconds} s = ${cappedRate.toFixed(2)}/s; ${p2.summary.left} left queued; the sender's process used ${cpuPerMessage.toFixed(0)} µs of CPU per message`);
    await store2.close();

    console.log(JSON.stringify({
      subscriptions: subs,
      uncapped_msgs_per_s: Math.round(uncapped),
      latency_ms: latencyMs,
      per_second: cap,
      paid,
      capped_seconds: seconds,
      capped_msgs_per_s: Number(cappedRate.toFixed(2)),
      capped_ratio: Number((cappedRate / cap).toFixed(4)),
      sender_cpu_us_per_msg: Math.round(cpuPerMessage),
      windows_over_cap: windowsOverCap,
      groups_over_limit: groupsOverLimit,
      duplicates,
      lost,
    }));
  } finally {
    await server.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) void serve();
else if (process.argv.includes('--workers')) {
  // Several sender processes on one PostgreSQL: bench/broadcast-workers.ts.
  if (!process.argv.includes('--store') || process.argv[process.argv.indexOf('--store') + 1] !== 'postgres') {
    process.stderr.write('bench:broadcast: --workers needs --store postgres (with SQLite one sender holds the lease)\n');
    process.exit(2);
  }
  import('./broadcast-workers.ts').then((m) => m.workersMain({ startServer, windowsOver, arg })).catch((err: unknown) => {
    process.stderr.write(`bench:broadcast: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
} else
  main().catch((err: unknown) => {
    process.stderr.write(`bench:broadcast: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
