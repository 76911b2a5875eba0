import { classifyError, type Failure } from '../api-errors.ts';
import { alertArticleId } from '../core/digest.ts';
import type { Subscription, SubscriptionStore } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { Lease } from './lease.ts';
import { JobQueue, type DigestJob, type Entry } from './job-queue.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limiter.ts';
import { SHARED_MARGIN_MS, type SendBudget } from './send-budget.ts';

export type { DigestJob } from './job-queue.ts';

/** Why the sender's loop is woken (an answer came, or stop()): not an error. */
const WAKE = Symbol('wake');

/** The one Bot API call the sender needs; `src/digest/telegram.ts` adapts telegraf to it. */
export interface SendApi {
  /**
   * `threadId`: the forum topic to post in (message_thread_id). `onWritten`, where the API can tell, is called when
   * the request was handed to the network: later than the call when this process stalled in between.
   */
  sendMessage(chatId: number, html: string, options?: { threadId?: number | null; onWritten?: () => void }): Promise<{ message_id: number }>;
}

/** Turns a subscription and date into the message; `pinnedSectionId` repeats a section already chosen for that date. */
export type ComposeFn = (sub: Subscription, date: string, pinnedSectionId: string | null) => Promise<{ sectionId: string; html: string; nothingNew?: boolean } | null>;

// How a failed Bot API call is read is shared with the bot's interactive replies.
export { classifyError, type Failure } from '../api-errors.ts';

/** What the sender needs from storage: the subscription, its ledger row, and the ledger's transitions. */
export type SenderStore = Pick<SubscriptionStore, 'get' | 'delivery' | 'begin' | 'complete' | 'fail' | 'deactivate' | 'deactivateChat' | 'migrate'>;

export interface SenderOptions {
  store: SenderStore;
  api: SendApi;
  compose: ComposeFn;
  clock: Clock;
  limits?: RateLimits;
  /** Attempts per job within one run before it is left `failed` for a later run. */
  maxAttempts?: number;
  /**
   * Attempts per (chat, date) that did not fail transiently (a crash mid-send, an unexpected error) before it is
   * `dropped`. Transient failures (5xx, network, 429) never count: they are retried with backoff all day.
   */
  maxDailyAttempts?: number;
  /** Exponential backoff for transient failures, over the day's transient failures of that chat (not per run). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A wait longer than this ends the job for this run; the ledger's retry time brings it back on a later run. */
  maxRetryAfterMs?: number;
  /**
   * Requests per (chat, date) whose outcome may be unknown (timeout, reset) before it is resent no more that day:
   * each may have been delivered, so this bounds the duplicates a flaky network can cause.
   */
  maxUnknownOutcomes?: number;
  /** Tries at recording a delivered message (a busy database) before it is left to the next run to record. */
  completeAttempts?: number;
  /**
   * Requests out at once (default: a second's worth at the global limit, at most 1,000; 100 when uncapped).
   * The limits decide how many go; this only bounds sockets, and the messages a crash leaves unknown.
   */
  maxInFlight?: number;
  /** Called for every outcome; the scheduler logs these, tests and the benchmark count them. */
  onEvent?: (event: SendEvent) => void;
  /** Held for the whole run, so two processes sharing a store never broadcast at once. */
  lease?: Lease;
  /**
   * The limits shared with other senders (PostgreSQL): each message is also counted there just before it leaves,
   * so the limits hold for all instances together. This process's own limiter still paces it.
   */
  budget?: SendBudget;
  /** Told about each wait the limits impose (`global`, `chat`) and each 429 (`429`), for metrics. */
  onThrottle?: (cause: 'global' | 'chat' | '429', waitMs: number) => void;
}

