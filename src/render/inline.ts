/**
 * Answers as inline query results (`@ThisBot 潼南` in any chat): one article result per answer result, each posting
 * that result in the same Telegram HTML as the bot's answers, with a button to search again.
 */
import type { InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent } from 'telegraf/types';
import type { Answer, AnswerResult, SearchCommand } from '../core/answer.ts';
import type { Article, Report } from '../core/report.ts';
import { sentenceRanges } from '../core/sentences.ts';
import { escapeHtml, MAX_MESSAGE_CHARS, renderHtmlPages, renderHtmlResult, searchAgainButton } from './html.ts';
import { htmlToPlain } from './replies.ts';
import { validateTelegramHtml } from './telegram-html.ts';
import { cleanText, segments, truncate } from './text.ts';

/** Results per inline page (Telegram allows 50; 20 load fast and fill a phone screen twice). */
export const INLINE_PAGE_SIZE = 20;
/** Telegram's limit on the text of an inline query (and so on a switch_inline_query button's query). */
export const MAX_INLINE_QUERY_CHARS = 256;
/** Longest title and description shown in the result list; the client cuts them further to fit a line or two. */
const TITLE_CHARS = 100;
const DESCRIPTION_CHARS = 120;

/** What a place answer resolved to: the title then names the place rather than the speaker. */
const PLACE_KINDS: ReadonlySet<string> = new Set(['district', 'township', 'landmark']);

/** The inline query that finds an answer again, e.g. `district 潼南` (a search too says `search …`, so no guess is involved). */
export function inlineQueryFor(command: SearchCommand, query: string): string {
  return truncate(`${command} ${cleanText(query).replace(/\s+/gu, ' ').trim()}`, MAX_INLINE_QUERY_CHARS);
}

/** The first result of a page from Telegram's `offset` (what we sent as next_offset); anything else starts at 0. */
export function parseOffset(offset: string): number {
  return /^\d{1,6}$/.test(offset) ? Number(offset) : 0;
}

/** Hears about rendered HTML that failed the check and was sent as plain text instead. */
export type OnInvalidHtml = (problems: string[]) => void;

