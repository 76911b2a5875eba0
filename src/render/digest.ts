import type { Alert, Digest } from '../core/digest.ts';
import { escapeHtml, MAX_MESSAGE_CHARS } from './html.ts';
import { personLabel, truncate } from './text.ts';

const NUMBER_CONTEXT_CHARS = 80;
const HEADLINE_CHARS = 200;

/**
 * A digest as one Telegram HTML message (≤ 4,096 characters, valid HTML).
 * When too long, sentences are dropped from the end, then the last one is cut; the header and footer always stay.
 */
export function renderDigestHtml(digest: Digest, maxChars = MAX_MESSAGE_CHARS): string {
  if (digest.nothingNew) return nothingNewLine(digest, true);
  const head: string[] = [];
  head.push(`<b>📰 每日摘要 · ${escapeHtml(digest.date)}</b>`);
  if (digest.headline) head.push(`<b>${escapeHtml(truncate(digest.headline, HEADLINE_CHARS))}</b>`);
  if (digest.speaker) head.push(`<i>${escapeHtml(truncate(personLabel(digest.speaker), HEADLINE_CHARS))}</i>`);
  // A continuation section has neither headline nor speaker: say what it is about and who it names.
  if (!digest.headline && digest.topics.length > 0) head.push(`<b>${escapeHtml(truncate(digest.topics.slice(0, 3).join(' · '), 60))}</b>`);
  if (!digest.speaker && digest.people.length > 0) head.push(`<i>提到：${escapeHtml(truncate(digest.people.map(personLabel).join('、'), HEADLINE_CHARS))}</i>`);

  const tail: string[] = [];
  if (digest.figures.length > 0) tail.push(`<b>文中数字</b>：${digest.figures.map((f) => escapeHtml(truncate(f, 40))).join(' · ')}`);
  if (digest.number) tail.push(`<b>今日数字</b>：<b>${escapeHtml(truncate(digest.number.text, 40))}</b> — ${escapeHtml(truncate(digest.number.context, NUMBER_CONTEXT_CHARS))}`);
  const from = digest.article ? `摘自《${escapeHtml(truncate(digest.article.title, 60))}》${digest.article.date ? `（${digest.article.date}）` : ''}` : '';
  const where = digest.filter ? `筛选：${escapeHtml(truncate(digest.filter.label, 40))}` : '';
  const more = digest.unread > 0 ? `还有 ${digest.unread} 段新内容` : '新内容已看完';
  tail.push(`<i>${[from, where, more].filter(Boolean).join(' · ')}</i>`);
  tail.push(digest.commands.map((c) => `${escapeHtml(c.command)} ${escapeHtml(c.label)}`).join(' · '));

  const sentences = [...digest.sentences];
  const build = (body: string[]): string => [head.join('\n'), body.map((s) => `• ${escapeHtml(s)}`).join('\n'), tail.join('\n')].filter((p) => p.length > 0).join('\n\n');
  let html = build(sentences);
  while (html.length > maxChars && sentences.length > 1) {
    sentences.pop();
    html = build(sentences);
  }
  if (html.length > maxChars && sentences.length === 1) {
    // Escaping can grow text up to 6×, so cut the plain sentence until the escaped message fits.
    let room = sentences[0]!.length;
    while (html.length > maxChars && room > 0) {
      room = Math.floor(room * 0.8);
      html = build([truncate(digest.sentences[0]!, room)]);
    }
    if (html.length > maxChars) html = build([]);
  }
  return html;
}

/** The one line sent on a day that brings nothing the chat has not had: short, and never an old section again. */
function nothingNewLine(digest: Digest, html: boolean): string {
  const esc = html ? escapeHtml : (s: string) => s;
  const where = digest.filter ? `“${esc(truncate(digest.filter.label, 40))}”方面` : '';
  return `📰 ${esc(digest.date)}：${where}没有新内容，有新报道时摘要会带来。`;
}

/** Plain-text version for `npm run broadcast -- --dry-run` and logs. */
export function renderDigestPlain(digest: Digest): string {
  if (digest.nothingNew) return nothingNewLine(digest, false);
  const lines: string[] = [`每日摘要 · ${digest.date} · ${digest.sectionId}`];
  if (digest.headline) lines.push(digest.headline);
  if (digest.speaker) lines.push(personLabel(digest.speaker));
  if (!digest.headline && digest.topics.length > 0) lines.push(digest.topics.join(' · '));
  if (!digest.speaker && digest.people.length > 0) lines.push(`提到：${digest.people.map(personLabel).join('、')}`);
  for (const s of digest.sentences) lines.push(`• ${s}`);
  if (digest.figures.length > 0) lines.push(`文中数字：${digest.figures.join(' · ')}`);
  if (digest.number) lines.push(`今日数字：${digest.number.text} — ${truncate(digest.number.context, NUMBER_CONTEXT_CHARS)}`);
  return lines.join('\n');
}

/** An alert as one short Telegram HTML message: the new article and its matching sections' headlines. */
export function renderAlertHtml(alert: Alert): string {
  const lines: string[] = [`<b>🔔 新报道：${escapeHtml(truncate(alert.title, HEADLINE_CHARS))}</b>${alert.date ? `（${escapeHtml(alert.date)}）` : ''}`];
  for (const s of alert.sections) {
    const what = s.headline ?? (s.topics.slice(0, 3).join(' · ') || '一段报道');
    lines.push(`• ${escapeHtml(truncate(what, 120))}${s.speaker ? `（${escapeHtml(truncate(s.speaker, 40))}）` : ''}`);
  }
  if (alert.more > 0) lines.push(`…另有 ${alert.more} 段`);
  const why = alert.filter ? `符合你的筛选：${escapeHtml(truncate(alert.filter.label, 60))} · ` : '';
  lines.push(`<i>${why}即时提醒</i>`, '/latest 最新文章 · /subscription 订阅设置');
  return lines.join('\n');
}
