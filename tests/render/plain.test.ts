import { describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/render/plain.ts';
import { makeAnswer, makeResult } from './fixtures.ts';

describe('renderPlain', () => {
  it('shows the message, the speaker with their post, the headline and the excerpt', () => {
    const out = renderPlain(makeAnswer(), { highlight: false });
    expect(out).toContain('“新能源”：找到 1 条相关内容。');
    expect(out).toContain('1. 钟熙（市经信委规划投资处处长）');
    expect(out).toContain('提速建设国家重要先进制造业中心');
    expect(out).toContain('重庆金康新能源汽车有限公司');
  });

  it('marks the matched words with 【】 unless told not to', () => {
    const answer = makeAnswer({ results: [makeResult({ excerpt: '金康新能源汽车', highlights: [[2, 5]] })] });
    expect(renderPlain(answer)).toContain('金康【新能源】汽车');
    expect(renderPlain(answer, { highlight: false })).toContain('金康新能源汽车');
  });

  it('merges overlapping highlights and ignores ranges outside the excerpt', () => {
    const answer = makeAnswer({ results: [makeResult({ excerpt: 'abcdef', highlights: [[1, 3], [2, 4], [50, 60], [5, 2]] })] });
    expect(renderPlain(answer)).toContain('a【bcd】ef');
  });

  it('lists each figure for /figures, with its sentence only when the excerpt does not already show it', () => {
    const figure = { text: '2.6万亿元', value: 2.6e12, unit: '元', qualifier: 'exact' as const, context: '全市GDP达2.6万亿元。' };
    const elsewhere = renderPlain(makeAnswer({ command: 'figures', results: [makeResult({ figures: [figure] })] }));
    expect(elsewhere).toContain('· 2.6万亿元：全市GDP达2.6万亿元。');
    const inExcerpt = renderPlain(makeAnswer({ command: 'figures', results: [makeResult({ excerpt: '全市GDP达2.6万亿元。', highlights: [], figures: [figure] })] }));
    expect(inExcerpt).toContain('· 2.6万亿元');
    expect(inExcerpt).not.toContain('· 2.6万亿元：');
  });

  it('shows suggestions as commands to type when nothing matched', () => {
    const out = renderPlain(makeAnswer({ command: 'district', status: 'no_match', message: '没有找到“火星”。', results: [], suggestions: ['潼南', '/topic 就业'] }));
    expect(out).toBe('没有找到“火星”。\n\n试试：/district 潼南、/topic 就业');
  });

  it('strips control characters from user text', () => {
    const out = renderPlain(makeAnswer({ message: 'a\u0000b\u0007c', results: [] }));
    expect(out).toBe('abc');
  });
});
