// Replies about the living report: /latest, and what the bot understood of an article an admin added.
import { CHONGQING as CITY } from '../core/divisions.ts';
import type { Article, Report, Section } from '../core/report.ts';
import { code, escapeHtml } from './html.ts';

/** Articles /latest lists. */
export const LATEST_COUNT = 10;

const truncate = (text: string, max: number): string => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

/** Articles newest first: by date, then by when they were added, then by file name. */
export function newestFirst(articles: readonly Article[]): Article[] {
  return [...articles].sort(
    (a, b) => (b.date ?? '').localeCompare(a.date ?? '') || (b.addedAt ?? '').localeCompare(a.addedAt ?? '') || b.source.localeCompare(a.source),
  );
}

/** `2024-05-01T08:30:00.000Z` → `2024-05-01 16:30`, in `timezone`. */
export function localTime(epochMs: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(epochMs);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** /latest: the newest articles with date, headline and how many sections; the time of the last addition. */
export function latestHtml(report: Report, lastAddedAt: number | null, timezone: string): string {
  const articles = newestFirst(report.articles);
  const lines = [`<b>最新报道</b>（共 ${articles.length} 篇，新的在前）`];
  for (const a of articles.slice(0, LATEST_COUNT)) {
    const count = report.sections.filter((s) => s.articleId === a.id).length;
    lines.push(`• ${a.date ? `${a.date} ` : ''}《${escapeHtml(truncate(a.title, 80))}》（${count} 个部分${a.updatedAt ? '，已更新' : ''}）`);
  }
  if (articles.length > LATEST_COUNT) lines.push(`……另有 ${articles.length - LATEST_COUNT} 篇，见 /about`);
  if (lastAddedAt !== null) lines.push('', `最近一次收录：${localTime(lastAddedAt, timezone)}`);
  return lines.join('\n');
}

/** The line /about adds: when the last article was taken in. */
export function lastAddedLine(lastAddedAt: number | null, timezone: string): string {
  return lastAddedAt === null ? '' : `最近一次收录：${localTime(lastAddedAt, timezone)}`;
}

/** The line an add reply gets when the article replaced an earlier version of itself. */
export function replacedLine(replaced: Article | null): string[] {
  return replaced ? [`已更新：替换了先前收录的 ${replaced.source}（同一篇文章的旧版本）；没有改动的部分编号不变，已经提醒过的订阅不会再收到提醒。`] : [];
}

/** What the bot understood of an added article: headline, speakers, districts, figures counted, warnings. */
export function addedHtml(article: Article, sections: readonly Section[], warnings: readonly string[], notes: readonly string[] = []): string {
  const speakers = [...new Set(sections.flatMap((s) => (s.speaker ? [s.speaker.name] : [])))];
  const districts = [...new Set(sections.flatMap((s) => s.districts.filter((d) => d !== CITY)))];
  const figures = sections.reduce((n, s) => n + s.figures.length, 0);
  const lines = [
    `已收录：《${escapeHtml(truncate(article.title, 120))}》${article.date ? `（${article.date}）` : ''}`,
    `文件：${code(article.source)}`,
    ...notes.map(escapeHtml),
    `${sections.length} 个部分，${figures} 个数字`,
    `发言人：${speakers.length ? escapeHtml(truncate(speakers.join('、'), 400)) : '（没有找到）'}`,
    `区县：${districts.length ? escapeHtml(truncate(districts.join('、'), 400)) : '（没有找到）'}`,
  ];
  if (warnings.length > 0) {
    lines.push('', `<b>请核对</b>（${warnings.length} 条提示）：`);
    for (const w of warnings.slice(0, 5)) lines.push(`• ${escapeHtml(truncate(w, 200))}`);
    if (warnings.length > 5) lines.push(`……另有 ${warnings.length - 5} 条`);
  }
  lines.push('', '现在起所有查询都会用到它。');
  return lines.join('\n');
}

/** What a preview shows: the article as ingest understood it, not yet in service. */
export interface PreviewInput {
  article: Article;
  sections: readonly Section[];
  warnings: readonly string[];
  /** The article in service it would replace (a correction), or null. */
  replaces: Article | null;
}

/** Sections a preview lists one by one; the rest are counted. */
const PREVIEW_SECTIONS = 12;

/**
 * A preview of an article before it is published: warnings first (what to check), then headline, date, each section
 * with its speaker, role and organisation, the districts and how many figures; 发布 / 取消 buttons go with it.
 */
export function previewHtml(staged: PreviewInput, notes: readonly string[]): string {
  const { article, sections, warnings } = staged;
  const lines = ['<b>预览：尚未发布</b>（读者还看不到，也不会发提醒）'];
  if (warnings.length > 0) {
    lines.push('', `<b>请先核对</b>（${warnings.length} 条提示）：`);
    for (const w of warnings.slice(0, 5)) lines.push(`• ${escapeHtml(truncate(w.replace(/^[^:：]+\.txt: /u, ''), 200))}`);
    if (warnings.length > 5) lines.push(`……另有 ${warnings.length - 5} 条`);
  }
  lines.push('', `标题：《${escapeHtml(truncate(article.title, 120))}》`, ...notes.map(escapeHtml), `文件：${code(article.source)}`);
  if (staged.replaces) lines.push(`将替换：${code(staged.replaces.source)}（同一篇文章的旧版本，没有改动的部分编号不变）`);
  lines.push('', `<b>${sections.length} 个部分</b>：`);
  sections.slice(0, PREVIEW_SECTIONS).forEach((s, i) => {
    const who = s.speaker ? `${s.speaker.name}${[s.speaker.org, s.speaker.role].filter(Boolean).length ? `（${[s.speaker.org, s.speaker.role].filter(Boolean).join(' ')}）` : ''}` : s.kind === 'lead' ? '导语' : '（无发言人）';
    const where = s.districts.filter((d) => d !== CITY);
    const opening = truncate((s.headline ?? s.paragraphs[0] ?? '').replace(/\s+/gu, ' '), 24);
    lines.push(`${i + 1}. ${escapeHtml(who)}${where.length ? ` · ${escapeHtml(where.join('、'))}` : ''} · ${escapeHtml(opening)}`);
  });
  if (sections.length > PREVIEW_SECTIONS) lines.push(`……另有 ${sections.length - PREVIEW_SECTIONS} 个部分`);
  const districts = [...new Set(sections.flatMap((s) => s.districts.filter((d) => d !== CITY)))];
  const figures = sections.reduce((n, s) => n + s.figures.length, 0);
  lines.push('', `区县：${districts.length ? escapeHtml(truncate(districts.join('、'), 300)) : '（没有找到）'}`, `数字：${figures} 个`, '', '点“发布”后所有查询都会用到它，并给订阅了提醒的聊天发提醒；点“取消”则不收录。预览 24 小时后失效。');
  return lines.join('\n');
}
