import { describe, expect, it } from 'vitest';
import { parseFigureQuery, valueDistance } from '../../src/core/figures.ts';
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
