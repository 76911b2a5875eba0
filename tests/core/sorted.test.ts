import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, sortedHas, sortShort } from '../../src/core/sorted.ts';

describe('binary search over an ascending list', () => {
  const list = [2, 3, 3, 7, 11];

  it('finds the first place a value ≥ x would go, for plain and typed arrays alike', () => {
    for (const l of [list, Int32Array.from(list), Float64Array.from(list)]) {
      expect([0, 2, 3, 4, 7, 11, 12].map((x) => lowerBound(l, x))).toEqual([0, 0, 1, 3, 3, 4, 5]);
    }
    expect(lowerBound([], 5)).toBe(0);
  });

  it('says whether the list holds a value', () => {
    expect([2, 3, 7, 11].every((x) => sortedHas(list, x))).toBe(true);
    expect([0, 4, 12].some((x) => sortedHas(list, x))).toBe(false);
    expect(sortedHas(new Int32Array(0), 0)).toBe(false);
  });
});

describe('sorting a short list', () => {
  it('orders as Array#sort does, stable, short or long', () => {
    // Pairs compared by their first item only, so equal keys show whether their order was kept.
    const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat()), { maxLength: 40 });
    fc.assert(fc.property(pairs, (xs) => {
      const order = (a: [number, number], b: [number, number]) => a[0] - b[0];
      expect(sortShort([...xs], order)).toEqual([...xs].sort(order));
    }), { numRuns: 1000 });
  });
});
