import { describe, expect, it } from 'vitest';
import { highlightExact, highlightTerms, splitSentences, TextIndex } from '../../src/core/text-index.ts';

const marked = (text: string, ranges: [number, number][]): string[] => ranges.map(([a, b]) => text.slice(a, b));

describe('splitSentences', () => {
  it('splits at Chinese stops and keeps closing quotes with their sentence', () => {
    const p = '他说：“好！”我们走。还有呢';
    expect(splitSentences(p).map(([a, b]) => p.slice(a, b))).toEqual(['他说：“好！”', '我们走。', '还有呢']);
  });
});

describe('TextIndex', () => {
  const index = new TextIndex([
    ['整车进口从一年进口96台，到年进口7,316台。口岸发展很快。'],
    ['新能源汽车下线。侧碰壁障进行碰撞试验。'],
  ]);

  it('finds a sentence by a phrase in it', () => {
    const hits = index.search('进口', 0.5, 10);
    expect(hits.map((h) => index.sectionOf(h.sentence))).toEqual([0]);
    expect(index.sentenceText(hits[0]!.sentence)).toContain('7,316');
  });

  it('ignores punctuation inside numbers, so 7316 finds 7,316', () => {
    expect(index.search('7316', 1, 10)).toHaveLength(1);
  });

  it('scores partial matches by the share of bigrams present', () => {
    const [hit] = index.search('新能源车', 0.5, 10);
    expect(hit?.coverage).toBeGreaterThan(0.5);
    expect(hit?.coverage).toBeLessThan(1);
  });

  it('matches a one-character query against any sentence containing that character', () => {
    expect(index.search('碰', 1, 10)).toHaveLength(1);
  });

  it('returns nothing for characters the text never contains', () => {
    expect(index.search('疫情', 0.5, 10)).toEqual([]);
  });

  it('finds sentences that contain a whole term', () => {
    expect(index.sentencesWith('碰撞试验').map((s) => index.sentenceText(s))).toEqual(['侧碰壁障进行碰撞试验。']);
  });
});

describe('highlighting', () => {
  it('marks runs of query bigrams, across punctuation inside a number', () => {
    const text = '工业总量达2.6万亿元。';
    expect(marked(text, highlightTerms(text, ['2.6万亿']))).toEqual(['2.6万亿']);
  });

  it('marks verbatim occurrences of names, in the original traditional text too', () => {
    const text = '九龍坡區九龍灘廣場';
    expect(marked(text, highlightExact(text, ['九龙滩']))).toEqual(['九龍灘']);
  });
});
