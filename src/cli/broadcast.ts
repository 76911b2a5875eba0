// `npm run broadcast`: send today's due digests now and exit (for cron-style deployments and operators).
// `npm run broadcast -- --dry-run` prints who would get what, without sending or touching the ledger.
import { config as loadDotenv } from 'dotenv';
import { pathToFileURL } from 'node:url';
import { Telegram } from 'telegraf';
import { parseConfig, type Config } from '../config.ts';
import { composeDigest, formatTimeOfDay, localDateTime } from '../core/digest.ts';
import type { Report } from '../core/report.ts';
import { systemClock, type Clock } from '../digest/clock.ts';
import { makeCompose } from '../digest/compose.ts';
import { dueJobs } from '../digest/scheduler.ts';
import { processOwner, storeLease } from '../digest/lease.ts';
import { storeBudget } from '../digest/send-budget.ts';
import { BroadcastWorker } from '../digest/worker.ts';
import type { PostgresBroadcast } from '../store/postgres-broadcast.ts';
import { DigestSender, type DigestJob, type RunSummary, type SendEvent } from '../digest/sender.ts';
import { telegramSendApi } from '../digest/telegram.ts';
import { reportInService } from '../live/report-source.ts';
import { renderDigestPlain } from '../render/digest.ts';
import { openStore } from '../store/open.ts';
import type { SubscriptionStore } from '../store/types.ts';

export interface BroadcastArgs {
  dryRun: boolean;
  /** Print each digest in full in a dry run. */
  full: boolean;
  /** Pretend it is this instant (ISO 8601), e.g. to preview tomorrow's 08:00. */
  at: number | null;
  quiet: boolean;
}

export const BROADCAST_USAGE = 'usage: npm run broadcast -- [--dry-run [--full]] [--at 2022-06-03T08:00:00+08:00] [--quiet]';

/** Parse `broadcast` arguments; throws with the usage line on anything unknown. */
export function parseBroadcastArgs(argv: readonly string[]): BroadcastArgs {
  const args: BroadcastArgs = { dryRun: false, full: false, at: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--dry-run' || a === '-n') args.dryRun = true;
    else if (a === '--full') args.full = true;
    else if (a === '--quiet' || a === '-q') args.quiet = true;
    else if (a === '--at' || a.startsWith('--at=')) {
      const value = a === '--at' ? argv[++i] : a.slice('--at='.length);
      const t = Date.parse(value ?? '');
      if (Number.isNaN(t)) throw new Error(`--at needs an ISO time such as 2022-06-03T08:00:00+08:00, got "${value ?? ''}"\n${BROADCAST_USAGE}`);
      args.at = t;
    } else throw new Error(`unknown argument "${a}"\n${BROADCAST_USAGE}`);
  }
  return args;
}

/**
 * One line per due subscriber (a chat, or a forum topic of it): who, when, which section; the whole digest with
 * `full`. A subscription whose filter matches nothing yet is due like any other: its digest is the one nothing-new line.
 */
export async function dryRun(report: Report, store: SubscriptionStore, now: number, full: boolean): Promise<{ lines: string[]; due: number }> {
  const lines: string[] = [];
  let due = 0;
  for (const job of await dueJobs(store, now)) {
    const sub = (await store.get(job))!;
    const row = await store.delivery(job, job.date);
    const digest = composeDigest(report, {
      chatId: job.chatId,
      date: job.date,
      filter: sub.filter,
      history: await store.history(job, job.date),
      ...(row?.sectionId ? { sectionId: row.sectionId } : {}),
    });
    const where = job.threadId ? ` topic ${job.threadId}` : '';
    const who = `chat ${job.chatId}${where} (${sub.chatType}, ${formatTimeOfDay(sub.minutes)} ${sub.timezone}${sub.filter ? `, ${sub.filter.label}` : ''})`;
    const retry = row ? ` [retry: ${row.status}, ${row.attempts} attempt(s)]` : '';
    if (!digest) {
      lines.push(`${who} → ${job.date}: not due, the report has no sections${retry}`);
      continue;
    }
    due++;
    const title = [digest.headline, digest.speaker?.name].filter(Boolean).join(' · ');
    lines.push(`${who} → ${job.date} ${digest.nothingNew ? 'nothing new (one line)' : digest.sectionId}${title ? ` 「${title}」` : ''}${retry}`);
    if (full) lines.push(renderDigestPlain(digest), '');
  }
  return { lines, due };
}

export interface BroadcastDeps {
  config: Config;
  report: Report;
  store: SubscriptionStore;
  clock: Clock;
  args: BroadcastArgs;
  out: (line: string) => void;
  /** Lets the caller stop the run gracefully (SIGTERM/SIGINT). */
  onSender?: (sender: DigestSender) => void;
  /** With PostgreSQL: send the chats this process claims, within the budget shared with the bots and other runs. */
  shared?: PostgresBroadcast | null;
}

