/**
 * /map: a picture of Chongqing's 38 districts shaded by how many sections name each (`/map 就业`: only the sections a
 * `/subscribe`-style filter keeps), with the five named most in the caption and as buttons that answer
 * `/district <name>`. Each picture is uploaded once: its Telegram file_id is kept in the store under a key made of
 * what it shows (src/core/map.ts `mapKey`), and sent by id afterwards, from any instance. A picture that cannot be
 * drawn or uploaded becomes the caption's text, logged.
 */
import { Composer, type Context } from 'telegraf';
import type { InlineQueryResultCachedPhoto, Message } from 'telegraf/types';
import { parseCommandLine } from '../core/command.ts';
import { MAX_FILTER_WORDS, resolveFilterWords, type DigestFilter, type SingleFilter } from '../core/digest.ts';
import type { Engine } from '../core/engine.ts';
import type { Division } from '../core/gazetteer.ts';
import { mapKey, mapSpecFor, topDistricts, type MapSpec } from '../core/map.ts';
import type { Report } from '../core/report.ts';
import type { Logger } from '../logger.ts';
import { answerKeyboard } from '../render/html.ts';
import { MAP_REPLIES, MapDistrictCallbackSchema, mapCaptionHtml, mapKeyboard } from '../render/map-caption.ts';
import type { SubscriptionStore } from '../store/types.ts';
import { addressed, admit, updateLog } from './context.ts';
import { dispatch, replyPages } from './dispatch.ts';
import type { Pages } from './pages.ts';
import { isUnreachable, withRetry, type RetryOptions } from './send.ts';

export interface MapBotDeps {
  /** The report in service (a getter: the living report swaps it). */
  readonly report: Report;
  /** The engine in service, for the district buttons' answers and the filter words. */
  readonly engine: Engine;
  /** The gazetteer's 38 districts and counties, in its order (names, short names, codes for the buttons). */
  districts: readonly Division[];
  /** Draw a map as PNG (and the characters the font lacked, drawn as □); null when the renderer could not be loaded (every /map is then the text answer). */
  render: ((spec: MapSpec) => { png: Buffer; missing: readonly string[] } | Promise<{ png: Buffer; missing: readonly string[] }>) | null;
  /** The version of the drawing, part of every picture's key (src/render/map-png.ts MAP_RENDER_VERSION). */
  renderVersion: string;
  /** Where file_ids are kept, shared by every instance. */
  files: Pick<SubscriptionStore, 'putFileId' | 'getFileId'>;
  /** Where a district answer's further pages wait for their buttons. */
  pages: Pages;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  retry?: Partial<RetryOptions>;
}

/** What `/map <words>` asks for: a map to send, or a sentence saying why there is none. */
export type MapRequest = { ok: true; spec: MapSpec } | { ok: false; html: string };

/** Read `/map`'s words like `/subscribe`'s filter words and work out the map, or why there is nothing to draw. */
export function mapRequest(query: string, report: Report, resolveFilter: (q: string) => SingleFilter | null, districts: readonly string[]): MapRequest {
  const words = query.split(/\s+/u).filter(Boolean);
  let filter: DigestFilter | null = null;
  if (words.length > 0) {
    const read = resolveFilterWords(words, resolveFilter, report);
    if (!read.ok) {
      if ('unknown' in read) return { ok: false, html: MAP_REPLIES.unknownWord(read.unknown) };
      if ('tooMany' in read) return { ok: false, html: MAP_REPLIES.tooMany(read.tooMany, MAX_FILTER_WORDS) };
      return { ok: false, html: MAP_REPLIES.badWord(read.empty) };
    }
    filter = read.filter;
  }
  const spec = mapSpecFor(report, districts, filter);
  if (topDistricts(spec).length === 0) {
    if (filter === null) return { ok: false, html: MAP_REPLIES.noDistrict };
    return { ok: false, html: spec.sections === 0 ? MAP_REPLIES.noSection(filter.label) : MAP_REPLIES.noDistrictUnder(filter.label, spec.sections) };
  }
  return { ok: true, spec };
}

/** The largest size's file_id of a sent photo. */
function photoFileId(message: Message): string | null {
  return 'photo' in message ? (message.photo.at(-1)?.file_id ?? null) : null;
}

/** A 400 about the file itself: the kept file_id is no good here (another bot's, or gone); upload afresh. */
function isBadFile(err: unknown): boolean {
  const e = err as { code?: unknown; description?: unknown };
  return e.code === 400 && /file|photo|wrong (remote|type)/iu.test(String(e.description ?? ''));
}

/**
 * Send options fit for an upload: telegraf 4.16 sends an upload as multipart and turns only some object fields
 * into JSON (reply_markup, not reply_parameters, which it would drop), so reply_parameters goes as JSON text.
 */
function multipartSafe<T extends object>(extra: T): T {
  if (!('reply_parameters' in extra) || typeof extra.reply_parameters !== 'object') return extra;
  return { ...extra, reply_parameters: JSON.stringify(extra.reply_parameters) } as T;
}

