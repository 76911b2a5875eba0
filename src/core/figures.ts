import type { Figure } from './report.ts';

/** A number the user typed for /figures: its plain-unit value and the unit, if any. */
export interface FigureQuery {
  value: number;
  /** `%`, `元`, `台`…, or null when the user typed a bare number. */
  unit: string | null;
}

const DIGIT: Readonly<Record<string, number>> = Object.freeze({
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
});
const MAGNITUDE: Readonly<Record<string, number>> = Object.freeze({ 万亿: 1e12, 亿: 1e8, 万: 1e4, 千: 1e3, 百: 1e2 });

/** `三` → 3, `十二` → 12, `二十五` → 25, `42` → 42; null when it is not a small number. */
function smallNumber(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十]+$/.test(text)) return null;
  const ten = text.indexOf('十');
  if (ten < 0) return text.length === 1 ? (DIGIT[text] ?? null) : null;
  const tens = ten === 0 ? 1 : (DIGIT[text.slice(0, ten)] ?? NaN);
  const ones = ten === text.length - 1 ? 0 : (DIGIT[text.slice(ten + 1)] ?? NaN);
  const v = tens * 10 + ones;
  return Number.isFinite(v) ? v : null;
}

/**
 * Read a figure query: `1234`, `1,234`, `500亿`, `26000亿`, `2.6万亿元`, `40%`, `三分之一`, `2/3`.
 * Returns null when the query is not a number (then it is matched as text).
 */
export function parseFigureQuery(raw: string): FigureQuery | null {
  const q = raw.normalize('NFKC').replace(/\s+/g, '').replace(/(?<=\d),(?=\d{3})/g, '');
  const percent = /^百分之(.+)$/.exec(q);
  if (percent) {
    const v = smallNumber(percent[1] ?? '');
    return v === null ? null : { value: v, unit: '%' };
  }
  const frac = /^(.+?)分之(.+)$/.exec(q);
  if (frac) {
    const den = smallNumber(frac[1] ?? '');
    const num = smallNumber(frac[2] ?? '');
    return den && num !== null ? { value: num / den, unit: '' } : null;
  }
  const slash = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(q);
  if (slash) {
    const den = Number(slash[2]);
    return den ? { value: Number(slash[1]) / den, unit: '' } : null;
  }
  const m = /^(\d+(?:\.\d+)?)(万亿|亿|万|千|百)?(%|‰|[\p{Script=Han}a-z]{1,2})?$/iu.exec(q);
  if (!m) return null;
  const unit = m[3] ?? null;
  // A unit is at most two letters (`台`, `人次`, `元`); longer words make the query text, not a number.
  const value = Number(m[1]) * (m[2] ? (MAGNITUDE[m[2]] ?? 1) : 1);
  return Number.isFinite(value) ? { value, unit } : null;
}

/** How close a figure is to a queried value: 0 is equal, 1 is far; a range contains everything between its ends. */
export function valueDistance(q: FigureQuery, f: Figure): number {
  if (q.unit === '%' && f.unit !== '%') return 1;
  const candidates = [f.value];
  // Percentages may be stored as 42.1 or as 0.421, and asked for either way; compare every reading.
  if (f.unit === '%') candidates.push(f.value * 100, f.value / 100);
  let best = 1;
  for (const v of candidates) {
    const max = f.valueMax !== undefined ? f.valueMax * (v / (f.value || 1)) : v;
    if (q.value >= v && q.value <= max) return 0;
    const d = Math.min(Math.abs(q.value - v), Math.abs(q.value - max)) / Math.max(Math.abs(q.value), Math.abs(v), 1e-12);
    best = Math.min(best, d);
  }
  return best;
}
