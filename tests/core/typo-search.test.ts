import fc from 'fast-check';
import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { TypoSearch } from '../../src/core/typo-search.ts';

// Invented keys in the shape of a topic taxonomy's names and synonyms, and their pinyin.
const keys = ['乡村振兴', '新能源汽车', '城市更新', '有机更新', '智能制造', '清洁能源', '对外开放', '外贸进出口', '生态环境保护', '交通安全', '乡村旅游', '高新区', '水资源'];
const rows = keys.map((key, i) => ({ id: `t${i % 5}`, key }));
const pinyinRows = [
  { id: 'a', full: 'xiangcunzhenxing', synonyms: ['nongcun', 'sannong'] },
  { id: 'b', full: 'jiuye', synonyms: ['zaijiuye', 'chuangye'] },
  { id: 'c', full: 'jiaotong', synonyms: ['jiaotonganquan', 'gonglu'] },
];

/** A key with up to two characters replaced, dropped or added, or any string. */
function typed(source: readonly string[], alphabet: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom('swap', 'drop', 'add'), fc.constantFrom(...alphabet));
  const edited = fc.tuple(fc.constantFrom(...source), fc.array(edit, { maxLength: 2 })).map(([k, edits]) => {
    const cs = [...k];
    for (const [at, how, c] of edits) {
      const i = at % (cs.length + 1);
      if (how === 'swap' && i < cs.length) cs[i] = c;
      else if (how === 'drop' && i < cs.length) cs.splice(i, 1);
      else cs.splice(i, 0, c);
    }
    return cs.join('');
  });
  return fc.oneof(edited, fc.string({ maxLength: 40 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }).map((cs) => cs.join('')));
}

describe('TypoSearch, reading only the rows a typo could reach', () => {
  it('finds what Fuse finds over all of them, in the same order with the same scores', () => {
    const options = { keys: ['key'], threshold: 0.3 };
    const fuse = new Fuse(rows, { ...options, ignoreLocation: true, includeScore: true });
    const typos = new TypoSearch(rows, options);
    const alphabet = [...new Set(keys.join(''))];
    fc.assert(fc.property(typed(keys, alphabet), (q) => {
      expect(typos.search(q)).toEqual(fuse.search(q));
    }), { numRuns: 2000 });
  });

  it('does the same over several fields, one of them a list, with the matched ranges', () => {
    const options = { keys: ['full', 'synonyms'], threshold: 0.3, includeMatches: true };
    const fuse = new Fuse(pinyinRows, { ...options, ignoreLocation: true, includeScore: true });
    const typos = new TypoSearch(pinyinRows, options);
    const source = pinyinRows.flatMap((r) => [r.full, ...r.synonyms]);
    fc.assert(fc.property(typed(source, [...'abcdefghijklmnopqrstuvwxyz']), (q) => {
      expect(typos.search(q)).toEqual(fuse.search(q));
    }), { numRuns: 2000 });
  });

  it('does the same over many long pinyin names, where pairs of letters rule out most rows', () => {
    // Names of two and three syllables, as people's are: long patterns whose letters every name shares.
    const syllables = ['liu', 'hong', 'guang', 'wang', 'jian', 'guo', 'zhang', 'xiao', 'ming', 'chen', 'li', 'hua', 'zhou', 'ying', 'huang', 'qiang', 'yang', 'long'];
    const names = Array.from({ length: 80 }, (_, i) => syllables[i % 18]! + syllables[(i * 7 + 3) % 18]! + (i % 3 ? syllables[(i * 5 + 1) % 18]! : ''));
    const people = names.map((full) => ({ full }));
    const options = { keys: ['full'], threshold: 0.25 };
    const fuse = new Fuse(people, { ...options, ignoreLocation: true, includeScore: true });
    const typos = new TypoSearch(people, options);
    fc.assert(fc.property(typed(names, [...'aeghilnouz']), (q) => {
      expect(typos.search(q)).toEqual(fuse.search(q));
    }), { numRuns: 3000 });
  });
});
