// /figures: figures by value (exact, then as written in the text, then the nearest) or by a word in their sentence.
import type { Answer, AnswerResult, Resolved } from '../answer.ts';
import { DEFAULT_FIGURE_UNITS, isRough, matchesWrittenRange, parseFigureQuery, roughLabel, valueDistance, writtenRange, type FigureQuery } from '../figures.ts';
import type { Figure } from '../report.ts';
import { makeAnswer, makeResult, sectionAt, sentencesHoldingWords, type EngineContext } from './context.ts';
import { lowerBound } from '../sorted.ts';

/** One figure of the report, with its text and sentence folded for word matching. */
interface FigureEntry {
  section: number;
  figure: Figure;
  text: string;
  context: string;
  /** The digits its text writes before the magnitude word (`writtenRange`), read once. */
  written: [number, number] | null;
}

/** What /figures looks up, built once per report. */
export interface FigureIndex {
  /** Every figure, in report order. */
  figures: FigureEntry[];
  /** Units a query may name: the defaults and every unit the report uses. */
  units: Set<string>;
  /** The figures by value, so a number query reads the figures near it rather than every figure of the report. */
  values: FigureValues;
  /** Figures with the same folded text and sentence, by that pair: a word query reads each pair once. */
  alike: Map<string, number[]>;
}

/**
 * Every reading of every figure a number query could match (its value, ×100 and ÷100 for percentages and ratios, its
 * digits as written before 亿/万), ascending, with the figure each belongs to; figures spanning a range are kept
 * apart and always read. A superset of what `valueDistance` and `matchesWritten` accept: they still decide.
 */
export interface FigureValues {
  readings: Float64Array;
  owners: Int32Array;
  ranged: number[];
}

/** Nearness `answerFigures` accepts as "close" (`valueDistance` ≤ this); readings outside it are never read. */
const NEAR = 0.05;

/** A hit: an index into `figures` and how well it matches. */
interface FigureHit {
  n: number;
  score: number;
}

// Plain amounts before rough ones: `100` finds 100余所 before 数百名.
const QUALIFIER_BONUS: Readonly<Record<Figure['qualifier'], number>> = Object.freeze({ exact: 0.04, atLeast: 0.02, range: 0.02, approx: 0 });

/** List the report's figures once, flat, with folded text and context. */
export function indexFigures(ctx: EngineContext): FigureIndex {
  const figures = ctx.sections.flatMap((s, i) =>
    s.figures.map((f) => ({ section: i, figure: f, text: ctx.fkey(f.text), context: ctx.fnorm(f.context), written: writtenRange(f.text) })),
  );
  const units = new Set([...DEFAULT_FIGURE_UNITS, ...figures.map((f) => f.figure.unit).filter(Boolean)]);
  return { figures, units, values: figureValues(figures, 0), alike: alikeFigures(new Map(), figures, 0) };
}

/** `into` with `figures` (numbered from `first`) added under their folded text and sentence. */
export function alikeFigures(into: Map<string, number[]>, figures: readonly FigureEntry[], first: number): Map<string, number[]> {
  figures.forEach((f, k) => {
    const key = `${f.text}\u0000${f.context}`;
    const list = into.get(key);
    if (list) list.push(first + k);
    else into.set(key, [first + k]);
  });
  return into;
}

/** The readings of `figures` (numbered from `first`), sorted. */
export function figureValues(figures: readonly FigureEntry[], first: number): FigureValues {
  const pairs: [number, number][] = [];
  const ranged: number[] = [];
  figures.forEach((f, k) => {
    const n = first + k;
    const written = f.written;
    if (f.figure.valueMax !== undefined || (written && written[0] !== written[1])) {
      ranged.push(n);
      return;
    }
    const v = f.figure.value;
    for (const r of [v, v * 100, v / 100, ...(written ? [written[0]] : [])]) pairs.push([r, n]);
  });
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { readings: Float64Array.from(pairs, (p) => p[0]), owners: Int32Array.from(pairs, (p) => p[1]), ranged };
}

