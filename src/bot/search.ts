/** The search feature: /start (with deep links), /help, /about, the five search commands, plain-text search, page and 转发 buttons. */
import { Composer, TelegramError, type Context } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Answer } from '../core/answer.ts';
import type { Engine } from '../core/engine.ts';
import type { Report } from '../core/report.ts';
import { answerKeyboard, NOOP_CALLBACK, PageCallbackSchema } from '../render/html.ts';
import { inlineQueryFor } from '../render/inline.ts';
import { validateTelegramHtml } from '../render/telegram-html.ts';
import { BOT_TEXT, htmlToPlain } from '../render/replies.ts';
import type { Logger } from '../logger.ts';
import { COMMANDS, type CommandSpec } from './commands.ts';
import { addressed, admit, updateLog } from './context.ts';
import { dispatch, replyPages } from './dispatch.ts';
import type { Pages } from './pages.ts';
import { withRetry, type RetryOptions } from './send.ts';

export interface SearchDeps {
  engine: Engine;
  report: Report;
  /** Where long answers' pages wait for the buttons (the store in the bot, so any instance can turn them). */
  pages: Pages;
  logger: Logger;
  commands?: readonly CommandSpec[];
  retry?: Partial<RetryOptions>;
}

/** Send options shared by replies: HTML, no link previews, and in groups a reply to the asking message that survives its deletion. */
function replyExtra(ctx: Context, keyboard: InlineKeyboardMarkup | undefined) {
  const message = ctx.message;
  const inGroup = ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
  return {
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
    ...(inGroup && message ? { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } } : {}),
    ...(keyboard ? { reply_markup: keyboard } : {}),
  };
}

/** A page that fails the HTML check is sent as plain text rather than risk a 400 from Telegram. */
function safePage(html: string, logger: Logger, updateId: number): { text: string; html: boolean } {
  const problems = validateTelegramHtml(html);
  if (problems.length === 0) return { text: html, html: true };
  logger.warn({ update_id: updateId, problems: problems.slice(0, 5) }, 'rendered page is not valid Telegram HTML; sending plain text');
  // Telegram refuses a blank message: whitespace alone is no text either.
  const plain = htmlToPlain(html).slice(0, 4096);
  return { text: plain.trim() ? plain : '…', html: false };
}

/** The answer has results that match the query itself, not just a looser fallback. */
function foundExactly(answer: Answer): boolean {
  return answer.status === 'ok' && answer.results.length > 0 && !answer.approximate;
}

function isNotModified(err: unknown): boolean {
  return err instanceof TelegramError && /message is not modified/i.test(err.description ?? '');
}

/** The search feature as a Composer; mount it after the gate and flood control. */
export function searchComposer(deps: SearchDeps): Composer<Context> {
  const commands = deps.commands ?? COMMANDS;
  const composer = new Composer<Context>();

  composer.on('message', async (ctx, next) => {
    const input = addressed(ctx);
    if (!input) return next();
    const reply = dispatch(input.text, deps.engine, commands);
    const log = updateLog(ctx);
    if (reply.kind === 'elsewhere') return next();
    if (reply.kind === 'unknown' && !input.explicit) {
      // `/foo` in a group may be for another bot.
      log.ignored = 'unknown command in group';
      return;
    }
    if (input.onlyIfFound && !(reply.kind === 'answer' && foundExactly(reply.answer))) {
      // A group member replying `好的` to the bot is talking to people; a "closest results" answer would be noise.
      log.ignored = 'reply to the bot without exact hits';
      return;
    }
    if (!(await admit(ctx))) return;
    log.command = reply.kind === 'answer' ? reply.answer.command : reply.kind;
    const pages = replyPages(reply, deps.report, commands);
    if (reply.kind === 'answer') log.results = reply.answer.results.length;
    log.pages = pages.length;
    const first = safePage(pages[0] ?? '…', deps.logger, ctx.update.update_id);
    // In a private chat an answer with results can be shared: 转发 posts it into another chat through inline mode.
    const share = ctx.chat.type === 'private' && reply.kind === 'answer' && reply.answer.results.length > 0 ? inlineQueryFor(reply.answer.command, reply.answer.query) : undefined;
    const keyboard = answerKeyboard(pages.length > 1 ? await deps.pages.put(pages, share) : '', 0, pages.length, share);
    const extra = replyExtra(ctx, keyboard);
    await withRetry(
      () => ctx.reply(first.text, first.html ? extra : { ...extra, parse_mode: undefined }),
      deps.retry,
      (err, delayMs, attempt) => deps.logger.warn({ update_id: ctx.update.update_id, err, delayMs, attempt }, 'reply failed; retrying'),
    );
  });

  composer.on('callback_query', async (ctx, next) => {
    const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    if (data === undefined) return next();
    const log = updateLog(ctx);
    if (data === NOOP_CALLBACK) {
      log.command = 'page';
      await ctx.answerCbQuery();
      return;
    }
    if (!data.startsWith('pg:')) return next();
    log.command = 'page';
    const parsed = PageCallbackSchema.safeParse(data);
    if (!parsed.success) {
      await ctx.answerCbQuery(BOT_TEXT.invalidButton);
      return;
    }
    const entry = await deps.pages.entry(parsed.data.key);
    const pages = entry?.pages;
    const page = pages?.[parsed.data.page];
    if (!pages || page === undefined) {
      await ctx.answerCbQuery(BOT_TEXT.expired);
      return;
    }
    const safe = safePage(page, deps.logger, ctx.update.update_id);
    try {
      await withRetry(
        () => ctx.editMessageText(safe.text, {
          ...(safe.html ? { parse_mode: 'HTML' as const } : {}),
          link_preview_options: { is_disabled: true },
          reply_markup: answerKeyboard(parsed.data.key, parsed.data.page, pages.length, entry.share),
        }),
        deps.retry,
      );
    } catch (err) {
      // A double tap asks for the page already shown.
      if (!isNotModified(err)) throw err;
    }
    log.pages = parsed.data.page + 1;
    await ctx.answerCbQuery();
  });

  return composer;
}
