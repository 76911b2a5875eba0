import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldChar, foldersOf, foldWithMap, nameKey, normalize } from '../../src/core/normalize.ts';
import { latinKey, pinyinKeys } from '../../src/core/pinyin.ts';

describe('normalize', () => {
  it('turns traditional characters into simplified ones', () => {
    expect(normalize('九龍坡 開州 沙坪壩')).toBe('九龙坡 开州 沙坪坝');
  });

  it('folds full-width letters and digits and lower-cases Latin', () => {
    expect(normalize('ＡＢＣ１２３ Tong')).toBe('abc123 tong');
  });

  it('drops control and zero-width characters', () => {
    expect(normalize('潼\u0000南\u200b区')).toBe('潼南区');
  });
});

describe('foldWithMap', () => {
  it('maps every folded character back to its original offset, even when folding changes length', () => {
    const folded = foldWithMap('Ⅱ類水質');
    expect(folded.text).toBe('ii类水质');
    expect(Array.from(folded.origin)).toEqual([0, 0, 1, 2, 3, 4]);
  });
});

describe('nameKey', () => {
  it('ignores spaces and punctuation when comparing names', () => {
    expect(nameKey(' 沙坪 壩、')).toBe('沙坪坝');
  });
});

describe('pinyin keys', () => {
  it('give full toneless pinyin and initials', () => {
    expect(pinyinKeys('潼南')).toEqual({ full: 'tongnan', initials: 'tn' });
  });

  it('read Latin queries in any case and spacing, with tone digits', () => {
    expect(latinKey('Tong Nan')).toBe('tongnan');
    expect(latinKey('TONG2NAN2')).toBe('tongnan');
    expect(latinKey('潼南')).toBeNull();
  });

  it('read pinyin typed with tone marks as the toneless key', () => {
    expect(latinKey('Tóngnán')).toBe('tongnan');
    expect(latinKey('JiùYè')).toBe('jiuye');
    expect(latinKey('Liú Hóngguāng')).toBe('liuhongguang');
  });

  it('read ü, with or without a tone mark, and u: as v', () => {
    expect(latinKey('lǜsè')).toBe('lvse');
    expect(latinKey('Lü Se')).toBe('lvse');
    expect(latinKey('lu:se')).toBe('lvse');
    expect(latinKey('nǚ')).toBe('nv');
  });
});

describe('normalize with the default fold', () => {
  it('gives what folding each character in turn gives, for any text (the fast path copies runs that fold to themselves)', () => {
    const oneByOne = (ch: string): string => foldChar(ch);
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.array(fc.constantFrom('就', '業', '，', 'Ａ', 'B', '1', '😀', '\u200d', '\ud800', '開', '县', ' ', '①'), { maxLength: 40 }).map((cs) => cs.join('')),
    );
    fc.assert(fc.property(text, (t) => normalize(t) === normalize(t, oneByOne)), { numRuns: 500 });
    fc.assert(fc.property(text, (t) => {
      expect(foldWithMap(t)).toEqual(foldWithMap(t, oneByOne));
    }), { numRuns: 500 });
  });
});

describe('foldersOf', () => {
  it('binds normalize and nameKey to a fold, the same two functions for every caller of that fold', () => {
    const { norm, key } = foldersOf(foldChar);
    expect(norm('沙坪 壩、ＡＢ')).toBe(normalize('沙坪 壩、ＡＢ'));
    expect(key(' 沙坪 壩、')).toBe(nameKey(' 沙坪 壩、'));
    expect(foldersOf(foldChar).norm).toBe(norm);
    const upper = (ch: string): string => ch.toUpperCase();
    expect(foldersOf(upper).norm('ab c')).toBe('AB C');
    expect(foldersOf(upper).key).not.toBe(key);
  });
});
