import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { asOpenError, checkIntegrity, ensureDir, refuseEmptyFile } from './open-file.ts';
import { filterColumns, filterFromColumns, floodStep, topCommands, WEEK_MS, type FloodState } from './shared.ts';
import { assertChatId, DeliveryStatusSchema, FILE_ID_TTL_MS, ChatTypeSchema, subscriberKey, threadFromKey, threadKey, type ChatId, type ChatType, type Delivery, type FloodVerdict, type RetryPlan, type SharedArticle, type StoreStats, type SubscribeInput, type Subscriber, type Subscription, type SubscriptionStore } from './types.ts';

/** File name of the store inside DATA_DIR. */
export const STORE_FILE = 'report-bot.sqlite';
/** Deliveries marked `sent` together, and the longest one waits for the others (see `writeCompletions`). */
const COMPLETE_BATCH = 100;
const COMPLETE_DELAY_MS = 10;

/**
 * Schema migrations, applied in order inside one transaction each; `PRAGMA user_version` records the last.
 * Append new steps, never edit old ones: databases in the field have already run them.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = Object.freeze([
  {
    version: 1,
    sql: `
      CREATE TABLE subscriptions (
        chat_id INTEGER PRIMARY KEY,
        chat_type TEXT NOT NULL,
        minutes INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 1439),
        timezone TEXT NOT NULL,
        filter_kind TEXT,
        filter_id TEXT,
        filter_label TEXT,
        active INTEGER NOT NULL,
        inactive_reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX subscriptions_active ON subscriptions (active, minutes, chat_id);
      CREATE TABLE deliveries (
        chat_id INTEGER NOT NULL,
        date TEXT NOT NULL,
        section_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL,
        message_id INTEGER,
        error TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chat_id, date)
      ) STRICT;
    `,
  },
  {
    // One broadcast at a time per database, even when the bot and `npm run broadcast` run together.
    version: 2,
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    // Transient failures (5xx, network, 429) are retried with backoff all day instead of using up a cap.
    version: 3,
    sql: `
      ALTER TABLE deliveries ADD COLUMN transient_failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE deliveries ADD COLUMN retry_at INTEGER;
    `,
  },
  {
    // A request that got no answer (timeout, reset) may have been delivered: such resends are counted and bounded.
    version: 4,
    sql: `ALTER TABLE deliveries ADD COLUMN unknown_outcomes INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Answer pages outlive the process (buttons work after a restart); flood windows and usage counts for /stats.
    version: 5,
    sql: `
      CREATE TABLE pages (
        key TEXT PRIMARY KEY,
        pages TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX pages_expiry ON pages (expires_at);
      CREATE TABLE flood (
        key TEXT PRIMARY KEY,
        hits TEXT NOT NULL,
        warned INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        chat_type TEXT NOT NULL,
        last_seen INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE command_uses (
        date TEXT NOT NULL,
        command TEXT NOT NULL,
        uses INTEGER NOT NULL,
        PRIMARY KEY (date, command)
      ) STRICT;
    `,
  },
  {
    // Filters of several words and exclusions (`潼南 就业 -招聘`): filter_kind 'terms', the terms as JSON. Rows with a
    // single district or topic keep their three columns as they were and read the same.
    version: 6,
    sql: `ALTER TABLE subscriptions ADD COLUMN filter_terms TEXT;`,
  },
  {
    // Alerts: a short message as soon as an article matching the filter is added, besides the daily digest.
    version: 7,
    sql: `ALTER TABLE subscriptions ADD COLUMN alerts INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Forum topics: digests and alerts go to the topic where /subscribe was sent (message_thread_id).
    version: 8,
    sql: `ALTER TABLE subscriptions ADD COLUMN thread_id INTEGER;`,
  },
  {
    // Days with nothing new: send the one line (0) or nothing (1).
    version: 9,
    sql: `ALTER TABLE subscriptions ADD COLUMN skip_quiet_days INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // One subscription per forum topic: subscriptions are keyed (chat, topic) and ledger rows (chat, topic, date),
    // the topic as thread_id with 0 for the chat itself (a key column cannot be null). SQLite cannot change a
    // primary key, so both tables are rebuilt. A chat's subscription stays the one of the topic it posted to, and
    // the chat's ledger rows (its history) go with it.
    version: 10,
    sql: `
      CREATE TABLE subscriptions_v10 (
        chat_id INTEGER NOT NULL,
        thread_id INTEGER NOT NULL DEFAULT 0 CHECK (thread_id >= 0),
        chat_type TEXT NOT NULL,
        minutes INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 1439),
        timezone TEXT NOT NULL,
        filter_kind TEXT,
        filter_id TEXT,
        filter_label TEXT,
        filter_terms TEXT,
        alerts INTEGER NOT NULL DEFAULT 0,
        skip_quiet_days INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL,
        inactive_reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chat_id, thread_id)
      ) STRICT;
      INSERT INTO subscriptions_v10 (chat_id, thread_id, chat_type, minutes, timezone, filter_kind, filter_id, filter_label, filter_terms, alerts, skip_quiet_days, active, inactive_reason, created_at, updated_at)
        SELECT chat_id, coalesce(thread_id, 0), chat_type, minutes, timezone, filter_kind, filter_id, filter_label, filter_terms, alerts, skip_quiet_days, active, inactive_reason, created_at, updated_at
        FROM subscriptions;
      CREATE TABLE deliveries_v10 (
        chat_id INTEGER NOT NULL,
        thread_id INTEGER NOT NULL DEFAULT 0,
        date TEXT NOT NULL,
        section_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL,
        transient_failures INTEGER NOT NULL DEFAULT 0,
        unknown_outcomes INTEGER NOT NULL DEFAULT 0,
        retry_at INTEGER,
        message_id INTEGER,
        error TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chat_id, thread_id, date)
      ) STRICT;
      INSERT INTO deliveries_v10 (chat_id, thread_id, date, section_id, status, attempts, transient_failures, unknown_outcomes, retry_at, message_id, error, updated_at)
        SELECT d.chat_id, coalesce((SELECT s.thread_id FROM subscriptions s WHERE s.chat_id = d.chat_id), 0), d.date, d.section_id, d.status, d.attempts,
          d.transient_failures, d.unknown_outcomes, d.retry_at, d.message_id, d.error, d.updated_at
        FROM deliveries d;
      DROP TABLE deliveries;
      DROP TABLE subscriptions;
      ALTER TABLE subscriptions_v10 RENAME TO subscriptions;
      ALTER TABLE deliveries_v10 RENAME TO deliveries;
      CREATE INDEX subscriptions_active ON subscriptions (active, minutes, chat_id, thread_id);
    `,
  },
  {
    // Articles added while running, as every instance should take them in (src/live/mirror.ts).
    version: 11,
    sql: `
      CREATE TABLE shared_articles (
        source TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        withdrawn_at INTEGER
      ) STRICT;
    `,
  },
  {
    // Pictures uploaded once and sent again by Telegram's file_id (the /map picture, src/bot/map.ts).
    version: 12,
    sql: `
      CREATE TABLE file_ids (key TEXT PRIMARY KEY, file_id TEXT NOT NULL, put_at INTEGER NOT NULL) STRICT;
      CREATE INDEX file_ids_put_at ON file_ids (put_at);
    `,
  },
]);

/** Open options: `path` wins over `dataDir`; `:memory:` works for tests of the SQL itself. */
export interface SqliteStoreOptions {
  dataDir?: string;
  path?: string;
}

