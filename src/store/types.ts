import { z } from 'zod';
import { DigestFilterSchema, LocalDateSchema } from '../core/digest.ts';

/** A Telegram chat id: a 64-bit integer in the API, always within JavaScript's safe integer range in practice. */
export const ChatIdSchema = z.number().int().refine(Number.isSafeInteger, 'chat id must be a safe integer');
export type ChatId = z.infer<typeof ChatIdSchema>;

/** A forum topic: the message_thread_id of its messages (always positive). */
export const ThreadIdSchema = z.number().int().positive();

/**
 * Who gets a digest: a chat, or one forum topic of it. Each has its own subscription, ledger rows and history, so two
 * topics of a forum subscribe independently; `threadId` null is the chat itself (a private chat, a plain group, a
 * forum's General).
 */
export const SubscriberSchema = z.object({ chatId: ChatIdSchema, threadId: ThreadIdSchema.nullable() });
export type Subscriber = z.infer<typeof SubscriberSchema>;

/** The subscriber for a chat, or for one of its forum topics: `subscriber(-100123, 77)`. */
export function subscriber(chatId: ChatId, threadId: number | null = null): Subscriber {
  return { chatId, threadId };
}

export const ChatTypeSchema = z.enum(['private', 'group', 'supergroup', 'channel']);
export type ChatType = z.infer<typeof ChatTypeSchema>;

