import type { Telegram } from 'telegraf';
import type { Opts } from 'telegraf/types';
import { onWritten } from './departures.ts';
import type { SendApi } from './sender.ts';

type CallOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;
/**
 * sendMessage's `allow_paid_broadcast` (Bot API 7.11): up to 1,000 messages a second, for a fee in Stars.
 * telegraf's types stop at Bot API 7.1, and telegraf passes unknown parameters through as they are.
 */
type SendMessageParams = Opts<'sendMessage'> & { allow_paid_broadcast?: true };

export interface SendApiOptions {
  /** A hung request is abandoned after this long (its outcome is unknown). */
  timeoutMs?: number;
  /** Send as paid broadcasts (`BROADCAST_PAID`), so the bot may go past 30 messages a second. */
  paid?: boolean;
}

/** Thrown when a request got no answer in time: Telegram may or may not have delivered the message. */
export class SendTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`no answer within ${timeoutMs} ms (the message may have been delivered)`, options);
  }
}

/** Adapt telegraf's Telegram client to the sender; a hung request is abandoned after `timeoutMs` (default 30 s). */
export function telegramSendApi(telegram: Telegram, options: SendApiOptions = {}): SendApi {
  const { timeoutMs = 30_000, paid = false } = options;
  return {
    async sendMessage(chatId, html, options) {
      // A timer cleared once answered, not AbortSignal.timeout: that one fires anyway 30 s later and builds a
      // TimeoutError with its stack each time, a tenth of the sender's CPU in a big broadcast.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const signal = controller.signal;
      const params: SendMessageParams = { chat_id: chatId, text: html, parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(options?.threadId ? { message_thread_id: options.threadId } : {}), ...(paid ? { allow_paid_broadcast: true } : {}) };
      try {
        // telegraf types the signal with the abort-controller polyfill; node-fetch accepts the native one.
        const call = () => telegram.callApi('sendMessage', params, { signal: signal as unknown as CallOptions['signal'] });
        const message = await (options?.onWritten ? onWritten(options.onWritten, call) : call());
        return { message_id: message.message_id };
      } catch (err) {
        throw signal.aborted ? new SendTimeoutError(timeoutMs, { cause: err }) : err;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
