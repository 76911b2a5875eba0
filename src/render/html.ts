import { z } from 'zod';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { Answer, AnswerResult } from '../core/answer.ts';
import { cleanText, figureLines, personLabel, segments, suggestionCommands, truncate } from './text.ts';

/** Telegram's limit on one message's text. */
export const MAX_MESSAGE_CHARS = 4096;
/** Telegram's limit on callback_data, in bytes. */
export const MAX_CALLBACK_BYTES = 64;

const DEFAULTS = Object.freeze({
  /** Results per page: three excerpts fit a phone screen. */
  perPage: 3,
  maxChars: MAX_MESSAGE_CHARS,
  /** Caps on text echoed from the user or the core, before escaping. */
  messageChars: 600,
  suggestionChars: 600,
  figureContextChars: 300,
});

export type HtmlOptions = Partial<typeof DEFAULTS>;

/** Escape text for Telegram HTML (and drop control characters), e.g. `<b>&x` → `&lt;b&gt;&amp;x`. */
export function escapeHtml(text: string): string {
  return cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<code>` with escaped content: tap-to-copy in Telegram, handy for example commands. */
export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

interface Limits {
  excerptChars: number;
  figureCount: number;
}

function renderResult(result: AnswerResult, index: number, command: Answer['command'], limits: Limits, figureContextChars: number): string {
  const lines: string[] = [];
  const who = result.speaker ? personLabel(result.speaker) : (result.title ?? '报道');
  lines.push(`<b>${index > 0 ? `${index}. ` : ''}${escapeHtml(who)}</b>`);
  const headline = result.headline ?? (result.speaker ? result.title : undefined);
  if (headline) lines.push(`<i>${escapeHtml(headline)}</i>`);
  if (result.article) lines.push(`出自 ${escapeHtml(truncate(result.article, 80))}`);
  if (result.excerpt && limits.excerptChars > 0) {
    const cut = truncate(result.excerpt, limits.excerptChars);
    const body = segments(cut, result.highlights)
      .map((s) => (s.hit ? `<b>${escapeHtml(s.text)}</b>` : escapeHtml(s.text)))
      .join('');
    lines.push(`<blockquote>${body}</blockquote>`);
  }
  const figures = result.figures.slice(0, limits.figureCount);
  const more = result.figures.length - figures.length;
  if (command === 'figures') {
    for (const line of figureLines(figures, result.excerpt)) lines.push(`• ${escapeHtml(truncate(line, figureContextChars))}`);
    if (more > 0) lines.push(`（另有 ${more} 个数字）`);
  } else if (figures.length > 0) {
    lines.push(`数字：${figures.map((f) => code(f.text)).join('、')}${more > 0 ? '…' : ''}`);
  }
  return lines.join('\n');
}

/** Render one result within `budget` characters, shortening the excerpt and then the figure list until it fits; `index` 0 leaves it unnumbered (a result posted alone). */
export function renderHtmlResult(result: AnswerResult, index: number, command: Answer['command'], budget: number, options: HtmlOptions = {}): string {
  const { figureContextChars } = { ...DEFAULTS, ...options };
  const limits: Limits = { excerptChars: result.excerpt.length, figureCount: result.figures.length };
  for (;;) {
    const html = renderResult(result, index, command, limits, figureContextChars);
    if (html.length <= budget) return html;
    if (limits.excerptChars > 0) {
      // Shrink in proportion to the overshoot (escaping can grow text up to 6×), at least one step.
      const scaled = Math.floor((limits.excerptChars * budget * 0.95) / html.length);
      limits.excerptChars = Math.max(0, Math.min(limits.excerptChars - 1, scaled));
    } else if (limits.figureCount > 0) {
      limits.figureCount -= 1;
    } else {
      // Only the name and headline are left: cut those as plain text.
      return `${index > 0 ? `<b>${index}.</b> ` : ''}${escapeHtml(truncate(`${result.speaker ? personLabel(result.speaker) : ''} ${result.headline ?? ''}`, Math.max(0, Math.floor((budget - 20) / 6))))}`;
    }
  }
}

function header(answer: Answer, messageChars: number): string {
  return `<b>${escapeHtml(truncate(answer.message, messageChars))}</b>`;
}

function suggestionLine(answer: Answer, suggestionChars: number): string {
  if (answer.suggestions.length === 0) return '';
  let used = 0;
  const shown: string[] = [];
  for (const s of suggestionCommands(answer)) {
    used += s.length + 1;
    if (used > suggestionChars) break;
    shown.push(code(s));
  }
  return shown.length > 0 ? `试试（点击复制）：${shown.join('、')}` : '';
}

/**
 * Render an answer as Telegram HTML pages, each at most `maxChars` (4,096) characters.
 * Every page repeats the answer's message so a page read alone still makes sense.
 */
export function renderHtmlPages(answer: Answer, options: HtmlOptions = {}): string[] {
  const opts = { ...DEFAULTS, ...options };
  const head = header(answer, opts.messageChars);
  const tail = suggestionLine(answer, opts.suggestionChars);
  if (answer.results.length === 0) return [[head, tail].filter(Boolean).join('\n\n')];

  const sep = '\n\n';
  const budget = opts.maxChars - head.length - sep.length;
  const pages: string[][] = [];
  let current: string[] = [];
  let used = 0;
  answer.results.forEach((result, i) => {
    const block = renderHtmlResult(result, i + 1, answer.command, budget, opts);
    const cost = block.length + (current.length > 0 ? sep.length : 0);
    if (current.length > 0 && (current.length >= opts.perPage || used + cost > budget)) {
      pages.push(current);
      current = [];
      used = 0;
    }
    used += block.length + (current.length > 0 ? sep.length : 0);
    current.push(block);
  });
  if (current.length > 0) pages.push(current);

  return pages.map((blocks, i) => {
    const body = [head, ...blocks].join(sep);
    // Suggestions go on the last page when they still fit.
    const withTail = i === pages.length - 1 && tail && body.length + sep.length + tail.length <= opts.maxChars;
    return withTail ? body + sep + tail : body;
  });
}

/** Callback data of a page button: `pg:<key>:<page>`, where key is a short ASCII id of a cached answer. */
export const PageCallbackSchema = z
  .string()
  .max(MAX_CALLBACK_BYTES)
  .regex(/^pg:[A-Za-z0-9_-]{1,32}:\d{1,4}$/)
  .transform((data) => {
    const [, key, page] = data.split(':');
    return { key: key ?? '', page: Number(page) };
  });
export type PageCallback = z.output<typeof PageCallbackSchema>;

/** Build callback data for page `page` (0-based) of cached answer `key`. */
export function pageCallbackData(key: string, page: number): string {
  return `pg:${key}:${page}`;
}

/** Callback data of the inert `2/5` button. */
export const NOOP_CALLBACK = 'noop';

/** The `上一页 · 2/5 · 下一页` keyboard for page `page` (0-based) of `total`; undefined for a single page. */
export function pageKeyboard(key: string, page: number, total: number): InlineKeyboardMarkup | undefined {
  if (total <= 1) return undefined;
  const row: InlineKeyboardButton[] = [];
  if (page > 0) row.push({ text: '« 上一页', callback_data: pageCallbackData(key, page - 1) });
  row.push({ text: `${page + 1}/${total}`, callback_data: NOOP_CALLBACK });
  if (page < total - 1) row.push({ text: '下一页 »', callback_data: pageCallbackData(key, page + 1) });
  return { inline_keyboard: [row] };
}

/** The 转发 button: Telegram asks which chat, then types `@ThisBot <inlineQuery>` there, so the answer can be posted into it. */
export function shareButton(inlineQuery: string): InlineKeyboardButton {
  return { text: '转发', switch_inline_query: inlineQuery };
}

/** The button under a posted inline result: types `@ThisBot <inlineQuery>` in the same chat, to search again. */
export function searchAgainButton(inlineQuery: string): InlineKeyboardButton {
  return { text: '🔍 再搜一次', switch_inline_query_current_chat: inlineQuery };
}

/**
 * The keyboard of an answer in a private chat: the page row when there are several pages, then 转发 when `share`
 * (the inline query that finds the answer again) is given. Undefined when there is neither.
 */
export function answerKeyboard(key: string, page: number, total: number, share?: string): InlineKeyboardMarkup | undefined {
  const rows = [...(pageKeyboard(key, page, total)?.inline_keyboard ?? [])];
  if (share !== undefined) rows.push([shareButton(share)]);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}