export const SubscriptionSchema = z.object({
  chatId: ChatIdSchema,
  chatType: ChatTypeSchema,
  /** Local send time, minutes after midnight. */
  minutes: z.number().int().min(0).max(1439),
  /** IANA time zone the time is read in. */
  timezone: z.string().min(1),
  filter: DigestFilterSchema.nullable(),
  /** On a day with nothing new for the chat, send nothing rather than the one line that says so. */
  skipQuietDays: z.boolean(),
  /** The forum topic (message_thread_id) this subscription belongs to and posts in; null: the chat itself. */
  threadId: ThreadIdSchema.nullable(),
  /** Also a short alert as soon as an article matching the filter is added (`/subscribe 潼南 即时`). */
  alerts: z.boolean(),
  active: z.boolean(),
  /** Why an inactive subscription stopped: `unsubscribed`, `blocked: …`, `migrated to …`. */
  inactiveReason: z.string().nullable(),
  /** Epoch milliseconds. */
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const SubscribeInputSchema = SubscriptionSchema.pick({ chatId: true, chatType: true, minutes: true, timezone: true, filter: true }).extend({
  /** Default: off. */
  alerts: z.boolean().optional(),
  /** Default: off (the one line is sent). */
  skipQuietDays: z.boolean().optional(),
  /** Default: none (the chat itself). */
  threadId: ThreadIdSchema.nullable().optional(),
});
export type SubscribeInput = z.infer<typeof SubscribeInputSchema>;

/**
 * Delivery ledger states for one (chat, topic, local date):
 * - `pending`: written just before the send; after a crash the message may or may not have gone out.
 * - `sent`: Telegram accepted it; never sent again.
 * - `failed`: the last attempt failed; a run after `retryAt` tries again, until the chat's local day is over.
 * - `dropped`: not retried today: the chat cannot receive it (blocked, gone, rejected), or requests for it got
 *   no answer twice (it may have arrived; see `unknownOutcomes`).
 */
export const DeliveryStatusSchema = z.enum(['pending', 'sent', 'failed', 'dropped']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliverySchema = z.object({
  chatId: ChatIdSchema,
  /** The forum topic the row belongs to; null: the chat itself. */
  threadId: ThreadIdSchema.nullable(),
  date: LocalDateSchema,
  sectionId: z.string(),
  status: DeliveryStatusSchema,
  /** Send attempts so far for this (chat, topic, date). */
  attempts: z.number().int().nonnegative(),
  /** Of those, the ones that failed transiently (5xx, network, 429): they never use up the day's cap. */
  transientFailures: z.number().int().nonnegative(),
  /** Of those, the ones whose request got no answer (timeout, reset): Telegram may have delivered them. */
  unknownOutcomes: z.number().int().nonnegative(),
  /** Epoch ms before which a `failed` row is not retried (backoff); null: at once. */
  retryAt: z.number().int().nullable(),
  messageId: z.number().int().nullable(),
  error: z.string().nullable(),
  updatedAt: z.number().int(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

/** When a transiently failed delivery may be tried again. */
export interface RetryPlan {
  /** Epoch ms. */
  at: number;
  /** The request got no answer (timeout, reset): it may have been delivered, so it is counted apart. */
  unknownOutcome?: boolean;
}

/** Usage counts for `/stats`: what the store knows about chats, subscriptions, digests and commands. */
export interface StoreStats {
  /** Active subscriptions (each forum topic's counts), by chat type. */
  subscribers: Partial<Record<ChatType, number>>;
  /** Of those, the ones in a forum topic. */
  topics: number;
  /** Chats the bot has answered: all time, and with an update in the last 7 days. */
  chats: { total: number; lastWeek: number };
  /** Ledger rows for the given local date, by status. */
  digests: Partial<Record<DeliveryStatus, number>>;
  /** The most used commands over the last 7 days, busiest first. */
  commands: Array<{ command: string; count: number }>;
}

/** An article in the store's shared list: what every instance takes in (the living report on several machines). */
export interface SharedArticle {
  source: string;
  /** Epoch ms: when it was (last) taken in. */
  addedAt: number;
  /** Epoch ms when it was taken out again (undo), or null while it is in. */
  withdrawnAt: number | null;
}

/** How long a picture's file_id is kept after it was last put (Telegram keeps the file itself far longer). */
export const FILE_ID_TTL_MS = 30 * 24 * 3600_000;

/** Flood control's answer for one more message from a user (see src/bot/flood.ts). */
export type FloodVerdict = 'allow' | 'warn' | 'drop';

/**
 * Everything the bot keeps between updates, behind one asynchronous interface, so any instance can answer any
 * update: SQLite (one process, the default), PostgreSQL (several instances, DATABASE_URL), and an in-memory twin
 * for unit tests. tests/store/contract.ts runs the same suite against all three.
 *
 * Grouped by concern; add new methods to their group (or a new group) so parallel changes merge cleanly.
 */
export interface SubscriptionStore {
  // ── Subscriptions ──────────────────────────────────────────────────────────
  // A subscriber is a chat or one of its forum topics (`Subscriber`): each has its own subscription and ledger.
  /** Create or replace a subscriber's subscription (`input.threadId`: its topic) and (re)activate it. */
  subscribe(input: SubscribeInput, at: number): Promise<Subscription>;
  /** Deactivate one subscription (a topic's, or the chat's own), keeping the row and the reason; false when it was not active. */
  deactivate(who: Subscriber, reason: string, at: number): Promise<boolean>;
  /** Deactivate every subscription of a chat, all its topics (blocked, removed, gone); how many were active. */
  deactivateChat(chatId: ChatId, reason: string, at: number): Promise<number>;
  get(who: Subscriber): Promise<Subscription | null>;
  /** Every subscription of a chat, active or not: the chat's own first, then its topics by thread id. */
  subscriptionsOf(chatId: ChatId): Promise<Subscription[]>;
  /** Every active subscription, ordered by send time, then chat id, then topic (the chat's own first). */
  active(): Promise<Subscription[]>;
  /**
   * Move a chat's subscriptions (every topic's) and ledger to the id its group migrated to.
   * Where the new id already has an active subscription for the same topic, that one is kept and the old one is
   * deactivated. Returns the subscriptions now at `toChatId`, as `subscriptionsOf` lists them.
   */
  migrate(fromChatId: ChatId, toChatId: ChatId, at: number): Promise<Subscription[]>;

  // ── Delivery ledger (one row per subscriber and date or alert key) ──────────
  delivery(who: Subscriber, date: string): Promise<Delivery | null>;
  /** Section ids delivered (`sent`) to a subscriber on dates before `beforeDate`, oldest first. */
  history(who: Subscriber, beforeDate: string): Promise<string[]>;
  /** Record that a send is about to happen: the row becomes `pending` with one more attempt. */
  begin(who: Subscriber, date: string, sectionId: string, at: number): Promise<Delivery>;
  /** Record that Telegram accepted the message. */
  complete(who: Subscriber, date: string, messageId: number, at: number): Promise<void>;
  /**
   * Record a failed attempt: `failed` (retry later) or, when permanent, `dropped`.
   * With `retry` the failure was transient: it is counted as such and the row waits until `retry.at`.
   */
  fail(who: Subscriber, date: string, error: string, permanent: boolean, at: number, retry?: RetryPlan): Promise<void>;

  // ── Leases ─────────────────────────────────────────────────────────────────
  /**
   * Take, renew or take over a named lease (one broadcast at a time per store, across processes).
   * Succeeds when the lease is free, expired, already `owner`'s, or held by `takeOverFrom`.
   */
  acquireLease(name: string, owner: string, now: number, ttlMs: number, takeOverFrom?: string): Promise<boolean>;
  /** Give a lease back, if `owner` still holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null>;

  // ── Answer pages (上一页/下一页 work on any instance and after a restart) ─────
  /** Keep an answer's rendered pages under `key` until `expiresAt` (epoch ms); pages expired at `now` are purged now and then. */
  putPages(key: string, pages: readonly string[], expiresAt: number, now: number): Promise<void>;
  /** The pages under `key`, or null when unknown or expired at `now`. */
  getPages(key: string, now: number): Promise<string[] | null>;

  // ── Flood control across instances ─────────────────────────────────────────
  /**
   * Count one message from `key` at `now` in a sliding window of `windowMs`, atomically across instances:
   * `allow` under `limit` (and counted), then `warn` once, then `drop` (not counted) until the window frees up.
   */
  floodHit(key: string, now: number, windowMs: number, limit: number): Promise<FloodVerdict>;

  // ── Usage statistics (/stats) ──────────────────────────────────────────────
  /** Note one answered update: the chat (with its type) and the command, on the local date `date`. */
  recordUse(use: { chatId: ChatId; chatType: ChatType; command: string | null; date: string; at: number }): Promise<void>;
  /** Counts for `/stats`; `date` is today's local date, `since` the local date 6 days before it. */
  stats(date: string, since: string, now: number): Promise<StoreStats>;

  // ── Articles added while running, shared by every instance (src/live/mirror.ts) ──
  /**
   * Put an article taken in here on the shared list; false when it is on it already (another instance, or this one
   * before a restart, had it first). One that was withdrawn comes back only as a newer copy (`at` after the
   * withdrawal): an old file left on some instance never undoes an undo.
   */
  publishArticle(source: string, text: string, at: number): Promise<boolean>;
  /** Mark an article as taken out (undo); false when it is not on the list or was withdrawn already. */
  withdrawArticle(source: string, at: number): Promise<boolean>;
  /** The whole list, in and withdrawn, without the texts (polled every few seconds). */
  sharedArticles(): Promise<SharedArticle[]>;
  /** One article's text, or null when it is not on the list or was withdrawn. */
  sharedArticleText(source: string): Promise<string | null>;

  // ── Pictures uploaded once (Telegram file_ids, src/bot/map.ts) ──────────────
  /**
   * Keep the file_id Telegram returned for a picture uploaded under `key` (replacing any older one), so every
   * instance sends it again by id instead of uploading it again. Entries not put again for `FILE_ID_TTL_MS` are
   * dropped now and then (their picture is simply rendered and uploaded anew).
   */
  putFileId(key: string, fileId: string, at: number): Promise<void>;
  /** The file_id kept under `key`, or null. */
  getFileId(key: string): Promise<string | null>;

  // ── Lifecycle ──────────────────────────────────────────────────────────────
  /** Whether the database still answers a cheap read (for /healthz). */
  answers(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * How storage keys a subscriber's topic: primary keys cannot hold null on every database, so the chat itself
 * (no topic) is thread 0; message_thread_id is always positive.
 */
export function threadKey(threadId: number | null | undefined): number {
  if (threadId === null || threadId === undefined) return 0;
  const r = ThreadIdSchema.safeParse(threadId);
  if (!r.success) throw new RangeError(`invalid thread id ${String(threadId)}: must be a positive integer`);
  return r.data;
}

/** The topic back from its storage key (0: none). */
export function threadFromKey(key: number): number | null {
  return key === 0 ? null : key;
}

/** Check a chat id before it reaches storage: floats and ids beyond 2^53 would silently lose digits. */
export function assertChatId(chatId: unknown): ChatId {
  const r = ChatIdSchema.safeParse(chatId);
  if (!r.success) throw new RangeError(`invalid chat id ${String(chatId)}: must be an integer within ±2^53`);
  return r.data;
}

/** A subscriber as storage keys it: the chat id checked, the topic as its key (0: the chat itself). */
export function subscriberKey(who: Subscriber): { chatId: ChatId; thread: number } {
  return { chatId: assertChatId(who.chatId), thread: threadKey(who.threadId) };
}