interface SubRow {
  chat_id: bigint;
  thread_id: bigint;
  chat_type: string;
  minutes: bigint;
  timezone: string;
  filter_kind: string | null;
  filter_id: string | null;
  filter_label: string | null;
  filter_terms: string | null;
  alerts: bigint;
  skip_quiet_days: bigint;
  active: bigint;
  inactive_reason: string | null;
  created_at: bigint;
  updated_at: bigint;
}

interface DeliveryRow {
  chat_id: bigint;
  thread_id: bigint;
  date: string;
  section_id: string;
  status: string;
  attempts: bigint;
  transient_failures: bigint;
  unknown_outcomes: bigint;
  retry_at: bigint | null;
  message_id: bigint | null;
  error: string | null;
  updated_at: bigint;
}

/** Integers are read as bigint so a corrupt or foreign 64-bit value fails loudly instead of losing digits. */
function num(v: bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`stored integer ${v} is outside the safe range`);
  return n;
}

function toSubscription(r: SubRow): Subscription {
  const filter = filterFromColumns(r);
  return {
    chatId: num(r.chat_id),
    chatType: ChatTypeSchema.parse(r.chat_type),
    minutes: num(r.minutes),
    timezone: r.timezone,
    filter,
    alerts: r.alerts !== 0n,
    threadId: threadFromKey(num(r.thread_id)),
    skipQuietDays: r.skip_quiet_days !== 0n,
    active: r.active !== 0n,
    inactiveReason: r.inactive_reason,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    chatId: num(r.chat_id),
    threadId: threadFromKey(num(r.thread_id)),
    date: r.date,
    sectionId: r.section_id,
    status: DeliveryStatusSchema.parse(r.status),
    attempts: num(r.attempts),
    transientFailures: num(r.transient_failures),
    unknownOutcomes: num(r.unknown_outcomes),
    retryAt: r.retry_at === null ? null : num(r.retry_at),
    messageId: r.message_id === null ? null : num(r.message_id),
    error: r.error,
    updatedAt: num(r.updated_at),
  };
}

