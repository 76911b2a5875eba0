import type { Figure } from '../core/report.ts';
import { splitSentences } from '../core/sentences.ts';
import { FIGURE_UNITS, parseChineseNumber, scaleDecimal } from '../core/figures.ts';

const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const MAGNITUDES: Record<string, number> = { 万亿: 1e12, 亿: 1e8, 万: 1e4, 千: 1e3 };

/** Measure words and units a figure may carry, longest first so `场次` wins over `场`. */
const UNITS = [...FIGURE_UNITS, '%', '％'].sort((a, b) => b.length - a.length);
// Chinese-numeral amounts are everywhere in prose (`一是`, `两江`, `三年行动`): only these measure words make them figures.
const CN_COUNT_UNITS = ['名', '人', '个', '项', '所', '家', '台', '辆', '条', '座', '户'];

const NUM = String.raw`\d+(?:[,，]\d{3})*(?:\.\d+)?`;
const CN_NUM = '[零〇一二两三四五六七八九十百千]+';
const unitAlt = UNITS.map((u) => u.replace('%', '%')).join('|');
const magAlt = Object.keys(MAGNITUDES).join('|');

const PATTERNS: { re: RegExp; parse: (m: RegExpExecArray) => Omit<Figure, 'context'> | null }[] = [
  // 百分之三十, 百分之12.5 → a percentage like `30%`
  {
    re: new RegExp(`百分之(${NUM}|${CN_NUM})`, 'gu'),
    parse: (m) => {
      const value = /\d/u.test(m[1]!) ? parseArabic(m[1]!) : parseChineseNumber(m[1]!);
      return value === null ? null : { text: m[0], value, unit: '%', qualifier: 'exact' };
    },
  },
  // 三分之一
  {
    re: new RegExp(`(${CN_NUM})分之(${CN_NUM})`, 'gu'),
    parse: (m) => {
      const den = parseChineseNumber(m[1]!);
      const num = parseChineseNumber(m[2]!);
      return den && num !== null ? { text: m[0], value: num / den, unit: '', qualifier: 'exact' } : null;
    },
  },
  // 2/3以上
  {
    re: /(\d+)\/(\d+)(以上|以下)?/gu,
    parse: (m) => ({ text: m[0], value: Number(m[1]) / Number(m[2]), unit: '', qualifier: m[3] === '以上' ? 'atLeast' : 'exact' }),
  },
  // 3—5个, 1-2万人
  {
    re: new RegExp(`(${NUM})[—–\\-~～至到](${NUM})(${magAlt})?(${unitAlt})`, 'gu'),
    parse: (m) => {
      const mag = m[3] ? MAGNITUDES[m[3]]! : 1;
      return { text: m[0], value: scaleDecimal(m[1]!, mag), valueMax: scaleDecimal(m[2]!, mag), unit: normUnit(m[4]!), qualifier: 'range' };
    },
  },
  // 2.6万亿元, 28.9%, 7316台, 200万人次, 100余所, 25万人次以上
  {
    re: new RegExp(`(近|约|超过|超|逾|至少|不到)?(${NUM})(余|多)?(${magAlt})?(余|多)?(${unitAlt})(以上|左右|多)?`, 'gu'),
    parse: (m) => {
      const mag = m[4] ? MAGNITUDES[m[4]]! : 1;
      const unit = normUnit(m[6]!);
      const more = m[3] || m[5] || m[7] === '以上' || m[7] === '多' || m[1] === '超过' || m[1] === '超' || m[1] === '逾' || m[1] === '至少';
      const approx = m[1] === '近' || m[1] === '约' || m[7] === '左右' || m[1] === '不到';
      // The hedge word before the number (`近`, `不到`) goes into the qualifier, not the text.
      return { text: m[0].slice(m[1]?.length ?? 0), value: scaleDecimal(m[2]!, mag), unit, qualifier: more ? 'atLeast' : approx ? 'approx' : 'exact' };
    },
  },
  // 数百名, 数十个
  {
    re: new RegExp(`数([十百千万])(${CN_COUNT_UNITS.join('|')})`, 'gu'),
    parse: (m) => ({ text: m[0], value: CN_UNITS[m[1]!] ?? 10000, unit: m[2]!, qualifier: 'approx' }),
  },
  // 三名, 六项, 十余名 (never 一: it is an article, `一名代表`)
  {
    re: new RegExp(`(${CN_NUM})(余|多)?(${CN_COUNT_UNITS.join('|')})`, 'gu'),
    parse: (m) => {
      const value = parseChineseNumber(m[1]!);
      return value !== null && value > 1 ? { text: m[0], value, unit: m[3]!, qualifier: m[2] ? 'atLeast' : 'exact' } : null;
    },
  },
];

/** Every figure in a paragraph, with the sentence it stands in. Dates, years, ordinals and codes (`5A`) are not figures. */
export function extractFigures(paragraph: string): Figure[] {
  const figures: Figure[] = [];
  for (const sentence of splitSentences(paragraph)) {
    const taken = new Array<boolean>(sentence.length).fill(false);
    const found: { at: number; figure: Figure }[] = [];
    for (const { re, parse } of PATTERNS) {
      re.lastIndex = 0;
      for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
        const at = m.index;
        const end = at + m[0].length;
        if (taken.slice(at, end).some(Boolean) || !standsAlone(sentence, at, end, m[0])) continue;
        const parsed = parse(m);
        if (!parsed) continue;
        for (let i = at; i < end; i++) taken[i] = true;
        found.push({ at, figure: { ...parsed, context: sentence.trim() } });
      }
    }
    found.sort((a, b) => a.at - b.at);
    figures.push(...found.map((f) => f.figure));
  }
  return figures;
}

/** Reject numbers that are parts of dates, years, ordinals, codes or larger numbers. */
function standsAlone(sentence: string, at: number, end: number, text: string): boolean {
  const before = sentence[at - 1] ?? '';
  const after = sentence[end] ?? '';
  if (/[\d.\/A-Za-z]/u.test(before) || /[A-Za-z\d]/u.test(after)) return false; // 5A, part of a longer number
  if (before === '第') return false; // ordinals
  if (before === '前' && /个月$/u.test(text)) return false; // 前5个月: a span of the calendar, not an amount
  // A Chinese numeral opening a quoted slogan (`“两个维护”`, `“五个中心”`) names the slogan, it is not an amount.
  if (/^[零〇一二两三四五六七八九十]/u.test(text) && /[“‘「『]/u.test(before)) return false;
  if (/^[零〇一二两三四五六七八九十百千]/u.test(text) && /[零〇一二两三四五六七八九十百千数]/u.test(before)) return false;
  if (/^\d{4}年$/u.test(text)) return false; // calendar year
  if (/年$/u.test(text) && /^\d{4}/u.test(text)) return false;
  if (/[月日号]/u.test(after) && /^\d+$/u.test(text.replace(/[^\d]/gu, '')) && /年$/u.test(text)) return false;
  return true;
}

function normUnit(unit: string): string {
  return unit === '％' ? '%' : unit;
}

function parseArabic(s: string): number {
  return Number(s.replace(/[,，]/gu, ''));
}
