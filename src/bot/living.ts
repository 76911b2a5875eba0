/**
 * The living report in the bot: /latest for everyone; for BOT_ADMINS in a private chat, `/add` + pasted text or a
 * .txt document takes in an article (through the same Library as file watching and `npm run add`), with an undo button.
 */
import { randomBytes } from 'node:crypto';
import { Composer, type Context } from 'telegraf';
import { z } from 'zod';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { parseCommandLine } from '../core/command.ts';
import { localDateTime } from '../core/digest.ts';
import { ACCEPTED_TYPES } from '../ingest/formats.ts';
import { ArticleRefused, MAX_ARTICLE_BYTES, type Library } from '../live/library.ts';
import { ArticleProvenanceSchema, deleteArticle, saveArticle } from '../live/folders.ts';
import { DateChoiceSchema } from '../ingest/dates.ts';
import { arrivalLines, prepareArticle, type Prepared } from '../live/incoming.ts';
import type { Logger } from '../logger.ts';
import { MemorySubscriptionStore } from '../store/memory.ts';
import type { SubscriptionStore } from '../store/types.ts';
import { escapeHtml } from '../render/html.ts';
import { addedHtml, latestHtml, previewHtml, replacedLine } from '../render/living.ts';
import { addressed, updateLog } from './context.ts';

export interface LivingBotDeps {
  library: Library;
  /** BOT_ADMINS: who may add. */
  admins: readonly number[];
  /** Where added articles are kept (`$DATA_DIR`). */
  dataDir: string;
  timezone: string;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  /** Fetch a document's bytes (default: getFileLink, then fetch). */
  download?: (ctx: Context, fileId: string) => Promise<Uint8Array>;
  /**
   * Where undo buttons are remembered (the store's answer pages), so a tap works on any instance and after a
   * restart; default: in this process only.
   */
  undoStore?: Pick<SubscriptionStore, 'putPages' | 'getPages'>;
  /** ADD_NEEDS_PREVIEW: show what was understood with 发布 / 取消 before anything is published (default true). */
  needsPreview?: boolean;
  /** Take an article out everywhere (the shared list, src/live/mirror.ts); default: from this library only. */
  withdraw?: (articleId: string, source: string) => Promise<boolean>;
}

/** How long an undo button works. */
const UNDO_TTL_MS = 48 * 3600_000;

export const LIVING_TEXT = Object.freeze({
  notAdmin: '只有本机器人的管理员（BOT_ADMINS）可以添加文章。',
  privateOnly: '请在与我的私聊中添加文章。',
  addUsage: `用法：在私聊中发送 /add 并在后面粘贴整篇文章，或直接发送文件：${ACCEPTED_TYPES}。`,
  notAccepted: `只收 ${ACCEPTED_TYPES}；PDF、Word 和图片请先另存为文本或网页。`,
  undone: '已撤销，这篇文章不再参与查询。',
  cancelled: '已取消，这篇文章没有收录。',
  previewGone: '这个预览已经发布、取消或过期（预览保留 24 小时），请重新发送文章。',
  undoGone: '这篇文章已经撤销过了，或按钮已过期。',
});

const UNDO = /^undo:([0-9a-z]{1,16})$/u;
const PREVIEW = /^(pub|drop):([0-9a-z]{1,16})$/u;
/** How long a preview's 发布 button works: a preview left alone expires (nothing was added). */
export const PREVIEW_TTL_MS = 24 * 3600_000;

/** A preview waiting for 发布, kept in the store so any instance can publish it. */
const KeptPreviewSchema = z.object({
  incoming: z.object({ source: z.string(), text: z.string(), dateChoice: DateChoiceSchema }),
  provenance: ArticleProvenanceSchema,
  notes: z.array(z.string()),
});
type KeptPreview = z.infer<typeof KeptPreviewSchema>;