/** Subscriptions and delivery ledger in one SQLite file (WAL), created and migrated on open. */
export class SqliteSubscriptionStore implements SubscriptionStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly stmts;
  private puts = 0;
  private floods = 0;
  /** Deliveries to mark `sent`, waiting for the next batch (see `complete`). */
  private completions: Array<{ row: [messageId: number, at: number, chatId: number, thread: number, date: string]; resolve: () => void; reject: (err: unknown) => void }> = [];
  private completionTimer: NodeJS.Timeout | null = null;

  constructor(options: SqliteStoreOptions = {}) {
    this.path = options.path ?? join(options.dataDir ?? './var/', STORE_FILE);
    if (this.path !== ':memory:') {
      ensureDir(dirname(this.path), options.path ? dirname(options.path) : (options.dataDir ?? './var/'));
      refuseEmptyFile(this.path);
    }
    this.db = new Database(this.path);
    try {
      // WAL: the bot's reads never wait for the sender's writes. NORMAL sync: every commit survives a killed
      // process (kill -9); only a power cut can lose the last commits.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      // A file with a valid header and damaged pages would open fine and then fail every digest run.
      checkIntegrity(this.db, this.path);
      migrate(this.db);
    } catch (err) {
      this.db.close();
      throw asOpenError(err, this.path);
    }
    const db = this.db;
    this.stmts = {
      upsert: db.prepare(`
        INSERT INTO subscriptions (chat_id, thread_id, chat_type, minutes, timezone, filter_kind, filter_id, filter_label, filter_terms, alerts, skip_quiet_days, active, inactive_reason, created_at, updated_at)
        VALUES (@chatId, @thread, @chatType, @minutes, @timezone, @filterKind, @filterId, @filterLabel, @filterTerms, @alerts, @skipQuietDays, 1, NULL, @at, @at)
        ON CONFLICT (chat_id, thread_id) DO UPDATE SET chat_type = excluded.chat_type, minutes = excluded.minutes, timezone = excluded.timezone,
          filter_kind = excluded.filter_kind, filter_id = excluded.filter_id, filter_label = excluded.filter_label, filter_terms = excluded.filter_terms, alerts = excluded.alerts, skip_quiet_days = excluded.skip_quiet_days,
          active = 1, inactive_reason = NULL, updated_at = excluded.updated_at`),
      deactivate: db.prepare('UPDATE subscriptions SET active = 0, inactive_reason = ?, updated_at = ? WHERE chat_id = ? AND thread_id = ? AND active = 1'),
      deactivateChat: db.prepare('UPDATE subscriptions SET active = 0, inactive_reason = ?, updated_at = ? WHERE chat_id = ? AND active = 1'),
      get: db.prepare('SELECT * FROM subscriptions WHERE chat_id = ? AND thread_id = ?').safeIntegers(true),
      ofChat: db.prepare('SELECT * FROM subscriptions WHERE chat_id = ? ORDER BY thread_id').safeIntegers(true),
      active: db.prepare('SELECT * FROM subscriptions WHERE active = 1 ORDER BY minutes, chat_id, thread_id').safeIntegers(true),
      deleteSub: db.prepare('DELETE FROM subscriptions WHERE chat_id = ? AND thread_id = ?'),
      moveSub: db.prepare(`UPDATE subscriptions SET chat_id = ?, chat_type = 'supergroup', updated_at = ? WHERE chat_id = ? AND thread_id = ?`),
      moveLedger: db.prepare('UPDATE OR IGNORE deliveries SET chat_id = ?, updated_at = ? WHERE chat_id = ?'),
      deleteLedger: db.prepare('DELETE FROM deliveries WHERE chat_id = ?'),
      delivery: db.prepare('SELECT * FROM deliveries WHERE chat_id = ? AND thread_id = ? AND date = ?').safeIntegers(true),
      history: db.prepare(`SELECT section_id FROM deliveries WHERE chat_id = ? AND thread_id = ? AND status = 'sent' AND date < ? ORDER BY date`),
      begin: db.prepare(`
        INSERT INTO deliveries (chat_id, thread_id, date, section_id, status, attempts, message_id, error, updated_at)
        VALUES (?, ?, ?, ?, 'pending', 1, NULL, NULL, ?)
        ON CONFLICT (chat_id, thread_id, date) DO UPDATE SET section_id = excluded.section_id, status = 'pending', attempts = attempts + 1,
          retry_at = NULL, message_id = NULL, updated_at = excluded.updated_at
        RETURNING *`).safeIntegers(true),
      complete: db.prepare(`UPDATE deliveries SET status = 'sent', message_id = ?, error = NULL, retry_at = NULL, updated_at = ? WHERE chat_id = ? AND thread_id = ? AND date = ?`),
      fail: db.prepare(`
        UPDATE deliveries SET status = @status, error = @error, updated_at = @at,
          transient_failures = transient_failures + @transient, unknown_outcomes = unknown_outcomes + @unknown, retry_at = @retryAt
        WHERE chat_id = @chatId AND thread_id = @thread AND date = @date`),
      acquireLease: db.prepare(`
        INSERT INTO leases (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
        WHERE leases.owner = excluded.owner OR leases.expires_at <= @now OR leases.owner = @takeOverFrom`),
      releaseLease: db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?'),
      leaseHolder: db.prepare('SELECT owner, expires_at FROM leases WHERE name = ?'),
      putPages: db.prepare('INSERT OR REPLACE INTO pages (key, pages, expires_at) VALUES (?, ?, ?)'),
      getPages: db.prepare('SELECT pages FROM pages WHERE key = ? AND expires_at > ?'),
      purgePages: db.prepare('DELETE FROM pages WHERE expires_at <= ?'),
      putFileId: db.prepare('INSERT OR REPLACE INTO file_ids (key, file_id, put_at) VALUES (?, ?, ?)'),
      getFileId: db.prepare('SELECT file_id FROM file_ids WHERE key = ?'),
      purgeFileIds: db.prepare('DELETE FROM file_ids WHERE put_at <= ?'),
      floodGet: db.prepare('SELECT hits, warned FROM flood WHERE key = ?'),
      floodPut: db.prepare('INSERT OR REPLACE INTO flood (key, hits, warned, updated_at) VALUES (?, ?, ?, ?)'),
      floodPurge: db.prepare('DELETE FROM flood WHERE updated_at <= ?'),
      seeChat: db.prepare('INSERT INTO chats (chat_id, chat_type, last_seen) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET chat_type = excluded.chat_type, last_seen = MAX(last_seen, excluded.last_seen)'),
      useCommand: db.prepare('INSERT INTO command_uses (date, command, uses) VALUES (?, ?, 1) ON CONFLICT (date, command) DO UPDATE SET uses = uses + 1'),
      statSubs: db.prepare('SELECT chat_type, COUNT(*) AS n, SUM(thread_id > 0) AS topics FROM subscriptions WHERE active = 1 GROUP BY chat_type'),
      statChats: db.prepare('SELECT COUNT(*) AS total, COALESCE(SUM(last_seen > ?), 0) AS week FROM chats'),
      statDigests: db.prepare('SELECT status, COUNT(*) AS n FROM deliveries WHERE date = ? GROUP BY status'),
      publishArticle: db.prepare(`
        INSERT INTO shared_articles (source, text, added_at, withdrawn_at) VALUES (?, ?, ?, NULL)
        ON CONFLICT (source) DO UPDATE SET text = excluded.text, added_at = excluded.added_at, withdrawn_at = NULL
        WHERE shared_articles.withdrawn_at IS NOT NULL AND shared_articles.withdrawn_at < excluded.added_at`),
      withdrawArticle: db.prepare('UPDATE shared_articles SET withdrawn_at = ? WHERE source = ? AND withdrawn_at IS NULL'),
      sharedArticles: db.prepare('SELECT source, added_at, withdrawn_at FROM shared_articles ORDER BY added_at, source'),
      sharedArticleText: db.prepare('SELECT text FROM shared_articles WHERE source = ? AND withdrawn_at IS NULL'),
      statCommands: db.prepare('SELECT command, SUM(uses) AS n FROM command_uses WHERE date BETWEEN ? AND ? GROUP BY command'),
    };
  }

  // better-sqlite3 is synchronous; the methods are async only to share the interface with PostgreSQL.
  // Each runs to completion before it returns, so the synchronous helpers below stay atomic.

  async subscribe(input: SubscribeInput, at: number): Promise<Subscription> {
    const who = { chatId: input.chatId, threadId: input.threadId ?? null };
    const { chatId, thread } = subscriberKey(who);
    this.stmts.upsert.run({
      chatId,
      thread,
      chatType: input.chatType,
      minutes: input.minutes,
      timezone: input.timezone,
      ...((c) => ({ filterKind: c.kind, filterId: c.id, filterLabel: c.label, filterTerms: c.terms }))(filterColumns(input.filter)),
      alerts: input.alerts ? 1 : 0,
      skipQuietDays: input.skipQuietDays ? 1 : 0,
      at,
    });
    return this.getSync(who)!;
  }

  async deactivate(who: Subscriber, reason: string, at: number): Promise<boolean> {
    return this.deactivateSync(who, reason, at);
  }

  async deactivateChat(chatId: ChatId, reason: string, at: number): Promise<number> {
    return this.stmts.deactivateChat.run(reason, at, assertChatId(chatId)).changes;
  }

  async get(who: Subscriber): Promise<Subscription | null> {
    return this.getSync(who);
  }

  async subscriptionsOf(chatId: ChatId): Promise<Subscription[]> {
    return this.ofChatSync(chatId);
  }

  async active(): Promise<Subscription[]> {
    return (this.stmts.active.all() as SubRow[]).map(toSubscription);
  }

  async migrate(fromChatId: ChatId, toChatId: ChatId, at: number): Promise<Subscription[]> {
    this.writeCompletions();
    assertChatId(fromChatId);
    assertChatId(toChatId);
    this.db.transaction(() => {
      // Topic by topic: the new chat's own active subscription for a topic wins, else the group's moves there.
      for (const from of this.ofChatSync(fromChatId)) {
        const existing = this.getSync({ chatId: toChatId, threadId: from.threadId });
        if (existing?.active) this.deactivateSync(from, `migrated to ${toChatId}`, at);
        else {
          const thread = threadKey(from.threadId);
          if (existing) this.stmts.deleteSub.run(toChatId, thread);
          this.stmts.moveSub.run(toChatId, at, fromChatId, thread);
        }
      }
      // Rows the new chat already has win; the rest of the history follows the group.
      this.stmts.moveLedger.run(toChatId, at, fromChatId);
      this.stmts.deleteLedger.run(fromChatId);
    })();
    return this.ofChatSync(toChatId);
  }

  async delivery(who: Subscriber, date: string): Promise<Delivery | null> {
    this.writeCompletionsOf(who, date);
    return this.deliverySync(who, date);
  }

  async history(who: Subscriber, beforeDate: string): Promise<string[]> {
    this.writeCompletionsOf(who);
    const { chatId, thread } = subscriberKey(who);
    return (this.stmts.history.all(chatId, thread, beforeDate) as { section_id: string }[]).map((r) => r.section_id);
  }

  async begin(who: Subscriber, date: string, sectionId: string, at: number): Promise<Delivery> {
    this.writeCompletionsOf(who, date);
    const { chatId, thread } = subscriberKey(who);
    // The row as written, in the same statement (a broadcast writes one per message).
    return toDelivery(this.stmts.begin.get(chatId, thread, date, sectionId, at) as DeliveryRow);
  }

  async complete(who: Subscriber, date: string, messageId: number, at: number): Promise<void> {
    const { chatId, thread } = subscriberKey(who);
    return new Promise<void>((resolve, reject) => {
      this.completions.push({ row: [messageId, at, chatId, thread, date], resolve, reject });
      if (this.completions.length >= COMPLETE_BATCH) this.writeCompletions();
      else this.completionTimer ??= setTimeout(() => this.writeCompletions(), COMPLETE_DELAY_MS);
    });
  }

  async fail(who: Subscriber, date: string, error: string, permanent: boolean, at: number, retry?: RetryPlan): Promise<void> {
    this.writeCompletionsOf(who, date);
    const { chatId, thread } = subscriberKey(who);
    this.stmts.fail.run({
      status: permanent ? 'dropped' : 'failed',
      error,
      at,
      transient: retry ? 1 : 0,
      unknown: retry?.unknownOutcome ? 1 : 0,
      retryAt: retry && !permanent ? retry.at : null,
      chatId,
      thread,
      date,
    });
  }

  async acquireLease(name: string, owner: string, now: number, ttlMs: number, takeOverFrom?: string): Promise<boolean> {
    return this.stmts.acquireLease.run({ name, owner, expiresAt: now + ttlMs, now, takeOverFrom: takeOverFrom ?? null }).changes > 0;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.stmts.releaseLease.run(name, owner);
  }

  async leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const row = this.stmts.leaseHolder.get(name) as { owner: string; expires_at: number } | undefined;
    return row ? { owner: row.owner, expiresAt: row.expires_at } : null;
  }

  async putPages(key: string, pages: readonly string[], expiresAt: number, now: number): Promise<void> {
    this.stmts.putPages.run(key, JSON.stringify(pages), expiresAt);
    // Expired answers go now and then rather than on every put.
    if (++this.puts % 100 === 1) this.stmts.purgePages.run(now);
  }

  async getPages(key: string, now: number): Promise<string[] | null> {
    const row = this.stmts.getPages.get(key, now) as { pages: string } | undefined;
    return row ? (JSON.parse(row.pages) as string[]) : null;
  }

  async putFileId(key: string, fileId: string, at: number): Promise<void> {
    this.stmts.putFileId.run(key, fileId, at);
    this.stmts.purgeFileIds.run(at - FILE_ID_TTL_MS);
  }

  async getFileId(key: string): Promise<string | null> {
    const row = this.stmts.getFileId.get(key) as { file_id: string } | undefined;
    return row?.file_id ?? null;
  }

  async floodHit(key: string, now: number, windowMs: number, limit: number): Promise<FloodVerdict> {
    return this.db.transaction(() => {
      const row = this.stmts.floodGet.get(key) as { hits: string; warned: number } | undefined;
      const state: FloodState | null = row ? { hits: JSON.parse(row.hits) as number[], warned: row.warned !== 0 } : null;
      const { verdict, next } = floodStep(state, now, windowMs, limit);
      this.stmts.floodPut.run(key, JSON.stringify(next.hits), next.warned ? 1 : 0, now);
      if (++this.floods % 1000 === 1) this.stmts.floodPurge.run(now - Math.max(windowMs, 3600_000));
      return verdict;
    }).immediate();
  }

  async recordUse(use: { chatId: ChatId; chatType: ChatType; command: string | null; date: string; at: number }): Promise<void> {
    this.db.transaction(() => {
      this.stmts.seeChat.run(assertChatId(use.chatId), use.chatType, use.at);
      if (use.command) this.stmts.useCommand.run(use.date, use.command);
    })();
  }

  async stats(date: string, since: string, now: number): Promise<StoreStats> {
    this.writeCompletions();
    const subscribers: StoreStats['subscribers'] = {};
    let topics = 0;
    for (const r of this.stmts.statSubs.all() as Array<{ chat_type: string; n: number; topics: number }>) {
      subscribers[ChatTypeSchema.parse(r.chat_type)] = r.n;
      topics += r.topics;
    }
    const chats = this.stmts.statChats.get(now - WEEK_MS) as { total: number; week: number };
    const digests: StoreStats['digests'] = {};
    for (const r of this.stmts.statDigests.all(date) as Array<{ status: string; n: number }>) digests[DeliveryStatusSchema.parse(r.status)] = r.n;
    const commands = topCommands((this.stmts.statCommands.all(since, date) as Array<{ command: string; n: number }>).map((r) => [r.command, r.n] as [string, number]));
    return { subscribers, topics, chats: { total: chats.total, lastWeek: chats.week }, digests, commands };
  }

  async publishArticle(source: string, text: string, at: number): Promise<boolean> {
    return this.stmts.publishArticle.run(source, text, at).changes > 0;
  }

  async withdrawArticle(source: string, at: number): Promise<boolean> {
    return this.stmts.withdrawArticle.run(at, source).changes > 0;
  }

  async sharedArticles(): Promise<SharedArticle[]> {
    return (this.stmts.sharedArticles.all() as Array<{ source: string; added_at: number; withdrawn_at: number | null }>).map((r) => ({ source: r.source, addedAt: r.added_at, withdrawnAt: r.withdrawn_at }));
  }

  async sharedArticleText(source: string): Promise<string | null> {
    return (this.stmts.sharedArticleText.get(source) as { text: string } | undefined)?.text ?? null;
  }

  /**
   * Mark the waiting deliveries `sent`, in one transaction: a paid broadcast records a thousand a second, and a
   * commit for each was a tenth of the sender's CPU. Each `complete` resolves once its row is written, at most
   * COMPLETE_DELAY_MS after its answer; until then the message counts as in flight (a crash would resend it once,
   * as one whose answer had not come). The methods that read or write the ledger write the batch first when it
   * holds a row they touch, so none ever sees around it.
   */
  private writeCompletions(): void {
    if (this.completionTimer) clearTimeout(this.completionTimer);
    this.completionTimer = null;
    const batch = this.completions;
    if (batch.length === 0) return;
    this.completions = [];
    try {
      this.db.transaction(() => {
        for (const c of batch) this.stmts.complete.run(...c.row);
      })();
    } catch (err) {
      for (const c of batch) c.reject(err);
      return;
    }
    for (const c of batch) c.resolve();
  }

  /** Write the batch if it holds a row of this subscriber (on this date, if given): a cheap look at most 100 rows. */
  private writeCompletionsOf(who: Subscriber, date?: string): void {
    if (this.completions.length === 0) return;
    const { chatId, thread } = subscriberKey(who);
    if (this.completions.some(({ row }) => row[2] === chatId && row[3] === thread && (date === undefined || row[4] === date))) this.writeCompletions();
  }

  private getSync(who: Subscriber): Subscription | null {
    const { chatId, thread } = subscriberKey(who);
    const row = this.stmts.get.get(chatId, thread) as SubRow | undefined;
    return row ? toSubscription(row) : null;
  }

  private ofChatSync(chatId: ChatId): Subscription[] {
    return (this.stmts.ofChat.all(assertChatId(chatId)) as SubRow[]).map(toSubscription);
  }

  private deactivateSync(who: Subscriber, reason: string, at: number): boolean {
    const { chatId, thread } = subscriberKey(who);
    return this.stmts.deactivate.run(reason, at, chatId, thread).changes > 0;
  }

  private deliverySync(who: Subscriber, date: string): Delivery | null {
    const { chatId, thread } = subscriberKey(who);
    const row = this.stmts.delivery.get(chatId, thread, date) as DeliveryRow | undefined;
    return row ? toDelivery(row) : null;
  }

  /** The schema version the file is at (for tests and operators). */
  schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  /** Whether the file is in WAL mode (for tests and operators). */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /** Whether the database still answers a read (for /healthz): cheap, one row at most. */
  async answers(): Promise<boolean> {
    try {
      this.db.prepare('SELECT 1 FROM subscriptions LIMIT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.writeCompletions();
    this.db.close();
  }
}

/** Bring a database to the latest schema version; each step is atomic. */
export function migrate(db: Database.Database): number {
  let version = Number(db.pragma('user_version', { simple: true }));
  for (const step of MIGRATIONS) {
    if (step.version <= version) continue;
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
    version = step.version;
  }
  return version;
}
