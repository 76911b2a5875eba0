/** The telegraf instance and the middleware every update passes: error boundary with one log line, gate, flood control (messages, buttons and inline queries), then the features. */
import { Telegraf, type Context, type Middleware, type MiddlewareFn } from 'telegraf';
import type { Logger } from '../logger.ts';
import { BOT_TEXT } from '../render/replies.ts';
import { addressed, setAdmit, updateLog } from './context.ts';
import { FloodGuard, type FloodCounter } from './flood.ts';
import { gate } from './gate.ts';
import { StoreUnavailableError } from '../store/outage.ts';
import { isUnreachable } from './send.ts';
import { wellFormed } from './update-shape.ts';

export interface BotOptions {
  token: string;
  /** Self-hosted Bot API server or emulator; Telegram's when null. */
  apiRoot: string | null;
  logger: Logger;
  /** One middleware (usually a Composer) per feature, in the order they get a chance to answer. */
  features: ReadonlyArray<Middleware<Context>>;
  /** Per-user limit on commands and messages the bot answers (default 6 in 10 s). */
  flood?: FloodCounter;
  /** Per-user limit on button taps, counted apart from commands so paging does not use up their budget (default 6 in 10 s). */
  buttonFlood?: FloodCounter;
  /** Per-user limit on inline queries, which come as the user types (default 12 in 10 s). */
  inlineFlood?: FloodCounter;
  /** Milliseconds a handler may take before telegraf gives up on it (default 30 s). */
  handlerTimeoutMs?: number;
  /** Told about every update once it is handled (metrics, usage counts for /stats); must not throw. */
  onUpdate?: (u: HandledUpdate) => void;
}

/** One handled update as metrics and /stats see it. */
export interface HandledUpdate {
  type: string;
  command: string | null;
  chat: { id: number; type: string } | null;
  ms: number;
  ignored: boolean;
  failed: boolean;
}

/** Telegram's name for the update's kind: `message`, `callback_query`… */
function updateType(ctx: Context): string {
  return Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown';
}

/** Catches anything a handler throws: logs it with the update id, tells the user `出错了，请稍后再试`, keeps the bot running. Also writes the per-update log line. */
export function errorBoundary(logger: Logger, onUpdate?: (u: HandledUpdate) => void): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const started = performance.now();
    let failed = false;
    try {
      await next();
    } catch (err) {
      failed = true;
      const unreachable = isUnreachable(err);
      const storeDown = err instanceof StoreUnavailableError;
      logger[unreachable || storeDown ? 'warn' : 'error']({ update_id: ctx.update.update_id, err }, unreachable ? 'chat unreachable' : storeDown ? 'database unavailable; the user was told' : 'handler failed');
      if (!unreachable) await tellUserSomethingWentWrong(ctx, logger, storeDown ? BOT_TEXT.storeDown : BOT_TEXT.error);
    } finally {
      const log = updateLog(ctx);
      const ms = performance.now() - started;
      // Chatter the bot ignores would flood the log of a busy group: keep it for debugging.
      logger[log.ignored && !failed ? 'debug' : 'info'](
        {
          update_id: ctx.update.update_id,
          type: updateType(ctx),
          chat_type: ctx.chat?.type,
          ...log,
          failed: failed || undefined,
          ms: Math.round(ms),
        },
        'update',
      );
      try {
        onUpdate?.({ type: updateType(ctx), command: log.command ?? null, chat: ctx.chat ? { id: ctx.chat.id, type: ctx.chat.type } : null, ms, ignored: log.ignored !== undefined, failed });
      } catch (err) {
        logger.warn({ update_id: ctx.update.update_id, err }, 'update hook failed');
      }
    }
  };
}

/**
 * Only a person who asked gets told: a button's tapper (a toast only they see) or the sender of a message the gate
 * found meant for the bot, in that chat. Member changes, chat migrations and chatter get nothing posted.
 */
async function tellUserSomethingWentWrong(ctx: Context, logger: Logger, text: string): Promise<void> {
  try {
    if (ctx.callbackQuery) await ctx.answerCbQuery(text);
    else if (ctx.chat && ctx.message && addressed(ctx)) {
      const inGroup = ctx.chat.type !== 'private';
      await ctx.reply(text, ctx.message && inGroup ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {});
    }
  } catch (err) {
    logger.warn({ update_id: ctx.update.update_id, err }, 'could not send the error reply');
  }
}