/**
 * One line for a cron job to alert on, and whether the run failed: nothing due got through, a chat failed for good
 * (dropped for a reason other than leaving the chat or a filter that no longer matches), the run stopped on a fatal
 * error, or another broadcast held the lease. Chats that only failed for now are retried by the next run.
 */
export function verdict(summary: RunSummary, due: number): { failed: boolean; line: string } {
  // Each chat that left is counted both as dropped and as deactivated.
  const lost = Math.max(0, summary.dropped - summary.deactivated);
  const counts = `${summary.sent} of ${due} due sent, ${summary.failed} to retry, ${lost} failed for good, ${summary.deactivated} unsubscribed, ${summary.left} left for the next run`;
  const problem = summary.lockedBy ? `another broadcast holds the lease (${summary.lockedBy})`
    : summary.fatal ? `stopped: ${summary.fatal}`
    : lost > 0 ? `${lost} chat(s) failed for good`
    : summary.sent === 0 && summary.failed > 0 ? 'nothing due could be delivered'
    : null;
  return problem ? { failed: true, line: `broadcast FAILED: ${problem} (${counts})` } : { failed: false, line: `broadcast OK (${counts})` };
}

/** Run one broadcast (or dry run); resolves to the run's summary and due count (null for a dry run). */
export async function broadcast(deps: BroadcastDeps): Promise<(RunSummary & { due: number }) | null> {
  const { config, report, store, clock, args, out } = deps;
  const now = args.at ?? clock.now();
  if (args.dryRun) {
    const { lines, due } = await dryRun(report, store, now, args.full);
    for (const l of lines) out(l);
    out(`dry run: ${due} digest(s) due at ${new Date(now).toISOString()} (${localDateTime(now, config.digest.timezone).date} in ${config.digest.timezone}); nothing sent`);
    return null;
  }
  if (!config.token) throw new Error('TELEGRAM_BOT_TOKEN must be set to send digests (use --dry-run to preview without it).');
  const telegram = new Telegram(config.token, config.apiRoot ? { apiRoot: config.apiRoot } : {});
  const log = (e: SendEvent): void => {
    if (args.quiet && e.type === 'sent') return;
    out(JSON.stringify(e));
  };
  const { shared } = deps;
  const owner = processOwner();
  const sender = new DigestSender({
    store, api: telegramSendApi(telegram, { paid: config.digest.paidBroadcast }), compose: makeCompose(report, store), clock, limits: config.digest.limits, onEvent: log,
    ...(shared ? { budget: storeBudget(shared, config.digest.limits, owner) } : { lease: storeLease(store, clock) }),
  });
  deps.onSender?.(sender);
  let jobs: DigestJob[] | number;
  let summary: RunSummary;
  if (shared) {
    // Alongside the bots: this run is one more worker, so it takes only the chats nobody else holds.
    const done = await new BroadcastWorker({ queue: shared, store, sender, clock, owner }).tick(now);
    jobs = done?.jobs ?? 0;
    summary = done?.summary ?? { sent: 0, failed: 0, dropped: 0, deactivated: 0, migrated: 0, skipped: 0, left: 0, fatal: null, lockedBy: null };
  } else {
    jobs = await dueJobs(store, now);
    summary = await sender.run(jobs);
  }
  const due = typeof jobs === 'number' ? jobs : jobs.length;
  if (summary.lockedBy) out(`another broadcast is in progress (${summary.lockedBy}); nothing sent`);
  const result = { due, ...summary };
  out(JSON.stringify(result));
  out(verdict(summary, due).line);
  return result;
}

async function main(): Promise<void> {
  const args = parseBroadcastArgs(process.argv.slice(2));
  loadDotenv({ quiet: true });
  const config = parseConfig(process.env);
  const { store, broadcast: shared } = await openStore(config);
  // The report in service, as the bots have it: report.json, the articles added since (folders and the shared list).
  // A list that cannot be read fails the run: digests composed from an older report would spend the day's rows.
  let report: Report;
  try {
    const source = await reportInService({ reportPath: config.reportPath, stateDir: config.dataDir, store, onRefused: (file, reason) => process.stderr.write(`broadcast: left out ${file}: ${reason}\n`) });
    report = source.current().report;
  } catch (err) {
    await store.close();
    throw err;
  }
  let sender: DigestSender | null = null;
  // Graceful stop: the message in flight finishes and is recorded; the rest stay due for the next run.
  const stop = (): void => void sender?.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await broadcast({ config, report, store, shared, clock: systemClock, args, out: (l) => process.stdout.write(`${l}\n`), onSender: (s) => (sender = s) });
    // The verdict line is the last line on stdout; a failed run also exits 1, so cron can alert on either.
    if (summary && verdict(summary, summary.due).failed) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`broadcast: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
