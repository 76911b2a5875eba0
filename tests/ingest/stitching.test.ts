import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { segmentArticle } from '../../src/ingest/segment.ts';

// The seed's three `（上接1版）` fragments have their rest printed later, out of order. Whatever order the paper
// prints the pieces in, each fragment must come out whole: no character lost, none doubled.
const seed = readFileSync('data/raw/2022-06-03-cqrb-party-congress-reactions.txt', 'utf8');
const paragraphs = seed.split('\n\n');
const at = (start: string) => paragraphs.findIndex((p) => p.startsWith(start));
const continuations = (text: string) =>
  segmentArticle(text)
    .sections.filter((s) => s.kind === 'continuation')
    .map((s) => s.paragraphs.join('\n'))
    .sort();
const swapped = (a: number, b: number) => {
  const copy = [...paragraphs];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy.join('\n\n');
};

describe('Stitching continuation fragments printed out of order', () => {
  const original = continuations(seed);
  const firstPiece = at('容，与学习贯彻');
  const secondPiece = at('握大会对全市政协工作');

  it('reads the seed as printed: each fragment whole', () => {
    expect(original.join('')).toContain('深刻领悟、准确把握大会对全市政协工作提出的要求');
    expect(original.join('')).toContain('理论学习的重要内容，与学习贯彻');
  });

  it('gives the same fragments when the two pieces come in the other order', () => {
    expect(firstPiece).toBeGreaterThan(0);
    expect(secondPiece).toBeGreaterThan(0);
    expect(continuations(swapped(firstPiece, secondPiece))).toEqual(original);
  });

  it('gives the same fragments when the two fragments come in the other order', () => {
    const fragments = paragraphs.flatMap((p, i) => (p.startsWith('（上接1版）') ? [i] : []));
    expect(continuations(swapped(fragments[0]!, fragments[1]!))).toEqual(original);
  });
});
