import type { Figure } from './report.ts';

/** A number the user typed for /figures: its plain-unit value and the unit, if any. */
export interface FigureQuery {
  value: number;
  /** `%`, `元`, `台`…, or null when the user typed a bare number. */
  unit: string | null;
  /** Set when the user typed a rough amount (`数百`, `上千`, `近万`, `约100`, `100左右`): it matches rough figures. */
  rough?: true;
  /** Set when the number carries a magnitude word (`3369亿`, `两万`): then it is never a figure's written digits. */
  scaled?: true;
}

/** Units and measure words a figure carries in the text (`7316台`, `900万标箱`, `350亿千瓦时`), the longest first when matching. */
export const FIGURE_UNITS: readonly string[] = Object.freeze([
  '元', '美元', '欧元', '人', '人次', '个', '条', '所', '家', '项', '户', '名', '位', '座', '处', '台', '辆', '架', '架次', '艘', '列',
  '趟', '班次', '车次', '件', '套', '间', '批', '场', '场次', '届', '本', '份', '种', '类', '张', '例', '部', '只', '头', '株', '棵',
  '次', '倍', '岁', '标箱', '公里', '千米', '米', '平方米', '平方公里', '立方米', '亩', '公顷', '吨', '千克', '公斤', '千瓦时', '千瓦',
  '兆瓦', '千伏', '年', '天', '小时', '分钟', '秒', '个月', '个百分点', '百分点', 'km', 'kg',
]);

/** Units a figure query may end with: the figures' own, and calendar words a query may use (`3月`, `5日`). */
export const DEFAULT_FIGURE_UNITS: readonly string[] = Object.freeze([...FIGURE_UNITS, '月', '日', '度']);

/** `8.2` × 10¹² exactly (8200000000000, not 8199999999999.999): the decimal point moves, nothing is multiplied. */
export function scaleDecimal(digits: string, factor: number): number {
  const plain = digits.replace(/[,，]/gu, '');
  return factor === 1 ? Number(plain) : Number(`${plain}e${Math.round(Math.log10(factor))}`);
}