/** What happened to a job; `threadId` is its forum topic (null: the chat itself). */
export type SendEvent =
  | { type: 'sent'; chatId: number; threadId: number | null; date: string; sectionId: string; messageId: number; attempt: number }
  | { type: 'retry'; chatId: number; threadId: number | null; date: string; reason: string; waitMs: number; attempt: number }
  | { type: 'failed'; chatId: number; threadId: number | null; date: string; reason: string }
  | { type: 'dropped'; chatId: number; threadId: number | null; date: string; reason: string }
  /** `wholeChat`: every subscription of the chat stopped (blocked, gone), not only this topic's. */
  | { type: 'deactivated'; chatId: number; threadId: number | null; reason: string; wholeChat: boolean }
  | { type: 'migrated'; chatId: number; toChatId: number }
  | { type: 'skipped'; chatId: number; threadId: number | null; date: string; reason: string }
  | { type: 'fatal'; reason: string };

/** Counts of one run, for logs and `npm run broadcast`. */
export interface RunSummary {
  sent: number;
  failed: number;
  dropped: number;
  deactivated: number;
  migrated: number;
  skipped: number;
  /** Jobs left untouched because the run was stopped (they stay due). */
  left: number;
  fatal: string | null;
  /** Set when another process held the broadcast lease, so this run sent nothing. */
  lockedBy: string | null;
}

function emptySummary(): RunSummary {
  return { sent: 0, failed: 0, dropped: 0, deactivated: 0, migrated: 0, skipped: 0, left: 0, fatal: null, lockedBy: null };
}

/**
 * The rate-limited, crash-safe digest sender.
 *
 * As many requests are out at once as the limits allow, so the rate is the cap's and not one per round trip;
 * but a chat never has two out, whichever of its forum topics they are for (Telegram's limits are the chat's), and
 * gets its messages in order. Each message's ledger row is `pending` (committed) before its request leaves and
 * `sent` after Telegram answers. So a crash leaves unknown only the messages in flight, at most one per chat, and a
 * restart resends each of those once: at most one duplicate per message in flight. A request that gets no answer
 * (timeout, reset) is resent at most once per subscriber and day, so it adds at most one more.
 */
export class DigestSender {
  private readonly limiter: RateLimiter;
  private readonly opts: Required<Omit<SenderOptions, 'onEvent' | 'limits' | 'lease' | 'onThrottle' | 'budget'>> & Pick<SenderOptions, 'onEvent' | 'lease' | 'onThrottle' | 'budget'>;
  private stopping = false;
  /** Aborted by stop(), and by an answer when the loop waits for one, to end a wait early; replaced after each. */
  private wake = new AbortController();
  /** Whether the loop's current wait may end sooner with an answer (a wait for the global limit may not). */
  private answerWakes = false;
  private running: Promise<RunSummary> | null = null;
  private seq = 0;
  /** Deliveries Telegram accepted whose ledger row could not be completed yet (`chat|topic|date` → message id): never resent. */
  private readonly unrecorded = new Map<string, number>();
  /** Nothing goes out before this: the shared budget said so (other instances used it, or a 429 paused them). */
  private sharedReadyAt = -Infinity;

