/** The shared store for several instances: PostgreSQL through `pg`, plain SQL, the same contract as SQLite. */
import pg from 'pg';
import { PostgresBroadcast } from './postgres-broadcast.ts';
import { migratePg } from './postgres-schema.ts';
import { filterColumns, filterFromColumns, floodStep, topCommands, WEEK_MS } from './shared.ts';
import {
  assertChatId,
  ChatTypeSchema,
  DeliveryStatusSchema,
  FILE_ID_TTL_MS,
  subscriberKey,
  threadFromKey,
  threadKey,
  type ChatId,
  type ChatType,
  type Delivery,
  type FloodVerdict,
  type RetryPlan,
  type SharedArticle,
  type StoreStats,
  type SubscribeInput,
  type Subscriber,
  type Subscription,
  type SubscriptionStore,
} from './types.ts';

export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/db` (DATABASE_URL). */
  connectionString: string;
  /** Schema to use (created if missing); tests use a fresh one per run. Default: the server's search_path. */
  schema?: string;
  /** Connections per instance (default 10). */
  maxConnections?: number;
  /** Errors of idle connections (the server restarting): logged, never a crash. */
  onError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** pg returns bigint as text so nothing is lost; a value beyond 2^53 is refused rather than rounded. */
function num(v: string | number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`stored integer ${v} is outside the safe range`);
  return n;
}

type Row = Record<string, unknown>;

function toSubscription(r: Row): Subscription {
  const filter = filterFromColumns(r);
  return {
    chatId: num(r.chat_id as string),
    chatType: ChatTypeSchema.parse(r.chat_type),
    minutes: r.minutes as number,
    timezone: r.timezone as string,
    filter,
    alerts: r.alerts as boolean,
    threadId: threadFromKey(num(r.thread_id as string)),
    skipQuietDays: r.skip_quiet_days as boolean,
    active: r.active as boolean,
    inactiveReason: r.inactive_reason as string | null,
    createdAt: num(r.created_at as string),
    updatedAt: num(r.updated_at as string),
  };
}

function toDelivery(r: Row): Delivery {
  return {
    chatId: num(r.chat_id as string),
    threadId: threadFromKey(num(r.thread_id as string)),
    date: r.date as string,
    sectionId: r.section_id as string,
    status: DeliveryStatusSchema.parse(r.status),
    attempts: r.attempts as number,
    transientFailures: r.transient_failures as number,
    unknownOutcomes: r.unknown_outcomes as number,
    retryAt: r.retry_at === null ? null : num(r.retry_at as string),
    messageId: r.message_id === null ? null : num(r.message_id as string),
    error: r.error as string | null,
    updatedAt: num(r.updated_at as string),
  };
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Create the schema if asked (under a lock: IF NOT EXISTS is not safe against another instance at the same moment) and migrate. */
async function prepare(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    if (schema) {
      const key = `report-bot schema ${schema}`;
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
    }
    await migratePg(client);
  } finally {
    client.release();
  }
}

/** Subscriptions, ledger, leases, pages, flood windows and usage counts in PostgreSQL; open with `PostgresStore.open`. */
export class PostgresStore implements SubscriptionStore {
  private puts = 0;
  private floods = 0;
  private closed = false;

  /** The shared send budget and the claimed queue of chats, for several senders (src/digest/worker.ts). */
  readonly broadcast: PostgresBroadcast;

  private constructor(readonly pool: pg.Pool, readonly schema: string | null) {
    this.broadcast = new PostgresBroadcast(pool);
  }

  /** Connect, create the schema if asked, and migrate; rejects (and closes the pool) when the server cannot be used. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { schema } = options;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name ${schema}: use lower-case letters, digits and _`);
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      // Every connection sees only this schema, so tests and deployments sharing a database stay apart.
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    pool.on('error', (err) => options.onError?.(err));
    // A connection cut while its client is checked out (a transaction, a lock) makes the client emit 'error' besides
    // failing its query; with no listener that would end the process. The query's own rejection is what callers see.
    pool.on('connect', (client) => client.on('error', (err) => options.onError?.(err)));
    try {
      await prepare(pool, schema);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new PostgresStore(pool, schema ?? null);
  }

  /**
   * After an outage: connect again and migrate, so a database recreated empty gets its tables back (under the
   * migrations' advisory lock, so instances recovering together migrate once). Rejects while the server is still away.
   */
  async recover(): Promise<void> {
    if (this.closed) throw new Error('the store is closed');
    await prepare(this.pool, this.schema ?? undefined);
  }

  /** Run `fn` in one transaction on one connection. */
  private async tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async subscribe(input: SubscribeInput, at: number): Promise<Subscription> {
    const { chatId, thread } = subscriberKey({ chatId: input.chatId, threadId: input.threadId ?? null });
    const cols = filterColumns(input.filter);
    const { rows } = await this.pool.query(
      `INSERT INTO subscriptions (chat_id, chat_type, minutes, timezone, filter_kind, filter_id, filter_label, filter_terms, alerts, thread_id, skip_quiet_days, active, inactive_reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10, $11, $12, true, NULL, $8, $8)
       ON CONFLICT (chat_id, thread_id) DO UPDATE SET chat_type = excluded.chat_type, minutes = excluded.minutes, timezone = excluded.timezone,
         filter_kind = excluded.filter_kind, filter_id = excluded.filter_id, filter_label = excluded.filter_label, filter_terms = excluded.filter_terms, alerts = excluded.alerts, skip_quiet_days = excluded.skip_quiet_days,
         active = true, inactive_reason = NULL, updated_at = excluded.updated_at
       RETURNING *`,
      [chatId, input.chatType, input.minutes, input.timezone, cols.kind, cols.id, cols.label, at, cols.terms, input.alerts ?? false, thread, input.skipQuietDays ?? false],
    );
    return toSubscription(rows[0]!);
  }

  async deactivate(who: Subscriber, reason: string, at: number): Promise<boolean> {
    return this.deactivateOn(this.pool, who, reason, at);
  }

  private async deactivateOn(c: Queryable, who: Subscriber, reason: string, at: number): Promise<boolean> {
    const { chatId, thread } = subscriberKey(who);
    const r = await c.query('UPDATE subscriptions SET active = false, inactive_reason = $1, updated_at = $2 WHERE chat_id = $3 AND thread_id = $4 AND active', [reason, at, chatId, thread]);
    return (r.rowCount ?? 0) > 0;
  }

  async deactivateChat(chatId: ChatId, reason: string, at: number): Promise<number> {
    const r = await this.pool.query('UPDATE subscriptions SET active = false, inactive_reason = $1, updated_at = $2 WHERE chat_id = $3 AND active', [reason, at, assertChatId(chatId)]);
    return r.rowCount ?? 0;
  }

  async get(who: Subscriber): Promise<Subscription | null> {
    const { chatId, thread } = subscriberKey(who);
    const { rows } = await this.pool.query('SELECT * FROM subscriptions WHERE chat_id = $1 AND thread_id = $2', [chatId, thread]);
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async subscriptionsOf(chatId: ChatId): Promise<Subscription[]> {
    return this.ofChatOn(this.pool, chatId);
  }

  private async ofChatOn(c: Queryable, chatId: ChatId): Promise<Subscription[]> {
    const { rows } = await c.query('SELECT * FROM subscriptions WHERE chat_id = $1 ORDER BY thread_id', [assertChatId(chatId)]);
    return rows.map(toSubscription);
  }

  async active(): Promise<Subscription[]> {
    const { rows } = await this.pool.query('SELECT * FROM subscriptions WHERE active ORDER BY minutes, chat_id, thread_id');
    return rows.map(toSubscription);
  }

  async migrate(fromChatId: ChatId, toChatId: ChatId, at: number): Promise<Subscription[]> {
    assertChatId(fromChatId);
    assertChatId(toChatId);
    return this.tx(async (c) => {
      // Both chats' rows locked in a fixed order, so two instances migrating the same group cannot deadlock.
      await c.query('SELECT 1 FROM subscriptions WHERE chat_id IN ($1, $2) ORDER BY chat_id, thread_id FOR UPDATE', [fromChatId, toChatId]);
      const existing = new Map((await this.ofChatOn(c, toChatId)).map((s) => [threadKey(s.threadId), s]));
      // Topic by topic: the new chat's own active subscription for a topic wins, else the group's moves there.
      for (const from of await this.ofChatOn(c, fromChatId)) {
        const thread = threadKey(from.threadId);
        const there = existing.get(thread);
        if (there?.active) await this.deactivateOn(c, from, `migrated to ${toChatId}`, at);
        else {
          if (there) await c.query('DELETE FROM subscriptions WHERE chat_id = $1 AND thread_id = $2', [toChatId, thread]);
          await c.query(`UPDATE subscriptions SET chat_id = $1, chat_type = 'supergroup', updated_at = $2 WHERE chat_id = $3 AND thread_id = $4`, [toChatId, at, fromChatId, thread]);
        }
      }
      // Rows the new chat already has win; the rest of the history follows the group.
      await c.query(
        `UPDATE deliveries d SET chat_id = $1, updated_at = $2 WHERE d.chat_id = $3
         AND NOT EXISTS (SELECT 1 FROM deliveries n WHERE n.chat_id = $1 AND n.thread_id = d.thread_id AND n.date = d.date)`,
        [toChatId, at, fromChatId],
      );
      await c.query('DELETE FROM deliveries WHERE chat_id = $1', [fromChatId]);
      return this.ofChatOn(c, toChatId);
    });
  }

  async delivery(who: Subscriber, date: string): Promise<Delivery | null> {
    const { chatId, thread } = subscriberKey(who);
    const { rows } = await this.pool.query('SELECT * FROM deliveries WHERE chat_id = $1 AND thread_id = $2 AND date = $3', [chatId, thread, date]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  async history(who: Subscriber, beforeDate: string): Promise<string[]> {
    const { chatId, thread } = subscriberKey(who);
    const { rows } = await this.pool.query(`SELECT section_id FROM deliveries WHERE chat_id = $1 AND thread_id = $2 AND status = 'sent' AND date < $3 ORDER BY date`, [chatId, thread, beforeDate]);
    return rows.map((r) => r.section_id as string);
  }

  async begin(who: Subscriber, date: string, sectionId: string, at: number): Promise<Delivery> {
    const { chatId, thread } = subscriberKey(who);
    const { rows } = await this.pool.query(
      `INSERT INTO deliveries (chat_id, thread_id, date, section_id, status, attempts, message_id, error, updated_at)
       VALUES ($1, $2, $3, $4, 'pending', 1, NULL, NULL, $5)
       ON CONFLICT (chat_id, thread_id, date) DO UPDATE SET section_id = excluded.section_id, status = 'pending', attempts = deliveries.attempts + 1,
         retry_at = NULL, message_id = NULL, updated_at = excluded.updated_at
       RETURNING *`,
      [chatId, thread, date, sectionId, at],
    );
    return toDelivery(rows[0]!);
  }

  async complete(who: Subscriber, date: string, messageId: number, at: number): Promise<void> {
    const { chatId, thread } = subscriberKey(who);
    await this.pool.query(`UPDATE deliveries SET status = 'sent', message_id = $1, error = NULL, retry_at = NULL, updated_at = $2 WHERE chat_id = $3 AND thread_id = $4 AND date = $5`, [messageId, at, chatId, thread, date]);
  }

  async fail(who: Subscriber, date: string, error: string, permanent: boolean, at: number, retry?: RetryPlan): Promise<void> {
    const { chatId, thread } = subscriberKey(who);
    await this.pool.query(
      `UPDATE deliveries SET status = $1, error = $2, updated_at = $3, transient_failures = transient_failures + $4,
         unknown_outcomes = unknown_outcomes + $5, retry_at = $6
       WHERE chat_id = $7 AND thread_id = $8 AND date = $9`,
      [permanent ? 'dropped' : 'failed', error, at, retry ? 1 : 0, retry?.unknownOutcome ? 1 : 0, retry && !permanent ? retry.at : null, chatId, thread, date],
    );
  }

  async acquireLease(name: string, owner: string, now: number, ttlMs: number, takeOverFrom?: string): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.owner = excluded.owner OR leases.expires_at <= $4 OR leases.owner = $5`,
      [name, owner, now + ttlMs, now, takeOverFrom ?? null],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const { rows } = await this.pool.query('SELECT owner, expires_at FROM leases WHERE name = $1', [name]);
    return rows[0] ? { owner: rows[0].owner as string, expiresAt: num(rows[0].expires_at as string) } : null;
  }

  async putPages(key: string, pages: readonly string[], expiresAt: number, now: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO pages (key, pages, expires_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET pages = excluded.pages, expires_at = excluded.expires_at',
      [key, JSON.stringify(pages), expiresAt],
    );
    // Expired answers go now and then rather than on every put.
    if (++this.puts % 100 === 1) await this.pool.query('DELETE FROM pages WHERE expires_at <= $1', [now]);
  }

  async putFileId(key: string, fileId: string, at: number): Promise<void> {
    await this.pool.query('INSERT INTO file_ids (key, file_id, put_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET file_id = excluded.file_id, put_at = excluded.put_at', [key, fileId, at]);
    await this.pool.query('DELETE FROM file_ids WHERE put_at <= $1', [at - FILE_ID_TTL_MS]);
  }

  async getFileId(key: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT file_id FROM file_ids WHERE key = $1', [key]);
    return rows[0] ? (rows[0].file_id as string) : null;
  }

  async getPages(key: string, now: number): Promise<string[] | null> {
    const { rows } = await this.pool.query('SELECT pages FROM pages WHERE key = $1 AND expires_at > $2', [key, now]);
    return rows[0] ? (rows[0].pages as string[]) : null;
  }

  async floodHit(key: string, now: number, windowMs: number, limit: number): Promise<FloodVerdict> {
    const verdict = await this.tx(async (c) => {
      // The row lock serialises one user's messages across instances; other users are not held up.
      await c.query('INSERT INTO flood (key, hits, warned, updated_at) VALUES ($1, $2, false, $3) ON CONFLICT (key) DO NOTHING', [key, [], now]);
      const { rows } = await c.query('SELECT hits, warned FROM flood WHERE key = $1 FOR UPDATE', [key]);
      const row = rows[0]!;
      const { verdict, next } = floodStep({ hits: (row.hits as string[]).map(num), warned: row.warned as boolean }, now, windowMs, limit);
      await c.query('UPDATE flood SET hits = $2, warned = $3, updated_at = $4 WHERE key = $1', [key, next.hits, next.warned, now]);
      return verdict;
    });
    if (++this.floods % 1000 === 1) await this.pool.query('DELETE FROM flood WHERE updated_at <= $1', [now - Math.max(windowMs, 3600_000)]);
    return verdict;
  }

  async recordUse(use: { chatId: ChatId; chatType: ChatType; command: string | null; date: string; at: number }): Promise<void> {
    await this.pool.query(
      `INSERT INTO chats (chat_id, chat_type, last_seen) VALUES ($1, $2, $3)
       ON CONFLICT (chat_id) DO UPDATE SET chat_type = excluded.chat_type, last_seen = GREATEST(chats.last_seen, excluded.last_seen)`,
      [assertChatId(use.chatId), use.chatType, use.at],
    );
    if (use.command) {
      await this.pool.query('INSERT INTO command_uses (date, command, uses) VALUES ($1, $2, 1) ON CONFLICT (date, command) DO UPDATE SET uses = command_uses.uses + 1', [use.date, use.command]);
    }
  }

  async stats(date: string, since: string, now: number): Promise<StoreStats> {
    const [subs, chats, digests, commands] = await Promise.all([
      this.pool.query('SELECT chat_type, count(*) AS n, count(*) FILTER (WHERE thread_id > 0) AS topics FROM subscriptions WHERE active GROUP BY chat_type'),
      this.pool.query('SELECT count(*) AS total, count(*) FILTER (WHERE last_seen > $1) AS week FROM chats', [now - WEEK_MS]),
      this.pool.query('SELECT status, count(*) AS n FROM deliveries WHERE date = $1 GROUP BY status', [date]),
      this.pool.query('SELECT command, sum(uses) AS n FROM command_uses WHERE date BETWEEN $1 AND $2 GROUP BY command', [since, date]),
    ]);
    const subscribers: StoreStats['subscribers'] = {};
    let topics = 0;
    for (const r of subs.rows) {
      subscribers[ChatTypeSchema.parse(r.chat_type)] = num(r.n as string);
      topics += num(r.topics as string);
    }
    const byStatus: StoreStats['digests'] = {};
    for (const r of digests.rows) byStatus[DeliveryStatusSchema.parse(r.status)] = num(r.n as string);
    const c = chats.rows[0]!;
    return {
      subscribers,
      topics,
      chats: { total: num(c.total as string), lastWeek: num(c.week as string) },
      digests: byStatus,
      commands: topCommands(commands.rows.map((r) => [r.command as string, num(r.n as string)] as [string, number])),
    };
  }

  async publishArticle(source: string, text: string, at: number): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO shared_articles (source, text, added_at, withdrawn_at) VALUES ($1, $2, $3, NULL)
       ON CONFLICT (source) DO UPDATE SET text = excluded.text, added_at = excluded.added_at, withdrawn_at = NULL
       WHERE shared_articles.withdrawn_at IS NOT NULL AND shared_articles.withdrawn_at < excluded.added_at`,
      [source, text, at],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async withdrawArticle(source: string, at: number): Promise<boolean> {
    const r = await this.pool.query('UPDATE shared_articles SET withdrawn_at = $2 WHERE source = $1 AND withdrawn_at IS NULL', [source, at]);
    return (r.rowCount ?? 0) > 0;
  }

  async sharedArticles(): Promise<SharedArticle[]> {
    const { rows } = await this.pool.query('SELECT source, added_at, withdrawn_at FROM shared_articles ORDER BY added_at, source');
    return rows.map((r) => ({ source: r.source as string, addedAt: num(r.added_at as string), withdrawnAt: r.withdrawn_at === null ? null : num(r.withdrawn_at as string) }));
  }

  async sharedArticleText(source: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT text FROM shared_articles WHERE source = $1 AND withdrawn_at IS NULL', [source]);
    return (rows[0]?.text as string | undefined) ?? null;
  }

  /** The schema version the database is at (for tests and operators). */
  async schemaVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return rows[0]?.v ?? 0;
  }

  async answers(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.pool.query('SELECT 1 FROM subscriptions LIMIT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