/** `a` and `b` (of figures after a's) as one: sorted readings merged in one pass, the ranged lists joined. */
export function mergeFigureValues(a: FigureValues, b: FigureValues): FigureValues {
  const size = a.readings.length + b.readings.length;
  const readings = new Float64Array(size);
  const owners = new Int32Array(size);
  let i = 0;
  let j = 0;
  for (let k = 0; k < size; k++) {
    const takeA = j >= b.readings.length || (i < a.readings.length && a.readings[i]! <= b.readings[j]!);
    readings[k] = takeA ? a.readings[i]! : b.readings[j]!;
    owners[k] = takeA ? a.owners[i++]! : b.owners[j++]!;
  }
  return { readings, owners, ranged: [...a.ranged, ...b.ranged] };
}

/** Figures that may be equal or near to the query's value (every ranged one too), ascending. */
function figuresNear(fx: FigureIndex, fq: FigureQuery): number[] {
  const { readings, owners } = fx.values;
  const a = fq.value * (1 - NEAR);
  const b = fq.value / (1 - NEAR);
  const lo = Math.min(a, b) - 1e-9 * Math.abs(fq.value) - 1e-12;
  const hi = Math.max(a, b) + 1e-9 * Math.abs(fq.value) + 1e-12;
  const left = lowerBound(readings, lo);
  let end = left;
  while (end < readings.length && readings[end]! <= hi) end++;
  // Ascending and once each, by a numeric sort of the ids (a figure may have several readings in range).
  const found = new Int32Array(fx.values.ranged.length + end - left);
  found.set(fx.values.ranged);
  found.set(owners.subarray(left, end), fx.values.ranged.length);
  found.sort();
  const out: number[] = [];
  for (let k = 0; k < found.length; k++) if (k === 0 || found[k] !== found[k - 1]) out.push(found[k]!);
  return out;
}

/**
 * Answer /figures: figures by value or by their written digits (`3369` is 3369亿元), rough amounts only for a rough
 * query (`数百`) or as a marked fallback; else where the text writes the number, else the nearest; or by a word in their sentence.
 */
