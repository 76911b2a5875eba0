import { Cron } from 'croner';
import { isDue, localDateTime } from '../core/digest.ts';
import type { SubscriptionStore } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { DigestJob, DigestSender, RunSummary } from './sender.ts';

/**
 * The digests due at `nowMs`: active subscriptions whose local time has come today and whose ledger has no
 * `sent` or `dropped` row for today, nor a `failed` one still backing off. Only today counts, so after downtime
 * each chat catches up once.
 */
export function dueJobs(store: SubscriptionStore, nowMs: number): DigestJob[] {
  const jobs: DigestJob[] = [];
  for (const sub of store.active()) {
    const local = localDateTime(nowMs, sub.timezone);
    if (!isDue(sub.minutes, local)) continue;
    const row = store.delivery(sub.chatId, local.date);
    if (row && (row.status === 'sent' || row.status === 'dropped')) continue;
    if (row?.status === 'failed' && row.retryAt !== null && row.retryAt > nowMs) continue;
    jobs.push({ chatId: sub.chatId, date: local.date });
  }
  return jobs;
}

export interface SchedulerOptions {
  store: SubscriptionStore;
  sender: DigestSender;
  clock: Clock;
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
        const jobs = dueJobs(this.opts.store, this.opts.clock.now());
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
    await this.opts.sender.stop();
    await this.current;
  }
}
