import { describe, expect, it } from 'vitest';
import { scorePlaces } from '../../src/eval/score.ts';

const place = (division: string, optional = false) => ({ division, optional });

describe('Scoring places by the corpus README', () => {
  const truth = [place('四川省成都市龙泉驿区'), place('山东省', true), place('湖北省')];

  it('counts a division that contains a listed one as right, but not as found', () => {
    const { counts } = scorePlaces(['四川省', '四川省成都市'], truth);
    expect(counts).toEqual({ found: 0, right: 2, ours: 2, truth: 2 });
  });

  it('counts an optional division as right and never requires it', () => {
    const { counts } = scorePlaces(['山东省', '湖北省'], truth);
    expect(counts).toEqual({ found: 1, right: 2, ours: 2, truth: 2 });
  });

  it('counts a division inside a listed one, or elsewhere, as wrong', () => {
    const { counts, allowed } = scorePlaces(['湖北省武汉市', '河南省'], truth);
    expect(counts.right).toBe(0);
    expect([...allowed]).toEqual([]);
  });
});
