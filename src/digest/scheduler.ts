import { Cron } from 'croner';
import { isDue, localDateTime, previousDate } from '../core/digest.ts';
import type { Delivery, Subscription, SubscriptionStore } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { DigestJob, DigestSender, RunSummary } from './sender.ts';

/** How long after local midnight a missed digest of the day before is still sent (downtime across midnight). */
export const YESTERDAY_GRACE_MINUTES = 120;

/** Whether a (subscriber, date) still needs its digest: no `sent` or `dropped` row, and not backing off after a failure. */
function open(row: Delivery | null, nowMs: number): boolean {
  if (!row) return true;
  if (row.status === 'sent' || row.status === 'dropped') return false;
  return !(row.status === 'failed' && row.retryAt !== null && row.retryAt > nowMs);
}

/**
 * The digests due at `nowMs`: active subscriptions (each forum topic's its own) whose local time has come today and whose ledger has no
 * `sent` or `dropped` row for today, nor a `failed` one still backing off. After downtime each chat catches up
 * once, with today's digest; except that within two hours after local midnight, while today's time has not come,
 * a chat whose digest of yesterday never went out (a 23:59 subscriber, the bot down across midnight) gets that one.
 */
export async function dueJobs(store: Pick<SubscriptionStore, 'active' | 'delivery'>, nowMs: number): Promise<DigestJob[]> {
  const jobs: DigestJob[] = [];
  for (const sub of await store.active()) jobs.push(...(await dueFor(store, sub, nowMs)));
  return jobs;
}

/** The digests due for one active subscription at `nowMs` (none, today's, or yesterday's): see dueJobs. */
export async function dueFor(store: Pick<SubscriptionStore, 'delivery'>, sub: Subscription, nowMs: number): Promise<DigestJob[]> {
  if (!sub.active) return [];
  const local = localDateTime(nowMs, sub.timezone);
  if (isDue(sub.minutes, local)) {
    return open(await store.delivery(sub, local.date), nowMs) ? [{ chatId: sub.chatId, threadId: sub.threadId, date: local.date }] : [];
  }
  if (local.minutes >= YESTERDAY_GRACE_MINUTES) return [];
  const yesterday = previousDate(local.date);
  // Only if the subscription, as it is now, was already there at yesterday's time.
  const since = localDateTime(sub.updatedAt, sub.timezone);
  if (since.date > yesterday || (since.date === yesterday && since.minutes > sub.minutes)) return [];
  return open(await store.delivery(sub, yesterday), nowMs) ? [{ chatId: sub.chatId, threadId: sub.threadId, date: yesterday }] : [];
}

export interface SchedulerOptions {
  store: SubscriptionStore;
  sender: DigestSender;
  clock: Clock;
  /** With several instances: queue what is due and send the chats this instance claims (src/digest/worker.ts). */
  worker?: { tick(): Promise<{ summary: RunSummary; jobs: number } | null>; stop(): void };
  /** Cron pattern of the wake-ups (default: every minute, at second 0). */
  pattern?: string;
  /** Told about each finished run and each error; the scheduler itself never throws from a tick. */
  onRun?: (summary: RunSummary, jobs: number) => void;
  onError?: (err: unknown) => void;
}

/** Wakes every minute and hands the due digests to the sender; a long run is never started twice. */
export class DigestScheduler {
  private cron: Cron | null = null;
  private current: Promise<RunSummary | null> | null = null;

  constructor(private readonly opts: SchedulerOptions) {}

  start(): void {
    if (this.cron) return;
    this.cron = new Cron(this.opts.pattern ?? '0 * * * * *', { protect: true }, () => this.tick().then(() => undefined));
  }

  /** One wake-up: send what is due now. Resolves to null when a run was already in progress or nothing was due. */
  tick(): Promise<RunSummary | null> {
    if (this.current || this.opts.sender.busy) return Promise.resolve(null);
    const run = (async () => {
      try {
        if (this.opts.worker) {
          const done = await this.opts.worker.tick();
          if (done) this.opts.onRun?.(done.summary, done.jobs);
          return done?.summary ?? null;
        }
        const jobs = await dueJobs(this.opts.store, this.opts.clock.now());
        if (jobs.length === 0) return null;
        const summary = await this.opts.sender.run(jobs);
        this.opts.onRun?.(summary, jobs.length);
        return summary;
      } catch (err) {
        this.opts.onError?.(err);
        return null;
      }
    })();
    this.current = run.finally(() => {
      this.current = null;
    });
    return this.current;
  }

  /** Stop waking up and let the message in flight finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.cron?.stop();
    this.cron = null;
    this.opts.worker?.stop();
    await this.opts.sender.stop();
    await this.current;
  }
}
