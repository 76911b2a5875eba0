import type { Telegram } from 'telegraf';
import type { SendApi } from './sender.ts';

type CallOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;

/** Adapt telegraf's Telegram client to the sender; a hung request is abandoned after `timeoutMs` (then retried as a network error). */
export function telegramSendApi(telegram: Telegram, timeoutMs = 30_000): SendApi {
  return {
    async sendMessage(chatId, html) {
      const message = await telegram.callApi(
        'sendMessage',
        { chat_id: chatId, text: html, parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
        // telegraf types the signal with the abort-controller polyfill; node-fetch accepts the native one.
        { signal: AbortSignal.timeout(timeoutMs) as unknown as CallOptions['signal'] },
      );
      return { message_id: message.message_id };
    },
  };
}
