import { z } from 'zod';
import { DigestFilterSchema, LocalDateSchema } from '../core/digest.ts';

/** A Telegram chat id: a 64-bit integer in the API, always within JavaScript's safe integer range in practice. */
export const ChatIdSchema = z.number().int().refine(Number.isSafeInteger, 'chat id must be a safe integer');
export type ChatId = z.infer<typeof ChatIdSchema>;

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
  active: z.boolean(),
  /** Why an inactive subscription stopped: `unsubscribed`, `blocked: …`, `migrated to …`. */
  inactiveReason: z.string().nullable(),
  /** Epoch milliseconds. */
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const SubscribeInputSchema = SubscriptionSchema.pick({ chatId: true, chatType: true, minutes: true, timezone: true, filter: true });
export type SubscribeInput = z.infer<typeof SubscribeInputSchema>;

/**
 * Delivery ledger states for one (chat, local date):
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
  date: LocalDateSchema,
  sectionId: z.string(),
  status: DeliveryStatusSchema,
  /** Send attempts so far for this (chat, date). */
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

/**
 * Subscriptions and the delivery ledger behind one small synchronous interface
 * (better-sqlite3 is synchronous, and the in-memory twin mirrors it for unit tests).
 */
export interface SubscriptionStore {
  /** Create or replace a chat's subscription and (re)activate it. */
  subscribe(input: SubscribeInput, at: number): Subscription;
  /** Deactivate a subscription, keeping the row and the reason; false when there was none active. */
  deactivate(chatId: ChatId, reason: string, at: number): boolean;
  get(chatId: ChatId): Subscription | null;
  /** Every active subscription, ordered by send time then chat id. */
  active(): Subscription[];
  /**
   * Move a chat's subscription and ledger to the id its group migrated to.
   * If the new id already has a subscription, that one is kept and the old one is deactivated.
   * Returns the subscription now in effect at `toChatId`.
   */
  migrate(fromChatId: ChatId, toChatId: ChatId, at: number): Subscription | null;

  delivery(chatId: ChatId, date: string): Delivery | null;
  /** Section ids delivered (`sent`) to a chat on dates before `beforeDate`, oldest first. */
  history(chatId: ChatId, beforeDate: string): string[];
  /** Record that a send is about to happen: the row becomes `pending` with one more attempt. */
  begin(chatId: ChatId, date: string, sectionId: string, at: number): Delivery;
  /** Record that Telegram accepted the message. */
  complete(chatId: ChatId, date: string, messageId: number, at: number): void;
  /**
   * Record a failed attempt: `failed` (retry later) or, when permanent, `dropped`.
   * With `retry` the failure was transient: it is counted as such and the row waits until `retry.at`.
   */
  fail(chatId: ChatId, date: string, error: string, permanent: boolean, at: number, retry?: RetryPlan): void;
  /**
   * Take, renew or take over a named lease (one broadcast at a time per store, across processes).
   * Succeeds when the lease is free, expired, already `owner`'s, or held by `takeOverFrom`.
   */
  acquireLease(name: string, owner: string, now: number, ttlMs: number, takeOverFrom?: string): boolean;
  /** Give a lease back, if `owner` still holds it. */
  releaseLease(name: string, owner: string): void;
  leaseHolder(name: string): { owner: string; expiresAt: number } | null;
  close(): void;
}

/** Check a chat id before it reaches storage: floats and ids beyond 2^53 would silently lose digits. */
export function assertChatId(chatId: unknown): ChatId {
  const r = ChatIdSchema.safeParse(chatId);
  if (!r.success) throw new RangeError(`invalid chat id ${String(chatId)}: must be an integer within ±2^53`);
  return r.data;
}
