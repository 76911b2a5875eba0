import { describe, expect, it } from 'vitest';
import { matchesWritten, parseChineseNumber, parseFigureQuery, valueDistance } from '../../src/core/figures.ts';
import type { Figure } from '../../src/core/report.ts';

const fig = (value: number, unit: string, extra: Partial<Figure> = {}): Figure => ({
  text: `${value}${unit}`,
  value,
  unit,
  qualifier: 'exact',
  context: 'x',
  ...extra,
});

describe('parseFigureQuery', () => {
  it.each([
    ['7316', 7316, null],
    ['7,316', 7316, null],
    ['７３１６', 7316, null],
    ['3369亿', 3369e8, null],
    ['26000亿', 2.6e12, null],
    ['2.6万亿元', 2.6e12, '元'],
    ['42%', 42, '%'],
    ['42％', 42, '%'],
    ['7316台', 7316, '台'],
  ])('reads %s as %d', (q, value, unit) => {
    const r = parseFigureQuery(q);
    expect(r?.value).toBeCloseTo(value, 6);
    expect(r?.unit).toBe(unit);
  });

  it('reads Chinese and slash fractions', () => {
    expect(parseFigureQuery('三分之一')?.value).toBeCloseTo(1 / 3);
    expect(parseFigureQuery('2/3')?.value).toBeCloseTo(2 / 3);
    expect(parseFigureQuery('十分之三')?.value).toBeCloseTo(0.3);
  });

  it('returns null for words', () => {
    expect(parseFigureQuery('进口')).toBeNull();
    expect(parseFigureQuery('')).toBeNull();
  });
});

describe('valueDistance', () => {
  it('is zero for the same amount written differently (26000亿 vs 2.6万亿元)', () => {
    expect(valueDistance(parseFigureQuery('26000亿')!, fig(2.6e12, '元'))).toBe(0);
  });

  it('is small for 42% against 42.1% and large against other numbers', () => {
    const q = parseFigureQuery('42%')!;
    expect(valueDistance(q, fig(42.1, '%'))).toBeLessThan(0.01);
    expect(valueDistance(q, fig(28.9, '%'))).toBeGreaterThan(0.05);
  });

  it('never matches a percentage query to a non-percentage', () => {
    expect(valueDistance(parseFigureQuery('42%')!, fig(42, '台'))).toBe(1);
  });

  it('treats a range as containing everything between its ends', () => {
    expect(valueDistance(parseFigureQuery('4')!, fig(3, '个', { valueMax: 5, qualifier: 'range' }))).toBe(0);
  });

  it('reads a percentage stored as a ratio too', () => {
    expect(valueDistance(parseFigureQuery('42.1%')!, fig(0.421, '%'))).toBeLessThan(1e-9);
  });
});

describe('Percentages written out or as ratios', () => {
  it('reads 百分之四十二 as 42%', () => {
    expect(parseFigureQuery('百分之四十二')).toEqual({ value: 42, unit: '%' });
  });

  it('matches a ratio query (0.421) to a percentage stored as 42.1', () => {
    expect(valueDistance(parseFigureQuery('0.421')!, fig(42.1, '%'))).toBeLessThan(1e-9);
  });
});

describe('Numbers written in Chinese', () => {
  it.each([
    ['七千三百一十六', 7316],
    ['十二', 12],
    ['二十五', 25],
    ['一百零五', 105],
    ['一万二千', 12000],
    ['两万', 20000],
    ['三亿五千万', 350000000],
    ['三千三百六十九亿', 3369e8],
    ['两万亿', 2e12],
    ['二〇二一', 2021],
    ['二点五', 2.5],
  ])('reads %s as %d', (text, value) => {
    expect(parseChineseNumber(text)).toBeCloseTo(value, 6);
  });

  it('is null for words', () => {
    expect(parseChineseNumber('一是')).toBeNull();
    expect(parseChineseNumber('')).toBeNull();
  });

  it('reads them as figure queries, with a unit too', () => {
    expect(parseFigureQuery('七千三百一十六')).toEqual({ value: 7316, unit: null });
    expect(parseFigureQuery('七千三百一十六台')).toEqual({ value: 7316, unit: '台' });
    expect(parseFigureQuery('百分之三十三')).toEqual({ value: 33, unit: '%' });
  });
});

describe('Units of a figure query', () => {
  it('accepts only known units: 5A is text, not 5 of "a"', () => {
    expect(parseFigureQuery('5A')).toBeNull();
    expect(parseFigureQuery('5a')).toBeNull();
    expect(parseFigureQuery('3大')).toBeNull();
  });

  it('accepts known units of any length, and units the caller adds', () => {
    expect(parseFigureQuery('2021年')).toEqual({ value: 2021, unit: '年' });
    expect(parseFigureQuery('25万人次')).toEqual({ value: 250000, unit: '人次', scaled: true });
    expect(parseFigureQuery('5个百分点')).toEqual({ value: 5, unit: '个百分点' });
    expect(parseFigureQuery('3枚')).toBeNull();
    expect(parseFigureQuery('3枚', ['枚'])).toEqual({ value: 3, unit: '枚' });
  });
});

describe('A percentage asked of a plain ratio', () => {
  it('compares the ratio × 100: 33% is close to 三分之一', () => {
    const third = fig(1 / 3, '', { text: '三分之一' });
    expect(valueDistance(parseFigureQuery('33%')!, third)).toBeLessThan(0.05);
    expect(valueDistance(parseFigureQuery('33.3333333%')!, third)).toBeLessThan(1e-6);
    expect(valueDistance(parseFigureQuery('60%')!, third)).toBeGreaterThan(0.05);
  });

  it('still never matches a percentage to a count', () => {
    expect(valueDistance(parseFigureQuery('33%')!, fig(33, '个'))).toBe(1);
  });
});

describe('Rough amounts and signs in a figure query', () => {
  it.each([
    ['数百', 100, null],
    ['数百名', 100, '名'],
    ['几十个', 10, '个'],
    ['上千', 1000, null],
    ['近万', 10000, null],
    ['近200万', 2e6, null],
    ['约100', 100, null],
    ['100左右', 100, null],
    ['不到30分钟', 30, '分钟'],
  ])('reads %s as roughly %d', (q, value, unit) => {
    expect(parseFigureQuery(q)).toMatchObject({ value, unit, rough: true });
  });

  it('reads -5, −5, －５ and 负5 as minus five', () => {
    for (const q of ['-5', '−5', '－５', '负5']) expect(parseFigureQuery(q)?.value).toBe(-5);
  });
});

describe('matchesWritten', () => {
  const bare = (q: string) => parseFigureQuery(q)!;
  it('takes a bare number as the digits a figure writes before 万/亿: 3369 is 3369亿元, 2.6 is 2.6万亿元', () => {
    expect(matchesWritten(bare('3369'), fig(3369e8, '元', { text: '3369亿元' }))).toBe(true);
    expect(matchesWritten(bare('2.6'), fig(2.6e12, '元', { text: '2.6万亿元' }))).toBe(true);
    expect(matchesWritten(bare('1.5'), fig(1e4, '人', { text: '1-2万人', valueMax: 2e4, qualifier: 'range' }))).toBe(true);
  });

  it('not a number with a unit or magnitude of its own, and not a figure with none', () => {
    expect(matchesWritten(bare('3369万'), fig(3369e8, '元', { text: '3369亿元' }))).toBe(false);
    expect(matchesWritten(bare('3369元'), fig(3369e8, '元', { text: '3369亿元' }))).toBe(false);
    expect(matchesWritten(bare('42'), fig(42, '%', { text: '42.1%' }))).toBe(false);
  });
});
