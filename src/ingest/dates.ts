// An article's date: read from what the article says (its metadata: front matter or the page's meta tags; a printed
// date near the top; a dateline `本报北京3月5日电`), with the file name's `yyyy-mm-dd` prefix as a hint. Never
// silently today: when the sources disagree, or none is there, the choice says which was used and why.
import { z } from 'zod';

/** Where the date came from, as the add reply says it. */
export const DateFromSchema = z.enum(['metadata', 'printed', 'file name', 'dateline', 'today']);
export type DateFrom = z.infer<typeof DateFromSchema>;

/** The date chosen, where from, and a warning when a human should check it. */
export const DateChoiceSchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/u), from: DateFromSchema, warning: z.string().nullable() });
export type DateChoice = z.infer<typeof DateChoiceSchema>;

/** A date that cannot exist (`2025-13-45`): the article is refused with this reason. */
export class ImpossibleDate extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ImpossibleDate';
  }
}

export const DATE_FROM_TEXT: Readonly<Record<DateFrom, string>> = Object.freeze({
  metadata: 'front matter/网页信息',
  printed: '正文开头印的日期',
  'file name': '文件名',
  dateline: '电头',
  today: '收录当天',
});

/** `yyyy-mm-dd` when the calendar has that day, else null. */
export function calendarDate(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function impossible(written: string, where: string): ImpossibleDate {
  const [, m, d] = written.split('-').map(Number);
  const why = m === undefined || m < 1 || m > 12 ? '没有这个月份（应为 01–12）' : `${m} 月没有 ${d} 日`;
  return new ImpossibleDate(`${where}中的日期 ${written} 不存在：${why}。请改正后再试`);
}

/** The file name's `yyyy-mm-dd` prefix: the date, null when there is none; throws ImpossibleDate for `2025-13-45-x.txt`. */
export function dateInName(source: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?!\d)/u.exec(source.split(/[\\/]/u).pop() ?? '');
  if (!m) return null;
  const date = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!date) throw impossible(`${m[1]}-${m[2]}-${m[3]}`, '文件名');
  return date;
}

/** Metadata's date (`2025-03-05`, `2025-03-05T08:00:00+08:00`): checked like the file name's. */
function checkedMetadata(date: string | null): string | null {
  if (!date) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(date);
  if (!m) return null;
  const valid = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!valid) throw impossible(date, '文章信息');
  return valid;
}

/**
 * A date printed on its own near the top (`2025年3月5日 星期三`, `（2025年01月03日第 10 版）`, `发布时间：2025-03-05 08:00`):
 * a short line among the first few, not a sentence of the body that happens to start with a date.
 */
export function printedDate(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 8);
  for (const line of lines) {
    if ([...line].length > 40 || /[，。；]/u.test(line)) continue;
    const m = /(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})/u.exec(line);
    if (!m) continue;
    const date = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (date) return date;
  }
  return null;
}

/** A dateline's month and day (`本报北京3月5日电`, `新华社重庆1月2日电`), or null. */
export function datelineDay(text: string): { month: number; day: number } | null {
  const m = /(?:本报|新华社|中新社|人民网|央视网|华龙网)[\p{Script=Han}·]{0,10}?(\d{1,2})月(\d{1,2})日(?:电|讯)/u.exec(text.slice(0, 3000));
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return calendarDate(2000, month, day) ? { month, day } : null;
}

/** Days from `a` to `b` (`yyyy-mm-dd`). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** A dateline sent up to 3 days before the date it is set against is the same story (filed today, printed tomorrow). */
function datelineFits(dateline: { month: number; day: number }, date: string): boolean {
  const year = Number(date.slice(0, 4));
  return [year, year - 1].some((y) => {
    const sent = calendarDate(y, dateline.month, dateline.day);
    if (!sent) return false;
    const gap = daysBetween(sent, date);
    return gap >= 0 && gap <= 3;
  });
}

/** The dateline's day in the year that puts it on or before `today` (a dateline is never in the future). */
function datelineDate(dateline: { month: number; day: number }, today: string): string {
  const year = Number(today.slice(0, 4));
  const thisYear = calendarDate(year, dateline.month, dateline.day);
  return thisYear && thisYear <= today ? thisYear : (calendarDate(year - 1, dateline.month, dateline.day) ?? today);
}

export interface DateInput {
  /** The file name (its `yyyy-mm-dd` prefix is a hint). */
  source: string;
  /** The clean text. */
  text: string;
  /** The date the file's metadata gives (front matter, meta tags), `yyyy-mm-dd`, or null. */
  metadata?: string | null;
  /** Today in the bot's time zone, `yyyy-mm-dd`: the last resort, always with a warning. */
  today: string;
}

/**
 * The article's date. The article's own full date (metadata, else a printed date) wins over the file name; the file
 * name wins over a dateline (which gives no year and is the day the story was filed). Disagreement, a date taken from
 * a dateline, and no date at all each come with a warning naming what was used. Throws ImpossibleDate.
 */
export function chooseDate(input: DateInput): DateChoice {
  const named = dateInName(input.source);
  const meta = checkedMetadata(input.metadata ?? null);
  const printed = printedDate(input.text);
  const dateline = datelineDay(input.text);
  const own = meta ? { date: meta, from: 'metadata' as const } : printed ? { date: printed, from: 'printed' as const } : null;
  if (own) {
    if (named && named !== own.date) return { ...own, warning: `日期：${DATE_FROM_TEXT[own.from]}是 ${own.date}，文件名是 ${named}；用了${DATE_FROM_TEXT[own.from]}的 ${own.date}` };
    return { ...own, warning: null };
  }
  if (named) {
    if (dateline && !datelineFits(dateline, named)) return { date: named, from: 'file name', warning: `日期：电头是 ${dateline.month}月${dateline.day}日，文件名是 ${named}；用了文件名的 ${named}` };
    return { date: named, from: 'file name', warning: null };
  }
  if (dateline) {
    const date = datelineDate(dateline, input.today);
    return { date, from: 'dateline', warning: `日期：文章只有电头 ${dateline.month}月${dateline.day}日，没有年份；用了 ${date}` };
  }
  return { date: input.today, from: 'today', warning: `日期：文章和文件名里都没有日期；用了收录当天 ${input.today}，如不对请在文件名前加上 yyyy-mm-dd-` };
}