export function answerFigures(ctx: EngineContext, fx: FigureIndex, q: string): Answer {
  const { figures } = fx;
  // Punctuation around a number is noise (`#5`, `（5）`), as it is for words: read the number.
  const bareKey = ctx.fkey(q);
  const fq = parseFigureQuery(q, fx.units) ?? (/^\d+(?:\.\d+)?$/u.test(bareKey) ? parseFigureQuery(bareKey, fx.units) : null);
  const examples = (): string[] => figures.slice(0, 6).map((f) => f.figure.text);
  const noMatch = (): Answer =>
    makeAnswer('figures', q, 'no_match', `报道中没有与“${q}”相符的数字。可以试试：${examples().join('、')}。`, { suggestions: examples() });
  if (!fq) {
    // A word: figures whose text holds it, then figures whose sentence holds every word (`进口`).
    const key = ctx.fkey(q);
    const words = ctx.fnorm(q).split(/\s+/u).map(ctx.fkey).filter(Boolean);
    const hits: FigureHit[] = [];
    // Once per distinct figure text and sentence: the same figure quoted again reads the same.
    for (const ns of fx.alike.values()) {
      const f = figures[ns[0]!]!;
      const score = key && f.text.includes(key) ? 2 : words.length > 0 && words.every((w) => f.context.includes(w)) ? 1 : 0;
      if (score > 0) for (const n of ns) hits.push({ n, score });
    }
    if (hits.length > 0) {
      return makeAnswer('figures', q, 'ok', `“${q}”：找到 ${hits.length} 个数字。`, { resolved: { kind: 'text', id: key, label: q }, results: figureResults(ctx, fx, hits, words) });
    }
    const ids = sentencesWriting(ctx, q, false);
    if (ids.length === 0) return noMatch();
    // No figure's own sentence names the word (`投资` in 规划投资处): the figures of the sections that do, said so.
    const withFigures = ids.filter((id) => sectionAt(ctx, ctx.index.sectionOf(id)).figures.length > 0);
    if (withFigures.length > 0) {
      return sentenceAnswer(ctx, q, withFigures, words, (n) => `没有直接与“${q}”相关的数字，以下是提到“${q}”的 ${n} 段内容中的数字。`, true);
    }
    return sentenceAnswer(ctx, q, ids, words, (n) => `报道中没有与“${q}”相关的数字，以下是提到“${q}”的 ${n} 段内容。`);
  }
  const resolved: Resolved = { kind: 'figure', id: String(fq.value), label: q };
  const exact: FigureHit[] = [];
  const near: { n: number; d: number }[] = [];
  for (const n of figuresNear(fx, fq)) {
    const f = figures[n]!;
    const d = valueDistance(fq, f.figure);
    // The unit typed counts most (`30分钟`, not `30条`), then how plainly the figure states the amount.
    if (d === 0 || matchesWrittenRange(fq, f.written)) exact.push({ n, score: 3 + (fq.unit && f.figure.unit === fq.unit ? 0.5 : 0) + QUALIFIER_BONUS[f.figure.qualifier] });
    else if (d <= NEAR) near.push({ n, d });
  }
  if (exact.length > 0) {
    const sameUnit = exact.filter((h) => h.score >= 3.5);
    const inUnit = sameUnit.length > 0 ? sameUnit : exact;
    // A plain number is not a rough amount (`100` is not 数百名) nor the other way round; the other kind is shown
    // only when nothing of the query's kind has the value, and the message says which it is.
    const rough = (h: FigureHit): boolean => isRough(figures[h.n]!.figure);
    const kept = inUnit.filter((h) => rough(h) === Boolean(fq.rough));
    if (kept.length > 0) {
      return makeAnswer('figures', q, 'ok', `“${q}”：找到 ${kept.length} 个数字。`, { resolved, results: figureResults(ctx, fx, kept, []) });
    }
    const others = inUnit.map((h) => figures[h.n]!.figure);
    const message = fq.rough
      ? `报道中没有“${q}”这样的约数，数值相同的有：${others.map((f) => f.text).join('、')}。`
      : `报道中没有正好是“${q}”的数字，只有约数：${others.map(roughLabel).join('、')}。`;
    return makeAnswer('figures', q, 'ok', message, { resolved, results: figureResults(ctx, fx, inUnit, []), approximate: true });
  }
  // No figure has the value: the number as written in the text (a year, an amount the report states in passing).
  const ids = sentencesWriting(ctx, q, true);
  if (ids.length > 0) {
    return sentenceAnswer(ctx, q, ids, [q], (n) => `报道中没有数值为“${q}”的数字，以下是提到“${q}”的 ${n} 段内容。`);
  }
  // Else only the nearest figures: `40%` → 40.2%, not every percentage within 5%; `33%` → 三分之一.
  if (near.length === 0) return noMatch();
  const nearest = Math.min(...near.map((h) => h.d));
  const kept = near.filter((h) => Math.abs(h.d - nearest) < 1e-9).map((h) => ({ n: h.n, score: 2 - h.d }));
  const first = figures[kept[0]?.n ?? -1]?.figure;
  return makeAnswer('figures', q, 'ok', `没有正好等于“${q}”的数字，最接近的是 ${first?.text ?? ''}。`, { resolved, results: figureResults(ctx, fx, kept, []) });
}

/** Results for figure hits (higher score first), one per section, each figure's sentence shown. */
function figureResults(ctx: EngineContext, fx: FigureIndex, hits: FigureHit[], terms: readonly string[]): AnswerResult[] {
  const { index } = ctx;
  const sorted = [...hits].sort((a, b) => b.score - a.score || a.n - b.n);
  const bySection = new Map<number, { score: number; figs: Figure[] }>();
  for (const h of sorted) {
    const f = fx.figures[h.n];
    if (!f) continue;
    const entry = bySection.get(f.section) ?? { score: h.score, figs: [] };
    entry.figs.push(f.figure);
    bySection.set(f.section, entry);
  }
  const ordered = [...bySection.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, ctx.opts.maxResults);
  return ordered.map(([i, { score, figs }]) => {
    const [from, to] = index.sentencesOf(i);
    const ids: number[] = [];
    for (const f of figs) {
      for (let id = from; id < to; id++) {
        const t = index.sentenceText(id);
        if (t.includes(f.context) || f.context.includes(t) || t.includes(f.text)) {
          ids.push(id);
          break;
        }
      }
    }
    return makeResult(ctx, i, score, ids, [...figs.map((f) => f.text), ...terms], { mark: 'exact', figures: figs });
  });
}

