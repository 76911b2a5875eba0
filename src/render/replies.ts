/** The bot's fixed replies (/start, /help, /about, unknown command) as Telegram HTML, and as plain text for the terminal. */
import type { Report } from '../core/report.ts';
import { lastAddedLine } from './living.ts';
import { code, escapeHtml } from './html.ts';
import { truncate } from './text.ts';

/** What /help needs to know about a command (a subset of the bot's command registry). */
export interface HelpEntry {
  command: string;
  zh: string;
  usage: string;
}

/** Counts and coverage of a report, for /about and /start. */
export interface ReportFacts {
  sections: number;
  speakers: number;
  figures: number;
  /** Districts by number of sections mentioning them, most first (without the city itself). */
  districts: string[];
  /** Topic names by number of sections, most first. */
  topics: string[];
  /** Speaker names in report order. */
  speakerNames: string[];
}

const CITY = '重庆市';

function byCount(items: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

/** Count sections, distinct speakers and figures, and list the districts and topics covered. */
export function reportFacts(report: Report): ReportFacts {
  const speakerNames = [...new Set(report.sections.flatMap((s) => (s.speaker ? [s.speaker.name] : [])))];
  const topicName = new Map(report.topics.map((t) => [t.id, t.name]));
  return {
    sections: report.sections.length,
    speakers: speakerNames.length,
    figures: report.sections.reduce((n, s) => n + s.figures.length, 0),
    districts: byCount(report.sections.flatMap((s) => s.districts.filter((d) => d !== CITY))),
    topics: byCount(report.sections.flatMap((s) => s.topics.map((t) => topicName.get(t) ?? t))),
    speakerNames,
  };
}

/** Three example commands that are sure to find something in this report. */
export function exampleCommands(report: Report): string[] {
  const facts = reportFacts(report);
  const examples: string[] = [];
  if (facts.districts[0]) examples.push(`/district ${facts.districts[0]}`);
  if (facts.topics[0]) examples.push(`/topic ${facts.topics[0]}`);
  if (facts.speakerNames[0]) examples.push(`/person ${facts.speakerNames[0]}`);
  return examples;
}

/** /start: a greeting, the report's title, three tappable example commands. */
export function startHtml(report: Report): string {
  const lines = [
    '<b>你好！我可以回答关于这篇报道的问题。</b>',
    `《${escapeHtml(truncate(report.title, 200))}》`,
    '',
    '试试这些命令：',
    ...exampleCommands(report).map((e) => code(e)),
    '',
    '也可以直接发送关键词进行全文搜索。发送 /help 查看全部命令。',
  ];
  return lines.join('\n');
}

/** /help, generated from the command registry. */
export function helpHtml(entries: readonly HelpEntry[]): string {
  const lines = ['<b>全部命令</b>', ''];
  for (const e of entries) {
    lines.push(`/${escapeHtml(e.command)} — ${escapeHtml(e.zh)}`);
    if (e.usage !== `/${e.command}`) lines.push(`  例：${code(e.usage)}`);
  }
  lines.push('', '私聊时直接发送文字即为全文搜索；在群组中请使用命令、@我，或回复我的消息。');
  return lines.join('\n');
}

/** Articles listed by /about before the rest is summed up in one line. */
const ABOUT_ARTICLES = 10;

/** /about: title, source, counts and districts covered; with several articles, each one newest first. */
export function aboutHtml(report: Report, timezone = 'Asia/Shanghai'): string {
  const facts = reportFacts(report);
  const lines = [`<b>${escapeHtml(truncate(report.title, 300))}</b>`];
  if (report.subtitle) lines.push(escapeHtml(truncate(report.subtitle, 300)));
  lines.push('');
  if (report.articles.length === 1) {
    lines.push(`来源：${escapeHtml(truncate(report.articles[0]!.source, 500))}`);
    if (report.reporters.length > 0) lines.push(`记者：${escapeHtml(truncate(report.reporters.join('、'), 300))}`);
  } else {
    const articles = [...report.articles].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || b.source.localeCompare(a.source));
    lines.push(`共 ${articles.length} 篇报道（新的在前）：`);
    for (const a of articles.slice(0, ABOUT_ARTICLES)) {
      const count = report.sections.filter((s) => s.articleId === a.id).length;
      lines.push(`• ${a.date ? `${a.date} ` : ''}《${escapeHtml(truncate(a.title, 80))}》（${count} 个部分）`);
    }
    if (articles.length > ABOUT_ARTICLES) lines.push(`……另有 ${articles.length - ABOUT_ARTICLES} 篇`);
  }
  lines.push(`共 ${facts.sections} 个部分、${facts.speakers} 位发言人、${facts.figures} 个数字。`);
  if (facts.districts.length > 0) {
    lines.push(`涉及区县（${facts.districts.length} 个）：${escapeHtml(truncate(facts.districts.join('、'), 1500))}`);
  }
  if (facts.topics.length > 0) lines.push(`主题：${escapeHtml(truncate(facts.topics.join('、'), 800))}`);
  // Articles the running bot took in carry the time; the newest is the last addition.
  const added = report.articles.flatMap((a) => (a.addedAt ? [Date.parse(a.addedAt)] : [])).filter((t) => !Number.isNaN(t));
  if (added.length > 0) lines.push(lastAddedLine(Math.max(...added), timezone));
  return lines.join('\n');
}

/** Reply to a slash command nobody knows. */
export function unknownHtml(command: string, suggestion?: string): string {
  const unknown = `不认识的命令 ${code(`/${truncate(command, 40)}`)}。`;
  if (suggestion) return `${unknown}是不是要用 ${code(truncate(suggestion, 80))}？（点击复制后发送；发送 /help 查看全部命令。）`;
  return `${unknown}发送 /help 查看全部命令。`;
}

/** Reply to a command that only works in Telegram (in the terminal chat). */
export function elsewhereHtml(command: string): string {
  return `${code(`/${command}`)} 只能在 Telegram 中使用。`;
}

/** Every fixed sentence the bot says when something is off, in one place. */
export const BOT_TEXT = Object.freeze({
  /** A handler failed (message reply or button toast). */
  error: '出错了，请稍后再试',
  /** The database behind subscriptions is unreachable: searching still works, subscribing does not. */
  storeDown: '订阅服务暂时不可用，请稍后再试',
  /** A user sent commands too fast; sent once, then silence. */
  flood: '操作太频繁了，请稍等几秒再试。',
  /** Shown above the (empty) inline results of a user typing inline queries too fast; once, then no answer. */
  inlineFlood: '操作太频繁了，请稍等几秒再试',
  /** Toast for a user tapping buttons too fast (every tap is answered). */
  buttonFlood: '点得太快了，请稍等几秒再试。',
  /** A page button whose answer is no longer cached. */
  expired: '这条结果已过期，请重新搜索。',
  /** A page button with malformed data. */
  invalidButton: '这个按钮无法识别，请重新搜索。',
  /** A button no feature knows. */
  deadButton: '这个按钮已失效。',
});

/** Telegram HTML → terminal text: tags dropped, the four entities decoded. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
