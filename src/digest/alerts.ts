// Alerts: when the library takes in an article, every active subscription with alerts on whose filter matches one of
// its sections gets a short message. They go out through the digest sender, so the ledger (one row per chat and
// article), the rate limits and the exactly-once rules are the digests' own; many matching chats are many queued jobs.
import { alertKey, matchesFilter } from '../core/digest.ts';
import type { Report } from '../core/report.ts';
import type { SubscriptionStore } from '../store/types.ts';
import type { DigestJob, DigestSender, RunSummary } from './sender.ts';

export interface AlertDispatcherOptions {
  store: Pick<SubscriptionStore, 'active'>;
  sender: Pick<DigestSender, 'run' | 'idle' | 'busy'>;
  /** The report in service (read when the article arrives, so it holds the article). */
  report: () => Report;
  /** How long to wait before trying again the alerts a run could not send (lease held elsewhere, stopping). */
  retryMs?: number;
  onRun?: (articleIds: string[], jobs: number, summary: RunSummary) => void;
  onError?: (err: unknown) => void;
}

/** Queues alerts for new articles and sends them in runs of the digest sender, one run at a time. */
export class AlertDispatcher {
  private queue: DigestJob[] = [];
  private articles: string[] = [];
  private deferred: DigestJob[] = [];
  private deferredArticles: string[] = [];
  private pumping: Promise<void> | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: AlertDispatcherOptions) {}

  /** The subscribers (chats, forum topics) an article should alert: active, alerts on, and the filter matches at least one of its sections. */
  async recipients(articleId: string): Promise<DigestJob[]> {
    const sections = this.opts.report().sections.filter((s) => s.articleId === articleId);
    if (sections.length === 0) return [];
    const subs = await this.opts.store.active();
    return subs.filter((sub) => sub.alerts && sections.some((s) => matchesFilter(s, sub.filter))).map((sub) => ({ chatId: sub.chatId, threadId: sub.threadId, date: alertKey(articleId) }));
  }

  /** Hear that an article was added (the library's `onAdded`): queue its alerts and send them. Never throws. */
  articleAdded(articleId: string): Promise<void> {
    const queued = this.recipients(articleId).then(
      (jobs) => {
        if (jobs.length === 0) return;
        this.queue.push(...jobs);
        this.articles.push(articleId);
      },
      (err: unknown) => this.opts.onError?.(err),
    );
    return queued.then(() => this.pump());
  }

  /** Resolves when everything queued so far was handed to the sender (and that run finished). */
  pump(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.pumping ??= this.drain().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      // The scheduler's run goes first; the check and the call below happen in one turn, so no run starts between.
      while (this.opts.sender.busy) await this.opts.sender.idle();
      const jobs = this.queue.splice(0);
      const articles = this.articles.splice(0);
      try {
        const summary = await this.opts.sender.run(jobs);
        this.opts.onRun?.(articles, jobs.length, summary);
        // Not sent for want of the lease, or cut short: try the whole list again later; the ledger skips what went out.
        if ((summary.left > 0 || summary.lockedBy) && !this.stopped) this.later(jobs, articles);
      } catch (err) {
        this.opts.onError?.(err);
        if (!this.stopped) this.later(jobs, articles);
      }
    }
  }

  private later(jobs: DigestJob[], articles: string[]): void {
    this.deferred.push(...jobs);
    this.deferredArticles.push(...articles);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.queue.push(...this.deferred.splice(0));
      this.articles.push(...this.deferredArticles.splice(0));
      void this.pump();
    }, this.opts.retryMs ?? 60_000);
    this.timer.unref();
  }

  /** Queue nothing more; a run in progress is the sender's to finish (its stop() lets messages in flight land). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