/** The kept preview, or null when it expired, was used, or is not one. */
function parseKept(pages: string[] | null): KeptPreview | null {
  if (!pages || pages.length !== 1) return null;
  try {
    const parsed = KeptPreviewSchema.safeParse(JSON.parse(pages[0]!));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
/** File names taken as articles; anything else is refused before it is downloaded. */
const ACCEPTED_NAME = /\.(txt|text|html?|md|markdown)$/iu;

/** The default download: Telegram's file link, fetched with a size cap. */
async function telegramDownload(ctx: Context, fileId: string): Promise<Uint8Array> {
  const link = await ctx.telegram.getFileLink(fileId);
  const res = await fetch(link);
  if (!res.ok) throw new Error(`download failed: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The feature as a Composer; mount it before the search composer (it answers /latest and /add). */
export function livingComposer(deps: LivingBotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const download = deps.download ?? telegramDownload;
  // Undo buttons name an article by a random key (callback data is at most 64 bytes; a counter would repeat across
  // instances); the key is kept with the answer pages.
  const undoStore = deps.undoStore ?? new MemorySubscriptionStore();
  const withdraw = deps.withdraw ?? (async (articleId: string) => deps.library.remove(articleId));
  const needsPreview = deps.needsPreview ?? true;

  /** Refuse and log anyone who is not an admin, or not in a private chat; true when the add may go on. */
  async function mayAdd(ctx: Context): Promise<boolean> {
    const user = ctx.from?.id;
    if (user === undefined || !deps.admins.includes(user)) {
      deps.logger.warn({ update_id: ctx.update.update_id, user, chat: ctx.chat?.id }, 'someone who is not in BOT_ADMINS tried to add an article; refused');
      updateLog(ctx).ignored = 'add: not an admin';
      await ctx.reply(LIVING_TEXT.notAdmin);
      return false;
    }
    if (ctx.chat?.type !== 'private') {
      await ctx.reply(LIVING_TEXT.privateOnly);
      return false;
    }
    return true;
  }

  /** Publish a prepared article: into service, kept under $DATA_DIR/articles, answered with what was understood and an undo button. */
  async function publish(ctx: Context, prepared: Pick<Prepared, 'incoming' | 'provenance'>, notes: readonly string[]): Promise<void> {
    const name = prepared.incoming.source;
    const added = deps.library.add(prepared.incoming, deps.now());
    saveArticle(deps.dataDir, name, added.text, prepared.provenance);
    const key = randomBytes(8).toString('hex');
    await undoStore.putPages(`undo:${key}`, [added.article.id, name, added.article.addedAt ?? ''], deps.now() + UNDO_TTL_MS, deps.now());
    deps.logger.info({ update_id: ctx.update.update_id, user: ctx.from?.id, article: added.article.id, sections: added.sections.length, swap_ms: Math.round(added.swapMs), replaced: added.replaced?.source }, 'article added through the bot');
    const keyboard: InlineKeyboardMarkup = { inline_keyboard: [[{ text: '撤销收录', callback_data: `undo:${key}` }]] };
    await ctx.reply(addedHtml(added.article, added.sections, added.warnings, [...notes, ...replacedLine(added.replaced)]), { parse_mode: 'HTML', reply_markup: keyboard });
  }

  /**
   * An admin's article: read and checked at once; with previews on (ADD_NEEDS_PREVIEW), built off to the side and
   * shown with 发布 / 取消 buttons (nothing searchable, no alert until 发布), otherwise published straight away.
   */
  async function take(ctx: Context, input: { bytes: Uint8Array } | { text: string }, givenName: string | undefined): Promise<void> {
    const log = updateLog(ctx);
    log.command = 'add';
    try {
      const prepared = prepareArticle(input, givenName, localDateTime(deps.now(), deps.timezone).date);
      const notes = arrivalLines(prepared);
      if (!needsPreview) {
        await publish(ctx, prepared, notes);
        return;
      }
      const staged = deps.library.stage(prepared.incoming, deps.now());
      const key = randomBytes(8).toString('hex');
      const kept: KeptPreview = { incoming: prepared.incoming, provenance: prepared.provenance, notes };
      await undoStore.putPages(`preview:${key}`, [JSON.stringify(kept)], deps.now() + PREVIEW_TTL_MS, deps.now());
      deps.logger.info({ update_id: ctx.update.update_id, user: ctx.from?.id, file: staged.source, sections: staged.sections.length, warnings: staged.warnings.length }, 'article previewed; waiting for 发布');
      const keyboard: InlineKeyboardMarkup = { inline_keyboard: [[{ text: '发布', callback_data: `pub:${key}` }, { text: '取消', callback_data: `drop:${key}` }]] };
      await ctx.reply(previewHtml(staged, notes), { parse_mode: 'HTML', reply_markup: keyboard });
    } catch (err) {
      if (!(err instanceof ArticleRefused)) throw err;
      deps.logger.info({ update_id: ctx.update.update_id, user: ctx.from?.id, reason: err.reason }, 'article refused');
      await ctx.reply(`没有收录：${escapeHtml(err.reason)}。正在使用的报道没有变化。`, { parse_mode: 'HTML' });
    }
  }

  composer.on('message', async (ctx, next) => {
    const message = ctx.message;
    if ('document' in message) {
      // Only in a private chat does a document reach us (the gate drops groups' non-text messages).
      if (!(await mayAdd(ctx))) return;
      const doc = message.document;
      const name = doc.file_name ?? '';
      if (!ACCEPTED_NAME.test(name) && !/^text\/(plain|html|markdown)$/u.test(doc.mime_type ?? '')) {
        await ctx.reply(`没有收录：${LIVING_TEXT.notAccepted}`);
        return;
      }
      if ((doc.file_size ?? 0) > MAX_ARTICLE_BYTES) {
        await ctx.reply(`没有收录：文件太大（${Math.round((doc.file_size ?? 0) / 1024)} KB，上限 ${MAX_ARTICLE_BYTES / 1024} KB）。正在使用的报道没有变化。`);
        return;
      }
      await take(ctx, { bytes: await download(ctx, doc.file_id) }, doc.file_name);
      return;
    }
    const input = addressed(ctx);
    if (!input || !('text' in message)) return next();
    const line = parseCommandLine(input.text);
    if (line.command === 'latest' && /^\s*[/／]/u.test(input.text)) {
      updateLog(ctx).command = 'latest';
      const snap = deps.library.current();
      await ctx.reply(latestHtml(snap.report, snap.lastAddedAt, deps.timezone), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
      return;
    }
    if (line.command === 'add' && /^\s*[/／]/u.test(input.text)) {
      if (!(await mayAdd(ctx))) return;
      // The pasted text as sent, line breaks and all (parseCommandLine would fold them).
      const body = message.text.replace(/^\s*[/／]add(@[A-Za-z0-9_]+)?/iu, '');
      if (body.trim() === '') {
        await ctx.reply(LIVING_TEXT.addUsage);
        return;
      }
      await take(ctx, { text: body.replace(/^[ \t]*\n/u, '') }, undefined);
      return;
    }
    return next();
  });

  composer.on('callback_query', async (ctx, next) => {
    const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    const choice = data ? PREVIEW.exec(data) : null;
    if (choice) {
      const publishing = choice[1] === 'pub';
      updateLog(ctx).command = publishing ? 'publish' : 'cancel';
      if (!deps.admins.includes(ctx.from.id)) {
        deps.logger.warn({ update_id: ctx.update.update_id, user: ctx.from.id }, 'someone who is not in BOT_ADMINS tapped a preview button; refused');
        await ctx.answerCbQuery(LIVING_TEXT.notAdmin);
        return;
      }
      const key = `preview:${choice[2]}`;
      const kept = parseKept(await undoStore.getPages(key, deps.now()));
      if (!kept) {
        await ctx.answerCbQuery(LIVING_TEXT.previewGone);
        return;
      }
      // Used once, on whichever instance the tap reaches.
      await undoStore.putPages(key, [], deps.now(), deps.now());
      if (!publishing) {
        deps.logger.info({ update_id: ctx.update.update_id, user: ctx.from.id, file: kept.incoming.source }, 'preview cancelled; nothing added');
        await ctx.answerCbQuery(LIVING_TEXT.cancelled);
        await ctx.reply(LIVING_TEXT.cancelled);
        return;
      }
      await ctx.answerCbQuery();
      try {
        await publish(ctx, kept, kept.notes);
      } catch (err) {
        // The report changed since the preview (the same article came in another way, say).
        if (!(err instanceof ArticleRefused)) throw err;
        await ctx.reply(`没有收录：${escapeHtml(err.reason)}。正在使用的报道没有变化。`, { parse_mode: 'HTML' });
      }
      return;
    }
    const m = data ? UNDO.exec(data) : null;
    if (!m) return next();
    updateLog(ctx).command = 'undo';
    if (!deps.admins.includes(ctx.from.id)) {
      deps.logger.warn({ update_id: ctx.update.update_id, user: ctx.from.id }, 'someone who is not in BOT_ADMINS tapped undo; refused');
      await ctx.answerCbQuery(LIVING_TEXT.notAdmin);
      return;
    }
    const key = `undo:${m[1]}`;
    const kept = await undoStore.getPages(key, deps.now());
    const entry = kept && kept.length === 3 ? { articleId: kept[0]!, source: kept[1]!, addedAt: kept[2]! } : null;
    // The button undoes the addition it came with: not the same text added again later (a new button for that).
    const current = entry ? deps.library.current().report.articles.find((a) => a.id === entry.articleId) : undefined;
    const later = current !== undefined && (current.addedAt ?? '') !== entry?.addedAt;
    if (!entry || later || !(await withdraw(entry.articleId, entry.source))) {
      await ctx.answerCbQuery(LIVING_TEXT.undoGone);
      return;
    }
    // Used once: a second tap (here or on another instance) finds nothing.
    await undoStore.putPages(key, [], deps.now(), deps.now());
    deleteArticle(deps.dataDir, entry.source);
    deps.logger.info({ update_id: ctx.update.update_id, user: ctx.from.id, article: entry.articleId }, 'added article undone');
    await ctx.answerCbQuery(LIVING_TEXT.undone);
    await ctx.reply(LIVING_TEXT.undone);
  });

  return composer;
}
