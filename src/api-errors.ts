/**
 * How a failed Bot API call is read, in one place for the digest sender and the bot's replies:
 * wait, back off, give up on this chat, follow a migration, or stop.
 */

/** What to do about a failed send. */
export type Failure =
  | { kind: 'retry_after'; ms: number; reason: string } // 429: wait as told
  | { kind: 'transient'; reason: string } // 5xx, a connection never made: back off
  | { kind: 'unknown'; reason: string } // timeout, reset: it may have been delivered; back off, resend at most once a day
  | { kind: 'gone'; reason: string } // 403, chat not found: the chat cannot receive anything
  | { kind: 'topic_gone'; reason: string } // the forum topic was deleted: that topic cannot, the rest of the chat can
  | { kind: 'migrate'; toChatId: number; reason: string } // the group became a supergroup
  | { kind: 'rejected'; reason: string } // another 400: this message will never be accepted
  | { kind: 'fatal'; reason: string }; // 401/404: the token or API root is wrong; stop the run

interface ApiErrorLike {
  name?: unknown;
  code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
  response?: { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown } };
}

/** The start of the reason a subscription stopped because its forum topic was deleted. */
export const TOPIC_GONE = 'topic deleted';

/** Classify an error thrown by a Bot API call (telegraf's TelegramError or a transport error). */
export function classifyError(err: unknown): Failure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ApiErrorLike;
  const code = typeof e.response?.error_code === 'number' ? e.response.error_code : typeof e.code === 'number' ? e.code : null;
  const description = String(e.response?.description ?? e.description ?? (err instanceof Error ? err.message : String(err)));
  const params = e.response?.parameters ?? e.parameters ?? {};
  const reason = code === null ? `network: ${description}` : `${code}: ${description}`;
  if (code === null) return isUnknownOutcome(e, description) ? { kind: 'unknown', reason } : { kind: 'transient', reason };
  if (typeof params.migrate_to_chat_id === 'number') return { kind: 'migrate', toChatId: params.migrate_to_chat_id, reason };
  if (code === 429) return { kind: 'retry_after', ms: Math.max(1, Number(params.retry_after ?? 1)) * 1000, reason };
  if (code >= 500) return { kind: 'transient', reason };
  if (code === 403) return { kind: 'gone', reason };
  if (code === 400 && /chat not found|user not found|PEER_ID_INVALID|chat was deleted|group chat was deactivated|user is deactivated/i.test(description)) return { kind: 'gone', reason };
  // The forum topic a subscription posts to was deleted: that topic's subscription ends, like a chat that is gone.
  if (code === 400 && /message thread not found|TOPIC_DELETED/i.test(description)) return { kind: 'topic_gone', reason: `${TOPIC_GONE}: ${reason}` };
  if (code === 401 || code === 404) return { kind: 'fatal', reason };
  return { kind: 'rejected', reason };
}

// The request left but no answer came: Telegram may have delivered it. A refused or unresolvable connection is
// not among these (nothing was sent), nor is any error the server answered.
const UNKNOWN_OUTCOME_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isUnknownOutcome(e: ApiErrorLike, description: string): boolean {
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  if (typeof e.code === 'string' && UNKNOWN_OUTCOME_CODES.has(e.code)) return true;
  return /socket hang up|timed? ?out|aborted/i.test(description);
}