/** Message content in Telegram HTML, or plain text when the HTML fails the subset check (never a 400 from Telegram). */
export function messageContent(html: string, onInvalid?: OnInvalidHtml): InputTextMessageContent {
  const problems = validateTelegramHtml(html);
  if (problems.length === 0) return { message_text: html, parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
  onInvalid?.(problems);
  const plain = htmlToPlain(html).slice(0, MAX_MESSAGE_CHARS);
  // Telegram refuses a message that is only whitespace.
  return { message_text: plain.trim() ? plain : '…', link_preview_options: { is_disabled: true } };
}

function keyboard(again: string): InlineKeyboardMarkup {
  return { inline_keyboard: [[searchAgainButton(again)]] };
}

/** `潼南区 · 振兴乡村`: the place asked for or the speaker, then the headline (or what the section is called). */
export function resultTitle(answer: Answer, result: AnswerResult): string {
  const place = answer.resolved && PLACE_KINDS.has(answer.resolved.kind) ? answer.resolved.label : null;
  const who = place ?? result.speaker?.name ?? null;
  const what = result.headline ?? result.title ?? null;
  const parts = [who, what].map((p) => cleanText(p ?? '').replace(/\s+/gu, ' ').trim()).filter((p) => p !== '');
  return truncate(parts.join(' · ') || '报道', TITLE_CHARS);
}

/** The excerpt's sentence holding the most highlighted characters (the first on a tie or with none), as plain text. */
export function bestSentence(result: AnswerResult): string {
  const text = result.excerpt;
  const hits = segments(text, result.highlights);
  let best = '';
  let bestScore = -1;
  for (const [start, end] of sentenceRanges(text)) {
    let score = 0;
    let pos = 0;
    for (const s of hits) {
      const from = Math.max(pos, start);
      const to = Math.min(pos + s.text.length, end);
      if (s.hit && to > from) score += to - from;
      pos += s.text.length;
    }
    if (score > bestScore) {
      best = text.slice(start, end);
      bestScore = score;
    }
  }
  return truncate(cleanText(best || text).replace(/\s+/gu, ' ').trim(), DESCRIPTION_CHARS);
}

/** `摘自《标题》（2022-06-03）`: where a posted excerpt comes from, since it is read away from the bot. */
function sourceLine(article: Article | undefined): string {
  if (!article) return '';
  return `<i>摘自《${escapeHtml(truncate(article.title, 120))}》${article.date ? `（${article.date}）` : ''}</i>`;
}

/** One answer result as a message of its own: the result as the bot renders it (unnumbered), then its source. */
export function resultMessageHtml(answer: Answer, result: AnswerResult, article: Article | undefined): string {
  const source = sourceLine(article);
  const budget = MAX_MESSAGE_CHARS - (source ? source.length + 2 : 0);
  const block = renderHtmlResult(result, 0, answer.command, budget);
  return source ? `${block}\n\n${source}` : block;
}

export interface InlinePage {
  results: InlineQueryResultArticle[];
  /** `''` when this page is the last. */
  nextOffset: string;
}

export interface ResultPageOptions {
  /** Index of the first result on this page (from `parseOffset`). */
  offset: number;
  /** Results per page (default INLINE_PAGE_SIZE). */
  perPage?: number;
  /** The query the 再搜一次 button types (what the user typed). */
  again: string;
  /** The article a section belongs to, for the source line. */
  articleOf?: (sectionId: string) => Article | undefined;
  onInvalid?: OnInvalidHtml;
}

/** One page of an answer's results as article results; an offset past the end gives an empty last page. */
export function resultPage(answer: Answer, options: ResultPageOptions): InlinePage {
  const perPage = options.perPage ?? INLINE_PAGE_SIZE;
  const start = Math.min(options.offset, answer.results.length);
  const end = Math.min(start + perPage, answer.results.length);
  const results = answer.results.slice(start, end).map((result, i): InlineQueryResultArticle => ({
    type: 'article',
    // Unique within the answer and across its pages; 64 bytes at most.
    id: `r${start + i}`,
    title: resultTitle(answer, result),
    description: bestSentence(result),
    input_message_content: messageContent(resultMessageHtml(answer, result, options.articleOf?.(result.sectionId)), options.onInvalid),
    reply_markup: keyboard(options.again),
  }));
  return { results, nextOffset: end < answer.results.length ? String(end) : '' };
}

/**
 * The one result of an answer with nothing to show (no match, a district the report does not cover, a usage hint):
 * it says so in the list, and posts the bot's whole answer with its suggestions.
 */
export function noHitResult(answer: Answer, again: string, onInvalid?: OnInvalidHtml): InlineQueryResultArticle {
  return noticeResult('none', '没有找到结果', answer.message, renderHtmlPages(answer)[0] ?? escapeHtml(answer.message), again, onInvalid);
}

/** A result that is a sentence rather than a search hit (nothing found, an unknown command). */
export function noticeResult(id: string, title: string, description: string, html: string, again: string, onInvalid?: OnInvalidHtml): InlineQueryResultArticle {
  return {
    type: 'article',
    id,
    title: truncate(cleanText(title).replace(/\s+/gu, ' ').trim() || '报道', TITLE_CHARS),
    description: truncate(cleanText(description).replace(/\s+/gu, ' '), DESCRIPTION_CHARS),
    input_message_content: messageContent(html, onInvalid),
    reply_markup: keyboard(again),
  };
}

/** A starting point shown for an empty query: `区县 · 潼南区`, posting the first page of that answer. */
export interface StartingPoint {
  /** `区县`, `主题`… */
  kind: string;
  label: string;
  answer: Answer;
}

/** The results for an empty query: the starting points, then the newest article. */
export function startingResults(points: readonly StartingPoint[], report: Report, onInvalid?: OnInvalidHtml): InlineQueryResultArticle[] {
  const results = points
    .filter((p) => p.answer.results.length > 0)
    .map((p, i) =>
      noticeResult(`s${i}`, `${p.kind} · ${p.label}`, p.answer.message, renderHtmlPages(p.answer)[0] ?? escapeHtml(p.answer.message), inlineQueryFor(p.answer.command, p.answer.query), onInvalid),
    );
  const newest = newestArticle(report);
  if (newest) results.push(articleResult(newest, report, onInvalid));
  return results;
}

/** The article with the latest date (the report's face when none has a date). */
export function newestArticle(report: Report): Article | undefined {
  return [...report.articles].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))[0];
}

/** Headlines listed on an article card before the rest is counted. */
const CARD_HEADLINES = 12;

function articleResult(article: Article, report: Report, onInvalid?: OnInvalidHtml): InlineQueryResultArticle {
  const sections = report.sections.filter((s) => s.articleId === article.id);
  const lines = [`<b>${escapeHtml(truncate(article.title, 200))}</b>`];
  if (article.subtitle) lines.push(escapeHtml(truncate(article.subtitle, 300)));
  const byline = [article.date, article.reporters.length > 0 ? `记者 ${article.reporters.join('、')}` : null].filter(Boolean).join(' · ');
  if (byline) lines.push(`<i>${escapeHtml(truncate(byline, 300))}</i>`);
  const headlines = sections.flatMap((s) => (s.headline ? [`• ${s.speaker ? `${s.speaker.name}：` : ''}${s.headline}`] : []));
  if (headlines.length > 0) {
    lines.push('', ...headlines.slice(0, CARD_HEADLINES).map((h) => escapeHtml(truncate(h, 120))));
    if (headlines.length > CARD_HEADLINES) lines.push(`……共 ${headlines.length} 篇发言`);
  }
  const description = `${article.date ? `${article.date} · ` : ''}${sections.length} 个部分`;
  return noticeResult('newest', `最新报道 · ${article.title}`, description, lines.join('\n'), '', onInvalid);
}
