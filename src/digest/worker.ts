/**
 * One of several senders sharing a PostgreSQL store. Any instance queues the chats whose digests are due; each
 * claims a batch nobody holds (FOR UPDATE SKIP LOCKED), sends them within the shared budget, and finishes them.
 * A worker killed mid-batch stops renewing its claims: when they expire another worker takes those chats, finds
 * the messages that were in flight `pending` in the ledger and resends each once (at most one duplicate each).
 */
import type { ClaimQueue } from '../store/postgres-broadcast.ts';
import type { SubscriptionStore } from '../store/types.ts';
import type { Clock } from './clock.ts';
import { isDeadLocalOwner } from './lease.ts';
import { dueFor, dueJobs } from './scheduler.ts';
import type { DigestJob, DigestSender, RunSummary } from './sender.ts';

export interface WorkerOptions {
  queue: ClaimQueue;
  store: Pick<SubscriptionStore, 'active' | 'subscriptionsOf' | 'delivery'>;
  sender: DigestSender;
  clock: Clock;
  /** This process (`host/pid/random`), so its claims are its own. */
  owner: string;
  /** Chats claimed at a time (default 200: several seconds' work at 30/s, little to redo if this worker dies). */
  batch?: number;
  /** A claim not renewed for this long is handed to another worker (default 60 s; renewed every third of it). */
  claimTtlMs?: number;
}

function add(total: RunSummary, s: RunSummary): void {
  for (const k of ['sent', 'failed', 'dropped', 'deactivated', 'migrated', 'skipped', 'left'] as const) total[k] += s[k];
  total.fatal ??= s.fatal;
  total.lockedBy ??= s.lockedBy;
}

export class BroadcastWorker {
  private stopping = false;

  constructor(private readonly opts: WorkerOptions) {}

  /**
   * Queue what is due at `at` (default now), then claim and send batches until nothing is left to claim; null when
   * nothing was due. `at` is for `npm run broadcast -- --at`: which digests are due, not when they go.
   */
  async tick(at?: number): Promise<{ summary: RunSummary; jobs: number } | null> {
    const { queue, store, sender, clock, owner } = this.opts;
    const batch = this.opts.batch ?? 200;
    const ttl = this.opts.claimTtlMs ?? 60_000;
    const dueAt = () => at ?? clock.now();
    const due = await dueJobs(store, dueAt());
    await queue.enqueue([...new Set(due.map((j) => j.chatId))], clock.now());
    // A worker that died on this machine (kill -9, crash) is known dead: its chats need not wait for the claims to expire.
    for (const holder of await queue.holders(clock.now())) if (isDeadLocalOwner(holder)) await queue.release(holder, clock.now());
    let total: RunSummary | null = null;
    let jobCount = 0;
    while (!this.stopping) {
      const chats = await queue.claim(owner, batch, clock.now(), ttl);
      if (chats.length === 0) break;
      // Real time, not the injected clock: the claims expire in the database's shared time.
      const renewer = setInterval(() => void queue.renew(owner, clock.now(), ttl).catch(() => undefined), ttl / 3);
      renewer.unref();
      try {
        // What is due is read again now that the chat is ours: another worker may have sent it meanwhile. A claim
        // is the whole chat, every forum topic of it, so one worker keeps the chat's messages one at a time and in order.
        const jobs: DigestJob[] = [];
        for (const chatId of chats) {
          for (const sub of await store.subscriptionsOf(chatId)) jobs.push(...(await dueFor(store, sub, dueAt())));
        }
        jobCount += jobs.length;
        const summary = jobs.length > 0 ? await sender.run(jobs) : null;
        if (summary) {
          total ??= { sent: 0, failed: 0, dropped: 0, deactivated: 0, migrated: 0, skipped: 0, left: 0, fatal: null, lockedBy: null };
          add(total, summary);
        }
        // Finished whatever happened: what is still due (failed for now, left by a stop) is queued again by the next tick.
        await queue.finish(owner, chats);
        if (summary?.fatal) break;
      } finally {
        clearInterval(renewer);
      }
    }
    return total ? { summary: total, jobs: jobCount } : null;
  }

  /** Claim nothing more; the batch in progress finishes (call the sender's stop() to cut it short). */
  stop(): void {
    this.stopping = true;
  }
}
