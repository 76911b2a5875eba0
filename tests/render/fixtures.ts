import type { Answer, AnswerResult } from '../../src/core/answer.ts';

/** A result about a real section of the article; override any field. */
export function makeResult(overrides: Partial<AnswerResult> = {}): AnswerResult {
  return {
    sectionId: 'a1-s02-zhong-xi',
    score: 1,
    speaker: { name: '钟熙', role: '规划投资处处长', org: '市经信委' },
    headline: '提速建设国家重要先进制造业中心',
    excerpt: '6月1日，重庆金康新能源汽车有限公司又有一批新能源汽车下线。',
    highlights: [[9, 14]],
    figures: [],
    ...overrides,
  };
}

/** An answer with one result; override any field. */
export function makeAnswer(overrides: Partial<Answer> = {}): Answer {
  return {
    command: 'search',
    query: '新能源',
    status: 'ok',
    resolved: { kind: 'text', id: '新能源', label: '新能源' },
    message: '“新能源”：找到 1 条相关内容。',
    suggestions: [],
    results: [makeResult()],
    ...overrides,
  };
}