/** The feature as a Composer; mount it before the search composer. */
export function mapComposer(deps: MapBotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const names = deps.districts.map((d) => d.name);
  const byCode = new Map(deps.districts.map((d) => [d.code, d]));
  // Two /map for the same picture at once upload it once: the second waits for the first's file_id.
  const uploading = new Map<string, Promise<string | null>>();

  function groupReply(ctx: Context) {
    const inGroup = ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
    return inGroup && ctx.message ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {};
  }

  async function sendText(ctx: Context, html: string, extra: object = {}): Promise<void> {
    await withRetry(() => ctx.reply(html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...groupReply(ctx), ...extra }), deps.retry);
  }

  /** Upload the PNG and keep its file_id; null when it could not be drawn or sent (the caller sends text). */
  async function upload(ctx: Context, spec: MapSpec, key: string, extra: object): Promise<string | null> {
    let png: Buffer;
    try {
      if (!deps.render) throw new Error('the map renderer is not loaded');
      const drawn = await deps.render(spec);
      png = drawn.png;
      if (drawn.missing.length > 0) deps.logger.warn({ update_id: ctx.update.update_id, key, missing: drawn.missing.join('') }, 'the map font has no glyph for these characters; drawn as □');
    } catch (err) {
      deps.logger.error({ update_id: ctx.update.update_id, err, key }, 'map render failed; sending the text answer');
      return null;
    }
    let sent: Message;
    try {
      sent = await withRetry(() => ctx.replyWithPhoto({ source: png, filename: 'chongqing-map.png' }, multipartSafe(extra)), deps.retry);
    } catch (err) {
      // A chat that is gone has no use for text either; any other refusal of the picture gets the text.
      if (isUnreachable(err)) throw err;
      deps.logger.error({ update_id: ctx.update.update_id, err, key, bytes: png.length }, 'map upload failed; sending the text answer');
      return null;
    }
    const fileId = photoFileId(sent);
    if (fileId) await deps.files.putFileId(key, fileId, deps.now());
    deps.logger.info({ update_id: ctx.update.update_id, key, bytes: png.length }, 'map uploaded');
    return fileId ?? '';
  }

  async function sendMap(ctx: Context, spec: MapSpec): Promise<void> {
    const key = mapKey(spec, deps.renderVersion);
    const caption = mapCaptionHtml(spec);
    const keyboard = mapKeyboard(spec, deps.districts);
    const extra = { caption, parse_mode: 'HTML' as const, ...(keyboard ? { reply_markup: keyboard } : {}), ...groupReply(ctx) };
    const log = updateLog(ctx);
    const waiting = uploading.get(key);
    const kept = waiting ? await waiting : await deps.files.getFileId(key);
    if (kept) {
      try {
        await withRetry(() => ctx.replyWithPhoto(kept, extra), deps.retry);
        log.results = 1;
        return;
      } catch (err) {
        if (!isBadFile(err)) throw err;
        deps.logger.warn({ update_id: ctx.update.update_id, key, err }, 'kept map file_id refused; uploading again');
      }
    }
    const job = upload(ctx, spec, key, extra);
    uploading.set(key, job);
    let fileId: string | null;
    try {
      fileId = await job;
    } finally {
      uploading.delete(key);
    }
    if (fileId === null) {
      log.results = 0;
      await sendText(ctx, mapCaptionHtml(spec), keyboard ? { reply_markup: keyboard } : {});
    }
  }

  composer.on('message', async (ctx, next) => {
    const input = addressed(ctx);
    if (!input || !/^\s*[/／]/u.test(input.text)) return next();
    const line = parseCommandLine(input.text);
    if (line.command !== 'map') return next();
    if (!(await admit(ctx))) return;
    updateLog(ctx).command = 'map';
    const request = mapRequest(line.query, deps.report, (q) => deps.engine.resolveFilter(q), names);
    if (!request.ok) {
      await sendText(ctx, request.html);
      return;
    }
    await sendMap(ctx, request.spec);
  });

  // A district button: the /district answer for it, as a new message (the map stays).
  composer.on('callback_query', async (ctx, next) => {
    const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    if (data === undefined || !data.startsWith('mapd:')) return next();
    updateLog(ctx).command = 'map district';
    const parsed = MapDistrictCallbackSchema.safeParse(data);
    const district = parsed.success ? byCode.get(parsed.data) : undefined;
    if (!district) {
      await ctx.answerCbQuery('这个按钮已失效，请重新发送 /map。');
      return;
    }
    await ctx.answerCbQuery();
    const reply = dispatch(`/district ${district.name}`, deps.engine);
    const pages = replyPages(reply, deps.report);
    const keyboard = answerKeyboard(pages.length > 1 ? await deps.pages.put(pages) : '', 0, pages.length);
    await withRetry(() => ctx.reply(pages[0] ?? '…', { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) }), deps.retry);
  });

  return composer;
}

/**
 * Inline mode's photo result for an empty query: the whole report's map, once some chat has had it sent (an
 * inline photo needs a URL or a file_id Telegram already has, and the bot serves no URLs). Null until then.
 */
export async function inlineMapResult(deps: Pick<MapBotDeps, 'report' | 'districts' | 'renderVersion' | 'files'>): Promise<InlineQueryResultCachedPhoto | null> {
  const spec = mapSpecFor(deps.report, deps.districts.map((d) => d.name), null);
  if (topDistricts(spec).length === 0) return null;
  const key = mapKey(spec, deps.renderVersion);
  const fileId = await deps.files.getFileId(key);
  if (!fileId) return null;
  // No buttons: a tap on a message posted through inline mode comes without a chat to answer in.
  return {
    type: 'photo',
    id: key.slice(0, 64),
    photo_file_id: fileId,
    title: MAP_REPLIES.heading,
    description: spec.title,
    caption: mapCaptionHtml(spec, { hint: false }),
    parse_mode: 'HTML',
  };
}
