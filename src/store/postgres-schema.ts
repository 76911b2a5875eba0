/** PostgreSQL schema migrations and the runner: versioned, applied once, safe when several instances start at once. */
import type { PoolClient } from 'pg';

/**
 * Applied in order, all pending ones in one transaction; `schema_migrations` records each version.
 * Append new steps, never edit old ones: databases in the field have already run them.
 * Version 1 is the SQLite schema as of its version 5, in PostgreSQL's types (chat ids and times are bigint).
 */
export const PG_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = Object.freeze([
  {
    version: 1,
    sql: `
      CREATE TABLE subscriptions (
        chat_id bigint PRIMARY KEY,
        chat_type text NOT NULL,
        minutes integer NOT NULL CHECK (minutes BETWEEN 0 AND 1439),
        timezone text NOT NULL,
        filter_kind text,
        filter_id text,
        filter_label text,
        active boolean NOT NULL,
        inactive_reason text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX subscriptions_active ON subscriptions (active, minutes, chat_id);
      CREATE TABLE deliveries (
        chat_id bigint NOT NULL,
        date text NOT NULL,
        section_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
        attempts integer NOT NULL,
        transient_failures integer NOT NULL DEFAULT 0,
        unknown_outcomes integer NOT NULL DEFAULT 0,
        retry_at bigint,
        message_id bigint,
        error text,
        updated_at bigint NOT NULL,
        PRIMARY KEY (chat_id, date)
      );
      CREATE INDEX deliveries_date ON deliveries (date, status);
      CREATE TABLE leases (
        name text PRIMARY KEY,
        owner text NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE TABLE pages (
        key text PRIMARY KEY,
        pages jsonb NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX pages_expiry ON pages (expires_at);
      CREATE TABLE flood (
        key text PRIMARY KEY,
        hits bigint[] NOT NULL,
        warned boolean NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE TABLE chats (
        chat_id bigint PRIMARY KEY,
        chat_type text NOT NULL,
        last_seen bigint NOT NULL
      );
      CREATE TABLE command_uses (
        date text NOT NULL,
        command text NOT NULL,
        uses bigint NOT NULL,
        PRIMARY KEY (date, command)
      );
    `,
  },
  {
    // Several senders, one bot: a shared send budget (every message's departure and answer, and a 429's pause)
    // and a queue of chats to send to, claimed with FOR UPDATE SKIP LOCKED.
    version: 2,
    sql: `
      CREATE TABLE send_log (
        id bigserial PRIMARY KEY,
        chat_id bigint NOT NULL,
        owner text NOT NULL,
        left_at bigint NOT NULL,
        answered_at bigint
      );
      CREATE INDEX send_log_left ON send_log (left_at);
      CREATE INDEX send_log_chat ON send_log (chat_id, left_at);
      CREATE TABLE send_pause (
        id integer PRIMARY KEY CHECK (id = 1),
        until bigint NOT NULL
      );
      CREATE TABLE digest_queue (
        chat_id bigint PRIMARY KEY,
        queued_at bigint NOT NULL,
        claimed_by text,
        claimed_until bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX digest_queue_claim ON digest_queue (claimed_until, chat_id);
    `,
  },
  {
    // Filters of several words and exclusions: filter_kind 'terms', the terms as JSON text (SQLite's version 6).
    version: 3,
    sql: `ALTER TABLE subscriptions ADD COLUMN filter_terms text;`,
  },
  {
    // Alerts as soon as a matching article is added (SQLite's version 7).
    version: 4,
    sql: `ALTER TABLE subscriptions ADD COLUMN alerts boolean NOT NULL DEFAULT false;`,
  },
  {
    // Forum topics: the topic digests and alerts go to (SQLite's version 8).
    version: 5,
    sql: `ALTER TABLE subscriptions ADD COLUMN thread_id bigint;`,
  },
  {
    // Days with nothing new: send the one line (false) or nothing (true) (SQLite's version 9).
    version: 6,
    sql: `ALTER TABLE subscriptions ADD COLUMN skip_quiet_days boolean NOT NULL DEFAULT false;`,
  },
  {
    // One subscription per forum topic (SQLite's version 10): subscriptions keyed (chat, topic), ledger rows
    // (chat, topic, date), the topic as thread_id with 0 for the chat itself (a key column cannot be null). A chat's
    // subscription stays the one of the topic it posted to, and the chat's ledger rows (its history) go with it.
    // Unlike the steps before it, this one changes keys: instances older than it cannot write to the new tables.
    version: 7,
    sql: `
      UPDATE subscriptions SET thread_id = 0 WHERE thread_id IS NULL;
      ALTER TABLE subscriptions ALTER COLUMN thread_id SET DEFAULT 0, ALTER COLUMN thread_id SET NOT NULL,
        ADD CONSTRAINT subscriptions_thread_id_check CHECK (thread_id >= 0);
      ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey, ADD PRIMARY KEY (chat_id, thread_id);
      DROP INDEX subscriptions_active;
      CREATE INDEX subscriptions_active ON subscriptions (active, minutes, chat_id, thread_id);
      ALTER TABLE deliveries ADD COLUMN thread_id bigint NOT NULL DEFAULT 0;
      UPDATE deliveries d SET thread_id = s.thread_id FROM subscriptions s WHERE s.chat_id = d.chat_id AND s.thread_id <> 0;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_pkey, ADD PRIMARY KEY (chat_id, thread_id, date);
    `,
  },
  {
    // Articles added while running, as every instance should take them in (SQLite's version 11).
    version: 8,
    sql: `CREATE TABLE shared_articles (source text PRIMARY KEY, text text NOT NULL, added_at bigint NOT NULL, withdrawn_at bigint);`,
  },
  {
    // The shared pace as one time (when the next message is due on the beat) instead of a 100 ms window over
    // send_log, which lost every late departure again each 100 ms (src/digest/rate-limiter.ts, Pacer).
    version: 9,
    sql: `CREATE TABLE send_pace (id integer PRIMARY KEY CHECK (id = 1), due double precision NOT NULL);`,
  },
  {
    // Pictures uploaded once and sent again by Telegram's file_id (SQLite's version 12).
    version: 10,
    sql: `
      CREATE TABLE file_ids (key text PRIMARY KEY, file_id text NOT NULL, put_at bigint NOT NULL);
      CREATE INDEX file_ids_put_at ON file_ids (put_at);
    `,
  },
]);

/**
 * Bring the schema `client` sees (its search_path) to the latest version. A transaction-scoped advisory lock
 * makes a second instance starting at the same moment wait, then find nothing left to do.
 */
export async function migratePg(client: PoolClient, migrations = PG_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':report-bot migrations'))`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    let version = rows[0]?.v ?? 0;
    for (const step of migrations) {
      if (step.version <= version) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [step.version]);
      version = step.version;
    }
    await client.query('COMMIT');
    return version;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