  constructor(options: SenderOptions) {
    const limits = options.limits ?? DEFAULT_RATE_LIMITS;
    this.limiter = new RateLimiter(limits);
    this.opts = {
      maxInFlight: Number.isFinite(limits.globalPerSecond) ? Math.min(1000, Math.max(1, Math.ceil(limits.globalPerSecond))) : 100,
      maxAttempts: 5,
      maxDailyAttempts: 20,
      backoffBaseMs: 1000,
      backoffMaxMs: 5 * 60_000,
      maxRetryAfterMs: 60_000,
      maxUnknownOutcomes: 2,
      completeAttempts: 8,
      ...options,
    };
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Resolves once no run is in progress (another may start right after; check `busy` before calling `run`). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Send the jobs, rate-limited; resolves when all are done or the sender is stopped. Runs never overlap. */
  run(jobs: readonly DigestJob[]): Promise<RunSummary> {
    if (this.running) throw new Error('DigestSender.run: a run is already in progress; await it or stop() first');
    // After stop() nothing more goes out (shutdown may race a last scheduler wake-up): the jobs stay due.
    if (this.stopping) return Promise.resolve({ ...emptySummary(), left: jobs.length });
    this.wake = new AbortController();
    const p = this.loop(jobs).finally(() => {
      this.running = null;
    });
    this.running = p;
    return p;
  }

  /** Graceful stop, for good: the messages in flight finish and are recorded; queued jobs stay due for the next process. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort(WAKE);
    if (this.running) await this.running.catch(() => undefined);
  }

  private emit(event: SendEvent): void {
    this.opts.onEvent?.(event);
  }

  private async loop(jobs: readonly DigestJob[]): Promise<RunSummary> {
    const summary = emptySummary();
    const { lease } = this.opts;
    if (lease && !(await lease.acquire())) {
      summary.lockedBy = (await lease.holder()) ?? 'another process';
      summary.left = jobs.length;
      return summary;
    }
    try {
      return await this.drain(jobs, summary);
    } finally {
      await lease?.release();
    }
  }

  private async drain(jobs: readonly DigestJob[], summary: RunSummary): Promise<RunSummary> {
    const { clock, lease, maxInFlight } = this.opts;
    const queue = new JobQueue();
    const start = clock.now();
    for (const job of jobs) queue.add({ job, notBefore: start, seq: this.seq++, attempts: 0 });
    const inFlight = new Set<Promise<void>>();

    while ((queue.size > 0 || inFlight.size > 0) && !this.stopping && !summary.fatal) {
      if (lease && !(await lease.renew())) {
        summary.fatal = `lost the broadcast lease to ${(await lease.holder()) ?? 'another process'}`;
        this.emit({ type: 'fatal', reason: summary.fatal });
        break;
      }
      const now = clock.now();
      const top = queue.peek(now);
      if (!top || inFlight.size >= maxInFlight) {
        // Every waiting chat has a request out, or enough are out: the next answer changes that.
        await this.pause(null, true);
        continue;
      }
      if (top.notBefore > now) {
        // An answer may bring a chat whose time has come sooner.
        await this.pause(top.notBefore - now, true);
        continue;
      }
      const chatReady = this.limiter.chatReadyAt(top.job.chatId, now);
      if (chatReady > now) {
        // Let other chats go first while this one cools down.
        this.opts.onThrottle?.('chat', chatReady - now);
        queue.postpone(chatReady);
        continue;
      }
      const globalReady = Math.max(this.limiter.globalReadyAt(now), this.sharedReadyAt);
      if (globalReady > now) {
        // A 429's pause is counted when it comes (handleFailure), not again at each wait it causes.
        if (!this.limiter.pausedAt(now)) this.opts.onThrottle?.('global', globalReady - now);
        // No answer makes the global limit free sooner: waking for each would only cost CPU (a paid broadcast's
        // answers come at a thousand a second).
        await this.pause(globalReady - now, false);
        continue;
      }
      const entry = queue.take()!;
      // The loop waits until the attempt's request has left (or the attempt ended without one): by then its
      // ledger row is pending and the limiter has counted it, before the loop looks at the limits again.
      let left!: () => void;
      const leaving = new Promise<void>((resolve) => { left = resolve; });
      const task: Promise<void> = this.dispatch(entry, summary, left).then((retry) => {
        left();
        queue.done(entry.job.chatId, retry);
        inFlight.delete(task);
        // A fatal answer ends the run at once, whatever the loop waits for (a 429's pause can be long).
        if (this.answerWakes || summary.fatal) {
          // With a reason: the default one is a DOMException with a stack, built for every answer of a broadcast.
          this.wake.abort(WAKE);
          this.wake = new AbortController();
        }
      });
      inFlight.add(task);
      await leaving;
      // Let the HTTP client write the request now: a run of sends decided without a turn of the event loop would
      // leave together at its end, bunched closer than the limiter spaced them.
      await clock.yieldToIo?.();
    }
    // Stopped, fatal or done: every request already out finishes and is recorded, so a stop repeats nothing.
    await Promise.all(inFlight);
    summary.left = queue.size;
    return summary;
  }

  /**
   * Wait `ms`, or until stop() or (when `answerWakes`) the next answer; `null` waits for the answer alone (each
   * request ends by its timeout, so the lease is still renewed often enough). Sleeps are sliced to keep the lease alive.
   */
  private async pause(ms: number | null, answerWakes: boolean): Promise<void> {
    const { clock, lease } = this.opts;
    const signal = this.wake.signal;
    this.answerWakes = answerWakes;
    try {
      if (ms === null) await (signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })));
      else await clock.sleep(lease ? Math.min(ms, lease.renewEveryMs) : ms, signal);
    } finally {
      this.answerWakes = false;
    }
  }

  /** One attempt, never rejecting: a bug or a storage error for one chat must not end the broadcast for everyone else. */
  private async dispatch(entry: Entry, summary: RunSummary, left: () => void): Promise<Entry | null> {
    try {
      return await this.attempt(entry, summary, left);
    } catch (err) {
      summary.failed++;
      const { chatId, threadId, date } = entry.job;
      this.emit({ type: 'failed', chatId, threadId, date, reason: `unexpected: ${err instanceof Error ? err.message : String(err)}` });
      return null;
    }
  }

  /** One send attempt; calls `left` once its request is out; returns the entry to retry later, if any. */
  private async attempt(entry: Entry, summary: RunSummary, left: () => void): Promise<Entry | null> {
    const { store, clock, api } = this.opts;
    const { chatId, threadId, date } = entry.job;
    const who = { chatId, threadId };
    const key = unrecordedKey(entry.job);
    const delivered = this.unrecorded.get(key);
    if (delivered !== undefined) {
      // Sent earlier in this process, but the ledger could not be told: record it now, never send it again.
      await store.complete(who, date, delivered, clock.now());
      this.unrecorded.delete(key);
      summary.skipped++;
      this.emit({ type: 'skipped', chatId, threadId, date, reason: 'already sent (recorded late)' });
      return null;
    }
    const sub = await store.get(who);
    if (!sub || !sub.active) {
      summary.skipped++;
      this.emit({ type: 'skipped', chatId, threadId, date, reason: sub ? 'inactive' : 'not subscribed' });
      return null;
    }
    const row = await store.delivery(who, date);
    if (row && (row.status === 'sent' || row.status === 'dropped')) {
      summary.skipped++;
      this.emit({ type: 'skipped', chatId, threadId, date, reason: `already ${row.status}` });
      return null;
    }
    // Only attempts that ended some other way than a transient failure (crashes, unexpected errors) use up the day.
    if (row && row.attempts - row.transientFailures >= this.opts.maxDailyAttempts) {
      await store.fail(who, date, `gave up after ${row.attempts - row.transientFailures} attempts that failed for unknown reasons: ${row.error ?? 'unknown error'}`, true, clock.now());
      summary.dropped++;
      this.emit({ type: 'dropped', chatId, threadId, date, reason: 'too many attempts' });
      return null;
    }
    // A row left `pending` or `failed` keeps its section, so a resend repeats the same digest.
    const composed = await this.opts.compose(sub, date, row?.sectionId || null);
    if (!composed && alertArticleId(date) !== null) {
      // The article was taken out again (undo) or no longer matches: this alert is not sent, the subscription stays.
      const reason = 'alert: the article is gone or no longer matches the filter';
      await store.begin(who, date, '', clock.now());
      await store.fail(who, date, reason, true, clock.now());
      summary.dropped++;
      this.emit({ type: 'dropped', chatId, threadId, date, reason });
      return null;
    }
    if (!composed) {
      // The report itself is empty (a filter that matches nothing yet waits with a nothing-new day): only today is dropped.
      const reason = 'the report has no sections';
      await store.begin(who, date, '', clock.now());
      await store.fail(who, date, reason, true, clock.now());
      summary.dropped++;
      this.emit({ type: 'dropped', chatId, threadId, date, reason });
      return null;
    }

    if (composed.nothingNew && sub.skipQuietDays) {
      // Nothing new and the chat asked for silence on such days: the day is done without a message (no retry).
      await store.begin(who, date, composed.sectionId, clock.now());
      await store.fail(who, date, 'skipped: nothing new (the chat skips such days)', true, clock.now());
      summary.skipped++;
      this.emit({ type: 'skipped', chatId, threadId, date, reason: 'nothing new' });
      return null;
    }

    // The shared budget is asked last, just before the ledger and the request, so a skipped job never uses it up.
    let budgetId: string | null = null;
    const takenAt = clock.now();
    if (this.opts.budget) {
      const verdict = await this.opts.budget.take(chatId, takenAt);
      if (!verdict.ok) {
        if (verdict.scope === 'global') this.sharedReadyAt = Math.max(this.sharedReadyAt, verdict.readyAt);
        this.opts.onThrottle?.(verdict.scope, verdict.readyAt - clock.now());
        // Back in line at its place, not a failed attempt.
        return { ...entry, notBefore: verdict.readyAt };
      }
      budgetId = verdict.id;
    }
    const attempt = entry.attempts + 1;
    await store.begin(who, date, composed.sectionId, clock.now());
    // Counted when it is decided; counted again when it was really written, should this process stall in between.
    let countedAt = clock.now();
    let answered = false;
    this.limiter.record(chatId, countedAt);
    const onWritten = () => {
      const at = clock.now();
      if (answered || at <= countedAt) return;
      this.limiter.departed(countedAt, at);
      countedAt = at;
      // Late past the shared margin (a long stall): the other senders must see it counted from now, not at its
      // answer, which may be too late for their windows. Rare, so one more write is cheap.
      if (budgetId !== null && at - takenAt > SHARED_MARGIN_MS) void this.opts.budget?.departed?.(budgetId, at).catch(() => undefined);
    };
    let messageId: number;
    try {
      // Into the subscriber's forum topic, if it is one.
      const request = api.sendMessage(chatId, composed.html, { ...(threadId ? { threadId } : {}), onWritten });
      left();
      messageId = (await request).message_id;
    } catch (err) {
      answered = true;
      this.limiter.settle(chatId, countedAt, clock.now());
      await this.settleBudget(budgetId, countedAt);
      return this.handleFailure(entry, attempt, classifyError(err), summary);
    }
    answered = true;
    this.limiter.settle(chatId, countedAt, clock.now());
    await this.settleBudget(budgetId, countedAt);
    summary.sent++;
    await this.complete(entry.job, messageId);
    this.emit({ type: 'sent', chatId, threadId, date, sectionId: composed.sectionId, messageId, attempt });
    return null;
  }

  /** Tell the shared budget the request was answered; if it cannot be told, the message counts as in flight a while longer (safe). */
  private async settleBudget(id: string | null, leftAt: number): Promise<void> {
    if (id === null || !this.opts.budget) return;
    try {
      await this.opts.budget.settle(id, this.opts.clock.now(), leftAt);
    } catch {
      // Counted as still out: the chat waits a little longer, nothing is sent too early.
    }
  }

  /**
   * Mark a delivered message `sent`, retrying while the database is busy: a row left `pending` would be resent.
   * If it still cannot be written, the sender remembers the delivery and records it before that chat's next attempt.
   */
  private async complete(job: DigestJob, messageId: number): Promise<void> {
    const { store, clock } = this.opts;
    const { chatId, threadId, date } = job;
    for (let i = 1; ; i++) {
      try {
        await store.complete({ chatId, threadId }, date, messageId, clock.now());
        return;
      } catch (err) {
        const reason = `delivered (message ${messageId}) but not recorded: ${err instanceof Error ? err.message : String(err)}`;
        if (i >= this.opts.completeAttempts) {
          this.unrecorded.set(unrecordedKey(job), messageId);
          this.emit({ type: 'failed', chatId, threadId, date, reason: `${reason}; will record it before sending this chat anything` });
          return;
        }
        const waitMs = Math.min(5000, 100 * 2 ** (i - 1));
        this.emit({ type: 'retry', chatId, threadId, date, reason, waitMs, attempt: i });
        // Not cut short by stop(): a graceful shutdown must leave the ledger consistent.
        await clock.sleep(waitMs);
      }
    }
  }

  private async handleFailure(entry: Entry, attempt: number, failure: Failure, summary: RunSummary): Promise<Entry | null> {
    const { store, clock } = this.opts;
    const { chatId, threadId, date } = entry.job;
    const who = { chatId, threadId };
    const now = clock.now();
    switch (failure.kind) {
      case 'gone':
        // The chat cannot receive anything: every subscription of it stops, all its topics'.
        await store.fail(who, date, failure.reason, true, now);
        await store.deactivateChat(chatId, failure.reason, now);
        summary.dropped++;
        summary.deactivated++;
        this.emit({ type: 'deactivated', chatId, threadId, reason: failure.reason, wholeChat: true });
        return null;
      case 'topic_gone':
        // Only this forum topic was deleted: its subscription stops, the chat's other topics carry on.
        await store.fail(who, date, failure.reason, true, now);
        await store.deactivate(who, failure.reason, now);
        summary.dropped++;
        summary.deactivated++;
        this.emit({ type: 'deactivated', chatId, threadId, reason: failure.reason, wholeChat: false });
        return null;
      case 'rejected':
        await store.fail(who, date, failure.reason, true, now);
        summary.dropped++;
        this.emit({ type: 'dropped', chatId, threadId, date, reason: failure.reason });
        return null;
      case 'fatal':
        await store.fail(who, date, failure.reason, false, now);
        summary.fatal = failure.reason;
        this.emit({ type: 'fatal', reason: failure.reason });
        return null;
      case 'migrate': {
        // Nothing reached the old id, so the row is not `pending`; it moves with the subscriptions (every topic's).
        await store.fail(who, date, failure.reason, false, now);
        const moved = await store.migrate(chatId, failure.toChatId, now);
        summary.migrated++;
        this.emit({ type: 'migrated', chatId, toChatId: failure.toChatId });
        if (!moved.some((s) => s.threadId === threadId) || attempt >= this.opts.maxAttempts) return null;
        return { job: { chatId: failure.toChatId, threadId, date }, notBefore: now, seq: this.seq++, attempts: attempt };
      }
      case 'retry_after':
      case 'transient':
      case 'unknown': {
        // The backoff grows with the day's transient failures, so an outage is retried ever less often but never
        // given up on: the row stays due (after `retryAt`) until the chat's local day is over.
        const failures = ((await store.delivery(who, date))?.transientFailures ?? 0) + 1;
        const waitMs = failure.kind === 'retry_after' ? failure.ms : Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.min(failures - 1, 30));
        // A 429 means the bot is over a limit: sending to other chats meanwhile only prolongs the ban.
        if (failure.kind === 'retry_after') {
          this.limiter.pauseUntil(now + failure.ms);
          this.opts.onThrottle?.('429', failure.ms);
          // Every instance pauses: the 429 is for the bot, not for this process.
          await this.opts.budget?.pauseUntil(now + failure.ms).catch(() => undefined);
        }
        const unknownOutcome = failure.kind === 'unknown';
        if (unknownOutcome && ((await store.delivery(who, date))?.unknownOutcomes ?? 0) + 1 >= this.opts.maxUnknownOutcomes) {
          // This message may already have arrived more than once: another try could only add a copy.
          const reason = `${failure.reason}; no answer to ${this.opts.maxUnknownOutcomes} requests today, so it may have been delivered: not resent`;
          await store.fail(who, date, reason, true, now, { at: now, unknownOutcome });
          summary.dropped++;
          this.emit({ type: 'dropped', chatId, threadId, date, reason });
          return null;
        }
        await store.fail(who, date, failure.reason, false, now, { at: now + waitMs, ...(unknownOutcome ? { unknownOutcome } : {}) });
        if (attempt >= this.opts.maxAttempts || waitMs > this.opts.maxRetryAfterMs) {
          summary.failed++;
          this.emit({ type: 'failed', chatId, threadId, date, reason: `${failure.reason}; next try after ${new Date(now + waitMs).toISOString()}` });
          return null;
        }
        this.emit({ type: 'retry', chatId, threadId, date, reason: failure.reason, waitMs, attempt });
        return { job: entry.job, notBefore: now + waitMs, seq: this.seq++, attempts: attempt };
      }
    }
  }
}

/** The key of a job's delivery in the sender's memory of unrecorded ones. */
function unrecordedKey(job: DigestJob): string {
  return `${job.chatId}|${job.threadId ?? 0}|${job.date}`;
}