const DIGIT: Readonly<Record<string, number>> = Object.freeze({
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
});
const SMALL_UNIT: Readonly<Record<string, number>> = Object.freeze({ 十: 10, 百: 100, 千: 1000 });
const MAGNITUDE: Readonly<Record<string, number>> = Object.freeze({ 万亿: 1e12, 亿: 1e8, 万: 1e4, 千: 1e3, 百: 1e2 });
const CHINESE_NUMERAL = /^[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?$/u;

/**
 * A number written in Chinese: `七千三百一十六` → 7316, `三亿五千万` → 350000000, `一百零五` → 105, `二〇二一` → 2021,
 * `二点五` → 2.5. Null when the text is not one.
 */
export function parseChineseNumber(text: string): number | null {
  if (!CHINESE_NUMERAL.test(text)) return null;
  const [whole = '', fraction] = text.split('点');
  let value: number;
  if (!/[十百千万亿]/u.test(whole)) {
    // Digit by digit, as years are written (二〇二一).
    value = Number([...whole].map((c) => DIGIT[c] ?? 0).join(''));
  } else {
    let total = 0;
    let section = 0;
    let digit: number | null = null;
    for (const c of whole) {
      const d = DIGIT[c];
      const small = SMALL_UNIT[c];
      if (d !== undefined) digit = d;
      else if (small !== undefined) {
        section += (digit ?? 1) * small;
        digit = null;
      } else if (c === '万') {
        total += (section + (digit ?? 0)) * 1e4;
        section = 0;
        digit = null;
      } else if (c === '亿') {
        // 亿 multiplies everything before it (两万亿 = 2 × 10⁴ × 10⁸).
        total = (total + section + (digit ?? 0)) * 1e8;
        section = 0;
        digit = null;
      }
    }
    value = total + section + (digit ?? 0);
  }
  if (fraction !== undefined) value += Number(`0.${[...fraction].map((c) => DIGIT[c] ?? 0).join('')}`);
  return Number.isFinite(value) ? value : null;
}

/** `42` → 42, `4.2` → 4.2, `四十二` → 42; null when it is not a plain number. */
function plainNumber(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  return parseChineseNumber(text);
}

/**
 * Read a figure query: `1234`, `1,234`, `500亿`, `26000亿`, `2.6万亿元`, `40%`, `三分之一`, `2/3`, `七千三百一十六台`.
 * A trailing word counts as a unit only if it is one of `units` (`5A` is text, not 5 of "a").
 * Returns null when the query is not a number (then it is matched as text).
 */
export function parseFigureQuery(raw: string, units: Iterable<string> = DEFAULT_FIGURE_UNITS): FigureQuery | null {
  const q = raw.normalize('NFKC').replace(/\s+/g, '').replace(/(?<=\d),(?=\d{3})/g, '');
  // A negative number (`-5`, `−5`, `负5`) is one: no figure has it, rather than every figure with a 5.
  const sign = /^(?:[-−]|负)(?=[\d零〇一二两三四五六七八九十百千万亿])/u.exec(q);
  if (sign) {
    const positive = parseFigureQuery(q.slice(sign[0].length), units);
    return positive && { ...positive, value: -positive.value };
  }
  // A rough amount: 数百, 几十, 上千, 近万, 约100, 100左右, 不到30分钟.
  const some = /^(?:数|几)([十百千万])(万亿|亿|万)?(.*)$/u.exec(q) ?? /^上([百千万亿])(万亿|亿|万)?(.*)$/u.exec(q);
  if (some) {
    const value = scaleDecimal('1', (SMALL_UNIT[some[1]!] ?? MAGNITUDE[some[1]!] ?? 1) * (some[2] ? (MAGNITUDE[some[2]] ?? 1) : 1));
    const unit = withUnit(value, some[3] ?? '', units);
    return unit && { ...unit, rough: true, scaled: true };
  }
  const hedged = /^(?:将近|接近|大约|近|约|不到)(.+)$/u.exec(q) ?? /^(.+?)(?:左右|上下)$/u.exec(q);
  if (hedged) {
    // `近万`, `约千`: a magnitude word alone is one of it.
    const body = hedged[1]!.replace(/^(?=[十百千万亿])/u, '一');
    const r = parseFigureQuery(body, units);
    return r && { ...r, rough: true };
  }
  const percent = /^百分之(.+)$/.exec(q);
  if (percent) {
    const v = plainNumber(percent[1] ?? '');
    return v === null ? null : { value: v, unit: '%' };
  }
  const frac = /^(.+?)分之(.+)$/.exec(q);
  if (frac) {
    const den = plainNumber(frac[1] ?? '');
    const num = plainNumber(frac[2] ?? '');
    return den && num !== null ? { value: num / den, unit: '' } : null;
  }
  const slash = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(q);
  if (slash) {
    const den = Number(slash[2]);
    return den ? { value: Number(slash[1]) / den, unit: '' } : null;
  }
  let value: number | null = null;
  let rest = '';
  let scaled = false;
  const digits = /^(\d+(?:\.\d+)?)(万亿|亿|万|千|百)?(.*)$/u.exec(q);
  if (digits) {
    value = scaleDecimal(digits[1]!, digits[2] ? (MAGNITUDE[digits[2]] ?? 1) : 1);
    rest = digits[3] ?? '';
    scaled = digits[2] !== undefined;
  } else {
    const chinese = /^([零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?)(.*)$/u.exec(q);
    if (!chinese) return null;
    value = parseChineseNumber(chinese[1] ?? '');
    rest = chinese[2] ?? '';
    scaled = /[万亿]/u.test(chinese[1] ?? '');
  }
  if (value === null || !Number.isFinite(value)) return null;
  const r = withUnit(value, rest, units);
  return r && scaled ? { ...r, scaled: true } : r;
}

/** `value` with the unit `rest` names (nothing, `%`, one of `units`), or null when `rest` is no unit (`5A`). */
function withUnit(value: number, rest: string, units: Iterable<string>): FigureQuery | null {
  if (rest === '') return { value, unit: null };
  const unit = rest.toLowerCase();
  if (unit === '%' || unit === '‰' || new Set(units).has(unit)) return { value, unit };
  return null;
}

const WRITTEN = /^(\d+(?:[,，]\d{3})*(?:\.\d+)?)(?:[—–\-~～至到](\d+(?:[,，]\d{3})*(?:\.\d+)?))?(?:余|多)?(?:万亿|亿|万|千)/u;

/**
 * Whether a bare number is the figure as written before its magnitude word: `3369` is 3369亿元, `2.6` is 2.6万亿元,
 * `1.5` is within 1—2万人. A query with a unit or a magnitude (`3369万`) must match the value instead.
 */
export function matchesWritten(q: FigureQuery, f: Figure): boolean {
  return matchesWrittenRange(q, writtenRange(f.text));
}

/** `matchesWritten` for a figure whose `writtenRange` was read before (an index keeps it). */
export function matchesWrittenRange(q: FigureQuery, range: readonly [number, number] | null): boolean {
  if (q.unit !== null || q.scaled) return false;
  return range !== null && q.value >= range[0] && q.value <= range[1];
}

/** The digits a figure's text writes before its magnitude word, as [low, high] (`1—2万人` → [1, 2]); null when none. */
export function writtenRange(text: string): [number, number] | null {
  const m = WRITTEN.exec(text);
  if (!m) return null;
  const low = scaleDecimal(m[1]!, 1);
  return [low, m[2] ? scaleDecimal(m[2], 1) : low];
}

/** A rough amount: `数百名`, or one the text hedges (`近200万人次`, `不到30分钟`, `200人左右`). */
export function isRough(f: Figure): boolean {
  return f.qualifier === 'approx';
}

/** How a rough figure reads with its hedge word, which the figure's text leaves out: `近200万人次`, `不到30分钟`, `数百名`. */
export function roughLabel(f: Figure): string {
  if (!/^\d/u.test(f.text) || /(左右|上下)$/u.test(f.text)) return f.text;
  const at = f.context.indexOf(f.text);
  const hedge = at < 0 ? null : /(将近|接近|大约|近|约|不到)$/u.exec(f.context.slice(0, at));
  return `${hedge?.[1] ?? '约'}${f.text}`;
}

/** How close a figure is to a queried value: 0 is equal, 1 is far; a range contains everything between its ends. */
export function valueDistance(q: FigureQuery, f: Figure): number {
  if (q.unit === '%' && f.unit !== '%' && f.unit !== '') return 1;
  // A percentage asked of a plain ratio (`33%` of 三分之一) is the ratio × 100.
  const first = q.unit === '%' && f.unit === '' ? f.value * 100 : f.value;
  // Percentages may be stored as 42.1 or as 0.421, and asked for either way; compare every reading. (Read in turn,
  // without an array: a number query reads this for every figure near its value.)
  const readings = f.unit === '%' ? 3 : 1;
  let best = 1;
  for (let k = 0; k < readings; k++) {
    const v = k === 0 ? first : k === 1 ? f.value * 100 : f.value / 100;
    const max = f.valueMax !== undefined ? f.valueMax * (v / (f.value || 1)) : v;
    if (q.value >= v && q.value <= max) return 0;
    const d = Math.min(Math.abs(q.value - v), Math.abs(q.value - max)) / Math.max(Math.abs(q.value), Math.abs(v), 1e-12);
    best = Math.min(best, d);
  }
  return best;
}