/**
 * Per-user flood control for messages the bot answers: one notice past the limit, then silence.
 * Messages the gate let through only tentatively (`onlyIfFound`) are counted when a feature decides to answer them (`admit`).
 */
export function floodControl(guard: FloodCounter): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const input = addressed(ctx);
    const user = ctx.from?.id;
    if (!input || user === undefined) return next();
    const check = async (): Promise<boolean> => {
      const verdict = await guard.hit(user);
      if (verdict === 'allow') return true;
      updateLog(ctx).ignored = 'flood';
      if (verdict === 'warn') {
        const inGroup = ctx.chat?.type !== 'private';
        await ctx.reply(BOT_TEXT.flood, ctx.message && inGroup ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {});
      }
      return false;
    };
    if (input.onlyIfFound) {
      setAdmit(ctx, check);
      return next();
    }
    if (await check()) return next();
  };
}

/** Per-user flood control for button taps: past the limit each tap is still answered, with a toast, and does nothing else. */
export function buttonFloodControl(guard: FloodCounter): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const user = ctx.from?.id;
    if (!ctx.callbackQuery || user === undefined) return next();
    if ((await guard.hit(user)) === 'allow') return next();
    updateLog(ctx).ignored = 'flood';
    // A toast is seen only by the user who tapped, so unlike a message it never spams a group.
    await ctx.answerCbQuery(BOT_TEXT.buttonFlood);
  };
}

/**
 * Per-user flood control for inline queries: past the limit the first query gets an empty, uncached answer whose
 * button says to slow down; later ones get no answer at all (no engine work, no request) until the window frees up.
 */
export function inlineFloodControl(guard: FloodCounter, logger: Logger): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const query = ctx.inlineQuery;
    if (!query) return next();
    const verdict = await guard.hit(query.from.id);
    if (verdict === 'allow') return next();
    updateLog(ctx).ignored = 'flood';
    if (verdict === 'drop') return;
    try {
      // Personal and never cached: otherwise Telegram would show the notice to the next user typing the same text.
      await ctx.telegram.callApi('answerInlineQuery', {
        inline_query_id: query.id,
        results: [],
        cache_time: 0,
        is_personal: true,
        button: { text: BOT_TEXT.inlineFlood, start_parameter: 'flood' },
      });
    } catch (err) {
      logger.warn({ update_id: ctx.update.update_id, err }, 'could not send the inline flood notice');
    }
  };
}

/** Build the bot with its middleware chain; does not start it. */
export function createBot(options: BotOptions): Telegraf<Context> {
  const bot = new Telegraf<Context>(options.token, {
    // Replies go out as their own requests, so failures are visible and retried.
    telegram: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), webhookReply: false },
    handlerTimeout: options.handlerTimeoutMs ?? 30_000,
  });
  const flood = options.flood ?? new FloodGuard();
  const buttonFlood = options.buttonFlood ?? new FloodGuard();
  const inlineFlood = options.inlineFlood ?? new FloodGuard({ limit: 12 });
  // Keeps the flood tables small on a long-running bot.
  const sweeper = setInterval(() => { flood.sweep?.(); buttonFlood.sweep?.(); inlineFlood.sweep?.(); }, 60_000);
  sweeper.unref();

  bot.use(errorBoundary(options.logger, options.onUpdate));
  bot.use(wellFormed(options.logger));
  bot.use(gate());
  bot.use(floodControl(flood));
  bot.use(buttonFloodControl(buttonFlood));
  bot.use(inlineFloodControl(inlineFlood, options.logger));
  for (const feature of options.features) bot.use(feature);
  // Every callback query gets an answer, even one no feature knows (old buttons, forged data).
  bot.on('callback_query', async (ctx) => {
    updateLog(ctx).ignored = 'unknown button';
    await ctx.answerCbQuery(BOT_TEXT.deadButton);
  });
  // Last resort (errors thrown outside the boundary, e.g. by telegraf itself): log, never crash the polling loop.
  bot.catch((err, ctx) => {
    options.logger.error({ update_id: ctx.update.update_id, err }, 'unhandled error');
  });
  return bot;
}
