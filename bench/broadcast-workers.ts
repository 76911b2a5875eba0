// `npm run bench:broadcast -- --workers 3 --store postgres [--seconds 20 --latency-ms 100 --per-second 30]`:
// several sender processes on one PostgreSQL (DATABASE_URL, default the test server's `test` database, in a fresh
// schema dropped afterwards), each claiming chats and asking the shared budget, against one fake Bot API.
// Measured on arrival at the fake API: the rate of all workers together against the cap, windows over the cap,
// groups over their limit, duplicates and lost digests. The last line of output is one JSON object.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Telegram } from 'telegraf';
import { systemClock } from '../src/digest/clock.ts';
import { makeCompose } from '../src/digest/compose.ts';
import { processOwner } from '../src/digest/lease.ts';
import { DEFAULT_RATE_LIMITS, marginFor, type RateLimits } from '../src/digest/rate-limiter.ts';
import { storeBudget } from '../src/digest/send-budget.ts';
import { DigestSender } from '../src/digest/sender.ts';
import { telegramSendApi } from '../src/digest/telegram.ts';
import { BroadcastWorker } from '../src/digest/worker.ts';
import { loadReportFile } from '../src/load-report.ts';
import { PostgresStore } from '../src/store/postgres.ts';

type Arrival = [chatId: string, atMs: number];
export interface BenchServer {
  apiRoot: string;
  token: string;
  drain(): Promise<Arrival[]>;
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

const AT = Date.parse('2022-06-03T12:00:00+08:00');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** One worker process: claim and send until the queue is empty or `seconds` are up; prints its summary as JSON. */
async function worker(): Promise<void> {
  const [url, schema, apiRoot, token, perSecond, seconds] = process.argv.slice(process.argv.indexOf('--worker') + 1);
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, globalPerSecond: Number(perSecond), marginMs: marginFor(Number(perSecond)) };
  const store = await PostgresStore.open({ connectionString: url!, schema: schema! });
  const report = loadReportFile('data/report.json');
  const owner = processOwner();
  const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(token!, { apiRoot: apiRoot! })), compose: makeCompose(report, store), clock: systemClock, limits, budget: storeBudget(store.broadcast, limits, owner) });
  const w = new BroadcastWorker({ queue: store.broadcast, store, sender, clock: systemClock, owner, batch: Math.max(10, Number(perSecond)) });
  const timer = setTimeout(() => { w.stop(); void sender.stop(); }, Number(seconds) * 1000);
  const done = await w.tick(AT);
  clearTimeout(timer);
  await store.close();
  process.stdout.write(`${JSON.stringify(done?.summary ?? null)}\n`);
}

/** The multi-worker benchmark; `tools` are bench/broadcast.ts's fake API and measurements. */
export async function workersMain(tools: {
  startServer: () => Promise<BenchServer>;
  windowsOver: (times: readonly number[], limit: number, windowMs: number) => number;
  arg: (name: string, fallback: number, min?: number) => number;
}): Promise<void> {
  const workers = tools.arg('workers', 3);
  const seconds = tools.arg('seconds', 20);
  const latencyMs = tools.arg('latency-ms', 0, 0);
  const cap = tools.arg('per-second', DEFAULT_RATE_LIMITS.globalPerSecond);
  const url = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `rb_bench_${randomBytes(4).toString('hex')}`;
  const server = await tools.startServer();
  const store = await PostgresStore.open({ connectionString: url, schema });
  try {
    // More private chats than the cap can serve in the run, and 30 groups: the cap stays saturated unless the workers fall behind.
    const privates = Math.ceil(seconds * cap * 1.2);
    const groups = Array.from({ length: 30 }, (_, g) => -100 - g);
    const chats = [...groups, ...Array.from({ length: privates }, (_, i) => 50_000 + i)];
    const client = await store.pool.connect();
    try {
      await client.query(
        `INSERT INTO subscriptions (chat_id, chat_type, minutes, timezone, active, created_at, updated_at)
         SELECT c, CASE WHEN c < 0 THEN 'group' ELSE 'private' END, 0, 'Asia/Shanghai', true, 0, 0 FROM unnest($1::bigint[]) AS c`,
        [chats],
      );
    } finally {
      client.release();
    }
    await server.setLatency(latencyMs);
    log(`${workers} workers, ${chats.length} chats due, ${cap}/s shared, ${latencyMs} ms round trips, for ${seconds} s…`);
    const self = fileURLToPath(import.meta.url);
    const outputs = await Promise.all(Array.from({ length: workers }, () => new Promise<string>((resolve, reject) => {
      const child = fork(self, ['--worker', url, schema, server.apiRoot, server.token, String(cap), String(seconds)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`worker exited ${code}`))));
    })));
    const perWorker = outputs.map((o) => (JSON.parse(o.split('\n').at(-1) ?? 'null') as { sent: number } | null)?.sent ?? 0);
    const arrivals = (await server.drain()).sort((a, b) => a[1] - b[1]);
    const times = arrivals.map((a) => a[1]);
    const first = times[0] ?? 0;
    const settledFrom = first + 2000; // the workers start a second or two apart
    const inWindow = times.filter((t) => t >= settledFrom && t < first + seconds * 1000).length;
    const cappedRate = inWindow / Math.max(1, seconds - 2);
    const byChat = new Map<string, number[]>();
    for (const [chat, at] of arrivals) byChat.set(chat, [...(byChat.get(chat) ?? []), at]);
    let duplicates = 0;
    let lost = 0;
    let chatsOverLimit = 0;
    for (const [, list] of byChat) {
      duplicates += list.length - 1;
      if (tools.windowsOver(list, 1, 1000) > 0) chatsOverLimit++;
    }
    // Every `sent` row arrived, and nothing arrived without one.
    const { rows } = await store.pool.query(`SELECT chat_id FROM deliveries WHERE status = 'sent'`);
    for (const r of rows) if (!byChat.has(String(r.chat_id))) lost++;
    log(`sent per worker: ${perWorker.join(' ')}; ${arrivals.length} arrivals; ${inWindow} from 2 s to ${seconds} s = ${cappedRate.toFixed(2)}/s`);
    console.log(JSON.stringify({
      workers,
      store: 'postgres',
      latency_ms: latencyMs,
      per_second: cap,
      capped_seconds: seconds,
      sent_per_worker: perWorker,
      capped_msgs_per_s: Number(cappedRate.toFixed(2)),
      capped_ratio: Number((cappedRate / cap).toFixed(4)),
      windows_over_cap: tools.windowsOver(times, cap, 1000),
      chats_over_limit: chatsOverLimit,
      groups_over_limit: [...byChat].filter(([c, l]) => Number(c) < 0 && tools.windowsOver(l, 20, 60_000) > 0).length,
      duplicates,
      lost,
    }));
  } finally {
    await store.pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await store.close();
    await server.close();
  }
}

if (process.argv.includes('--worker')) {
  worker().catch((err: unknown) => {
    process.stderr.write(`bench worker: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
