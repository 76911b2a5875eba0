/**
 * What several senders share in PostgreSQL: the send budget (`send_log`, `send_pace`, `send_pause`) and the queue of chats to
 * send to (`digest_queue`), claimed with FOR UPDATE SKIP LOCKED so two workers never take the same chat.
 */
import type pg from 'pg';
import { paceNext, paceReadyAt } from '../digest/rate-limiter.ts';
import type { BudgetRules, BudgetStore, BudgetVerdict } from '../digest/send-budget.ts';

/** Chats handed out to senders; a claim that is not renewed (its worker died) is handed out again when it expires. */
export interface ClaimQueue {
  /** Queue chats with digests due (already queued ones stay as they are). */
  enqueue(chatIds: readonly number[], now: number): Promise<void>;
  /** Claim up to `limit` queued chats nobody holds (or whose holder's claim expired) until `now + ttlMs`. */
  claim(owner: string, limit: number, now: number, ttlMs: number): Promise<number[]>;
  /** Keep this owner's claims alive. */
  renew(owner: string, now: number, ttlMs: number): Promise<void>;
  /** Done with these chats (sent, failed for now or for good: the ledger says which). */
  finish(owner: string, chatIds: readonly number[]): Promise<void>;
  /** Chats still queued (claimed or not). */
  size(): Promise<number>;
  /** Owners holding unexpired claims at `now`. */
  holders(now: number): Promise<string[]>;
  /** Hand an owner's claims back at once (it is known dead), and close its messages in flight at `now`. */
  release(owner: string, now: number): Promise<void>;
}

/** Longest a request may be out (the sender's timeout is 30 s): an unanswered message counts no longer than this. */
const IN_FLIGHT_MAX_MS = 40_000;

const INF_OFFSET = 2 ** 31 - 1; // "no limit": an OFFSET no window ever reaches

function cap(limit: number): number {
  return Number.isFinite(limit) ? limit : INF_OFFSET;
}

export class PostgresBroadcast implements BudgetStore, ClaimQueue {
  private takes = 0;

  constructor(private readonly pool: pg.Pool) {}

  async budgetTake(chatId: number, now: number, rules: BudgetRules, owner: string): Promise<BudgetVerdict> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One taker at a time per database: every instance's count is the same count.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':send budget'))`);
      // For each window, the k-th most recent message in it (k = its limit): when there is one, the window is full
      // until that message leaves it. A message still in flight counts for its chat as if answered now, but for no
      // longer than a request can last (its sender gives up after 30 s): a dead sender cannot block a chat for ever.
      const { rows } = await client.query(
        `SELECT
           (SELECT until FROM send_pause WHERE id = 1 AND until > $1) AS paused,
           (SELECT left_at FROM send_log WHERE left_at > $1 - $2 ORDER BY left_at DESC OFFSET $3 - 1 LIMIT 1) AS global_kth,
           (SELECT due FROM send_pace WHERE id = 1) AS pace_due,
           (SELECT coalesce(answered_at, least($1, left_at + ${IN_FLIGHT_MAX_MS})) AS t FROM send_log
              WHERE chat_id = $4 AND left_at > $1 - $5 - ${IN_FLIGHT_MAX_MS} AND coalesce(answered_at, least($1, left_at + ${IN_FLIGHT_MAX_MS})) > $1 - $5
              ORDER BY t DESC OFFSET $6 - 1 LIMIT 1) AS chat_kth,
           (SELECT coalesce(answered_at, least($1, left_at + ${IN_FLIGHT_MAX_MS})) AS t FROM send_log
              WHERE $4 < 0 AND chat_id = $4 AND left_at > $1 - $7 - ${IN_FLIGHT_MAX_MS} AND coalesce(answered_at, least($1, left_at + ${IN_FLIGHT_MAX_MS})) > $1 - $7
              ORDER BY t DESC OFFSET $8 - 1 LIMIT 1) AS group_kth`,
        [now, rules.global.windowMs, cap(rules.global.limit), chatId, rules.chat.windowMs, cap(rules.chat.limit), rules.group.windowMs, cap(rules.group.limit)],
      );
      const r = rows[0] as Record<string, string | number | null>;
      const at = (v: string | number | null | undefined, windowMs: number) => (v === null || v === undefined ? null : Number(v) + windowMs);
      const due = r.pace_due === null || r.pace_due === undefined ? -Infinity : Number(r.pace_due);
      const chatReady = Math.max(at(r.chat_kth, rules.chat.windowMs) ?? now, at(r.group_kth, rules.group.windowMs) ?? now);
      const globalReady = Math.max(r.paused === null ? now : Number(r.paused), at(r.global_kth, rules.global.windowMs) ?? now, paceReadyAt(rules.pace, due, now));
      let verdict: BudgetVerdict;
      if (chatReady > now) verdict = { ok: false, readyAt: chatReady, scope: 'chat' };
      else if (globalReady > now) verdict = { ok: false, readyAt: globalReady, scope: 'global' };
      else {
        const ins = await client.query(
          // The pace moves on in the same statement: one round trip per message taken.
          `WITH pace AS (INSERT INTO send_pace (id, due) SELECT 1, $4::double precision WHERE $5::boolean ON CONFLICT (id) DO UPDATE SET due = excluded.due)
           INSERT INTO send_log (chat_id, owner, left_at) VALUES ($1, $2, $3) RETURNING id`,
          [chatId, owner, now, paceNext(rules.pace, due, now), rules.pace.intervalMs > 0],
        );
        verdict = { ok: true, id: String(ins.rows[0].id) };
      }
      // Rows older than every window carry nothing; dropping them now and then keeps the counts cheap.
      if (++this.takes % 500 === 1) await client.query('DELETE FROM send_log WHERE left_at < $1', [now - Math.max(rules.group.windowMs, rules.chat.windowMs, rules.global.windowMs) - 600_000]);
      await client.query('COMMIT');
      return verdict;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async budgetSettle(id: string, at: number, leftAt?: number): Promise<void> {
    await this.pool.query('UPDATE send_log SET left_at = greatest(left_at, $3), answered_at = greatest(left_at, $3, $2) WHERE id = $1', [id, at, leftAt ?? 0]);
  }