/** A comma between a digit and three more: a thousands separator (`7,316`), dropped before reading a number. */
const THOUSANDS_SEPARATORS = /(?<=\d)[,，](?=\d{3})/gu;
const THOUSANDS_SEPARATOR = /(?<=\d)[,，](?=\d{3})/u;

/**
 * Sentences where the query is written out, for a number no figure has (`2021` in 2021年) or a word no figure's
 * sentence holds (`5A`). A number must stand whole: `42` is not in 42.1 or 420.
 */
function sentencesWriting(ctx: EngineContext, q: string, isNumber: boolean): number[] {
  const { index } = ctx;
  const noThousands = (t: string): string => t.replace(THOUSANDS_SEPARATORS, '');
  if (isNumber) {
    const literal = noThousands(ctx.fnorm(q).replace(/\s+/gu, ''));
    if (!literal) return [];
    const escaped = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const whole = new RegExp(`${/^\d/.test(literal) ? '(?<![\\d.])' : ''}${escaped}${/\d$/.test(literal) ? '(?!\\d|\\.\\d)' : ''}`, 'u');
    // Folding a sentence is the slow part: only when the text as written fails and might read differently folded
    // (full-width digits, or a literal in Chinese numerals that may be written traditionally).
    const ascii = /^[\x20-\x7e]*$/u.test(literal);
    // Only full-width digits, points and the literal's own characters fold into what the pattern reads; the full-width
    // comma and brackets of almost every Chinese sentence do not, and need no folding.
    // One character class, tested natively, rather than a walk through every character of every sentence.
    const fullWidth = new Set([...'０１２３４５６７８９．', ...[...literal].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))]);
    const mayFold = new RegExp(`[${[...fullWidth].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('')}]`, 'u');
    // Most sentences have no thousands separator to drop: test for one before copying the text without them.
    const plain = (t: string): string => (THOUSANDS_SEPARATOR.test(t) ? noThousands(t) : t);
    return index.sentencesWith(literal).filter((id) => {
      const text = index.sentenceText(id);
      // Without a separator to drop, the literal must be in the text as it is (`42` is in 42.1%, `42%` is not).
      if ((text.includes(literal) || THOUSANDS_SEPARATOR.test(text)) && whole.test(plain(text))) return true;
      if (ascii && !mayFold.test(text)) return false;
      return whole.test(plain(ctx.fnorm(text)));
    });
  }
  return sentencesHoldingWords(ctx, q);
}

/** An answer listing the sections of `ids` (most matching sentences first), marking `terms`. */
function sentenceAnswer(ctx: EngineContext, q: string, ids: number[], terms: string[], message: (sections: number) => string, sectionFigures = false): Answer {
  const bySection = new Map<number, number[]>();
  for (const id of ids) {
    const sec = ctx.index.sectionOf(id);
    bySection.set(sec, [...(bySection.get(sec) ?? []), id]);
  }
  const ordered = [...bySection.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
  const results = ordered
    .slice(0, ctx.opts.maxResults)
    .map(([sec, list]) => makeResult(ctx, sec, list.length, list, terms, { mark: 'exact', ...(sectionFigures ? { figures: sectionAt(ctx, sec).figures } : {}) }));
  return makeAnswer('figures', q, 'ok', message(bySection.size), {
    resolved: { kind: 'text', id: ctx.fkey(q), label: q },
    results,
    // Figures near the word, not about it: an answer close to the question, not of it.
    ...(sectionFigures ? { approximate: true } : {}),
  });
}
