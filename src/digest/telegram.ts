import type { Telegram } from 'telegraf';
import type { SendApi } from './sender.ts';

type CallOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;

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

/** Adapt telegraf's Telegram client to the sender; a hung request is abandoned after `timeoutMs` (its outcome is unknown). */
export function telegramSendApi(telegram: Telegram, timeoutMs = 30_000): SendApi {
  return {
    async sendMessage(chatId, html) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const message = await telegram.callApi(
          'sendMessage',
          { chat_id: chatId, text: html, parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
          // telegraf types the signal with the abort-controller polyfill; node-fetch accepts the native one.
          { signal: signal as unknown as CallOptions['signal'] },
        );
        return { message_id: message.message_id };
      } catch (err) {
        throw signal.aborted ? new SendTimeoutError(timeoutMs, { cause: err }) : err;
      }
    },
  };
}