  async budgetDeparted(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE send_log SET left_at = greatest(left_at, $2) WHERE id = $1', [id, at]);
  }

  async budgetPause(until: number): Promise<void> {
    await this.pool.query('INSERT INTO send_pause (id, until) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET until = greatest(send_pause.until, excluded.until)', [until]);
  }

  async enqueue(chatIds: readonly number[], now: number): Promise<void> {
    if (chatIds.length === 0) return;
    await this.pool.query('INSERT INTO digest_queue (chat_id, queued_at) SELECT unnest($1::bigint[]), $2 ON CONFLICT (chat_id) DO NOTHING', [chatIds, now]);
  }

  async claim(owner: string, limit: number, now: number, ttlMs: number): Promise<number[]> {
    const { rows } = await this.pool.query(
      `UPDATE digest_queue SET claimed_by = $1, claimed_until = $2
       WHERE chat_id IN (SELECT chat_id FROM digest_queue WHERE claimed_until <= $3 ORDER BY queued_at, chat_id LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING chat_id`,
      [owner, now + ttlMs, now, limit],
    );
    return rows.map((r) => Number(r.chat_id));
  }

  async renew(owner: string, now: number, ttlMs: number): Promise<void> {
    await this.pool.query('UPDATE digest_queue SET claimed_until = $2 WHERE claimed_by = $1 AND claimed_until > $3', [owner, now + ttlMs, now]);
  }

  async finish(owner: string, chatIds: readonly number[]): Promise<void> {
    if (chatIds.length === 0) return;
    await this.pool.query('DELETE FROM digest_queue WHERE claimed_by = $1 AND chat_id = ANY($2::bigint[])', [owner, chatIds]);
  }

  async holders(now: number): Promise<string[]> {
    const { rows } = await this.pool.query('SELECT DISTINCT claimed_by FROM digest_queue WHERE claimed_until > $1 AND claimed_by IS NOT NULL', [now]);
    return rows.map((r) => r.claimed_by as string);
  }

  async release(owner: string, now: number): Promise<void> {
    await this.pool.query('UPDATE digest_queue SET claimed_until = 0 WHERE claimed_by = $1', [owner]);
    // Its messages in flight will never be answered: count them as arriving now, and free their chats after that.
    await this.pool.query('UPDATE send_log SET answered_at = $2 WHERE owner = $1 AND answered_at IS NULL', [owner, now]);
  }

  async size(): Promise<number> {
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM digest_queue');
    return rows[0].n as number;
  }
}
