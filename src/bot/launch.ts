/** Starting and stopping the bot: command menu, long polling or webhook (with /healthz), graceful stop. */
import type { Context, Telegraf } from 'telegraf';
import type { Logger } from '../logger.ts';
import { botCommandLists, COMMANDS, type CommandSpec } from './commands.ts';
import { startWebhookServer, type MetricsEndpoint } from './webhook.ts';

/** Updates the bot asks for: digest and search need these, inline mode `inline_query`. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member', 'inline_query'] as const;

/** Warn when BotFather's inline mode is off: `@ThisBot 潼南` then does nothing, and only the operator can fix it. */
export function warnIfInlineOff(botInfo: { supports_inline_queries?: boolean } | undefined, logger: Logger): void {
  if (botInfo && botInfo.supports_inline_queries === false) {
    logger.warn('inline mode is off: send BotFather /setinline, choose this bot and a placeholder such as 区县、主题、人物或数字');
  }
}

/** Publish the command menu (default and `zh`); a failure is logged, never fatal: the bot works without a menu. */
export async function registerCommands(bot: Telegraf<Context>, logger: Logger, commands: readonly CommandSpec[] = COMMANDS): Promise<boolean> {
  const lists = botCommandLists(commands);
  try {
    await bot.telegram.setMyCommands(lists.default);
    await bot.telegram.setMyCommands(lists.zh, { language_code: 'zh' });
    return true;
  } catch (err) {
    logger.warn({ err }, 'setMyCommands failed; continuing without a command menu');
    return false;
  }
}

/** A running bot; `stop` stops taking updates, lets those in flight finish, then resolves. */
export interface Running {
  stop(reason: string): Promise<void>;
  /** Resolves with the error if updates stop on their own (e.g. 409: another instance is polling); never otherwise. */
  failed: Promise<unknown>;
  /** The webhook server's port (webhook mode only). */
  port?: number;
}

/** Long polling: resolves once polling has started. */
export async function startPolling(bot: Telegraf<Context>, logger: Logger): Promise<Running> {
  let started!: () => void;
  const ready = new Promise<void>((resolve) => { started = resolve; });
  // launch() resolves only when polling ends, after the last batch of updates has been handled.
  const done = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () => started());
  const failed = new Promise<unknown>((resolve) => {
    done.catch((err: unknown) => {
      logger.fatal({ err }, 'polling stopped with an error');
      resolve(err);
    });
  });
  await Promise.race([ready, done]);
  logger.info({ username: bot.botInfo?.username, mode: 'polling' }, 'bot started');
  warnIfInlineOff(bot.botInfo, logger);
  return {
    failed,
    async stop(reason) {
      try {
        bot.stop(reason);
      } catch {
        // Polling already ended on its own.
      }
      await done.catch(() => undefined);
    },
  };
}

export interface WebhookOptions {
  url: string;
  secret: string;
  path: string;
  port: number;
  host: string;
  /** What else /healthz checks (report, store): a one-word reason when unhealthy, null when fine. */
  health?: () => string | null | Promise<string | null>;
  /** What the bot does without while still answering: /healthz says 200 `degraded: …` (see webhook.ts). */
  degraded?: () => string | null;
  /** Serve `GET /metrics` on the same server. */
  metrics?: MetricsEndpoint;
}

/**
 * Webhook mode: the hardened HTTP server (`webhook.ts`) answering `GET /healthz` and Telegram's POSTs on the
 * URL's path, then `setWebhook`. Throws ListenError when PORT/HOST cannot be used.
 */
export async function startWebhook(bot: Telegraf<Context>, options: WebhookOptions, logger: Logger): Promise<Running> {
  bot.botInfo ??= await bot.telegram.getMe();
  const server = await startWebhookServer({ ...options, logger, handleUpdate: (update, res) => bot.handleUpdate(update, res) });
  try {
    await bot.telegram.setWebhook(options.url, { secret_token: options.secret, allowed_updates: [...ALLOWED_UPDATES] });
  } catch (err) {
    await server.stop();
    throw err;
  }
  server.ready();
  logger.info({ username: bot.botInfo.username, mode: 'webhook', port: server.port }, 'bot started');
  warnIfInlineOff(bot.botInfo, logger);
  return { port: server.port, failed: server.failed, stop: () => server.stop() };
}
