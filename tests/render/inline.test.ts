import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer, AnswerResult } from '../../src/core/answer.ts';
import type { Article } from '../../src/core/report.ts';
import { MAX_MESSAGE_CHARS } from '../../src/render/html.ts';
import { bestSentence, inlineQueryFor, noHitResult, parseOffset, resultPage, resultTitle, startingResults } from '../../src/render/inline.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { REPORT } from '../bot/support.ts';
import { makeAnswer, makeResult } from './fixtures.ts';

const ARTICLE: Article = REPORT.articles[0]!;

/** The HTML an inline result posts. */
function posted(result: { input_message_content: unknown }): string {
  return (result.input_message_content as { message_text: string }).message_text;
}

describe('An answer as inline results', () => {
  const many = makeAnswer({ results: Array.from({ length: 45 }, (_, i) => makeResult({ sectionId: `s${i}`, excerpt: `第${i + 1}段。` })) });

  it('comes in pages of 20, each next_offset pointing at the first result of the next page, the last page with none', () => {
    const pages = [0, 20, 40].map((offset) => resultPage(many, { offset, again: '新能源' }));
    expect(pages.map((p) => p.results.length)).toEqual([20, 20, 5]);
    expect(pages.map((p) => p.nextOffset)).toEqual(['20', '40', '']);
    expect(pages[1]!.results[0]!.title).toContain('钟熙');
    expect(posted(pages[1]!.results[0]!)).toContain('第21段');
    const ids = pages.flatMap((p) => p.results.map((r) => r.id));
    expect(new Set(ids).size).toBe(45);
    for (const id of ids) expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
  });

  it('gives an empty last page for an offset past the end', () => {
    expect(resultPage(many, { offset: 100, again: 'x' })).toEqual({ results: [], nextOffset: '' });
  });

  it('reads a forged offset as the first page', () => {
    for (const offset of ['', 'abc', '-5', '1e3', '99999999999']) expect(parseOffset(offset)).toBe(0);
    expect(parseOffset('40')).toBe(40);
  });

  it('posts each result in the bot\'s HTML, unnumbered, with its source and a button to search again', () => {
    const { results } = resultPage(makeAnswer(), { offset: 0, again: '新能源', articleOf: () => ARTICLE });
    const html = posted(results[0]!);
    expect(html).toMatch(/^<b>钟熙（市经信委规划投资处处长）<\/b>/);
    expect(html).toContain('<blockquote>6月1日，重庆金康<b>新能源汽车</b>有限公司又有一批新能源汽车下线。</blockquote>');
    expect(html).toContain('<i>摘自《凝心聚力抓发展 接续奋斗谱新篇》（2022-06-03）</i>');
    expect(validateTelegramHtml(html)).toEqual([]);
    expect(results[0]!.input_message_content).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(results[0]!.reply_markup).toEqual({ inline_keyboard: [[{ text: '🔍 再搜一次', switch_inline_query_current_chat: '新能源' }]] });
  });

  it('titles a result by the place asked for or the speaker, then the headline', () => {
    const place = makeAnswer({ command: 'district', resolved: { kind: 'district', id: '潼南区', label: '潼南区' } });
    expect(resultTitle(place, makeResult())).toBe('潼南区 · 提速建设国家重要先进制造业中心');
    expect(resultTitle(makeAnswer(), makeResult())).toBe('钟熙 · 提速建设国家重要先进制造业中心');
    expect(resultTitle(makeAnswer(), makeResult({ speaker: null, headline: null, title: '导语' }))).toBe('导语');
    expect(resultTitle(makeAnswer(), makeResult({ speaker: null, headline: null }))).toBe('报道');
  });

  it('describes a result by its best sentence, the highlighted words not marked', () => {
    const result = makeResult({ excerpt: '第一句没有。第二句有新能源汽车。第三句有新能源。', highlights: [[10, 15], [21, 24]] });
    expect(bestSentence(result)).toBe('第二句有新能源汽车。');
    expect(bestSentence(makeResult({ excerpt: '只有一句', highlights: [] }))).toBe('只有一句');
  });

  it('for any answer, every posted message is valid Telegram HTML within 4,096 characters and every title and id is usable', () => {
    const nasty = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('<', '>', '&', '"', '\u0000', '\u0007', '中', '。', '\uD83D', '😀', 'a', '\n'), maxLength: 5000 }),
    );
    const result: fc.Arbitrary<AnswerResult> = fc.record({
      sectionId: fc.string(),
      score: fc.double({ noNaN: true }),
      speaker: fc.option(fc.record({ name: nasty, role: nasty, org: nasty }), { nil: null }),
      headline: fc.option(nasty, { nil: null }),
      excerpt: nasty,
      highlights: fc.array(fc.tuple(fc.nat(5000), fc.nat(5000)), { maxLength: 5 }),
      figures: fc.array(fc.record({ text: nasty, value: fc.double({ noNaN: true, noDefaultInfinity: true }), unit: fc.constant('元'), qualifier: fc.constant('exact' as const), context: nasty }), { maxLength: 4 }),
    });
    const answer: fc.Arbitrary<Answer> = fc.record({
      command: fc.constantFrom('district', 'topic', 'person', 'figures', 'search'),
      query: nasty,
      status: fc.constantFrom('ok', 'no_match'),
      resolved: fc.option(fc.record({ kind: fc.constantFrom('district', 'person', 'text'), id: fc.string(), label: nasty }), { nil: null }),
      message: nasty,
      suggestions: fc.array(nasty, { maxLength: 3 }),
      results: fc.array(result, { maxLength: 3 }),
    });
    const article: fc.Arbitrary<Article> = fc.record({ id: fc.constant('a'), source: fc.constant('x.txt'), date: fc.constant('2022-06-03'), title: nasty.map((t) => `《${t}`), subtitle: fc.constant(null), reporters: fc.constant<string[]>([]) });
    fc.assert(
      fc.property(answer, article, (a, art) => {
        const results = a.results.length > 0 ? resultPage(a, { offset: 0, again: inlineQueryFor(a.command, a.query), articleOf: () => art }).results : [noHitResult(a, 'x')];
        for (const r of results) {
          const content = r.input_message_content as { message_text: string; parse_mode?: string };
          expect(content.message_text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
          expect(content.message_text.trim()).not.toBe('');
          if (content.parse_mode === 'HTML') expect(validateTelegramHtml(content.message_text)).toEqual([]);
          expect(r.title.length).toBeGreaterThan(0);
          expect(r.title.length).toBeLessThanOrEqual(100);
          expect((r.description ?? '').length).toBeLessThanOrEqual(120);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('The answer to a query with no hits', () => {
  it('never posts a blank message, even for a blank answer', () => {
    const result = noHitResult(makeAnswer({ status: 'no_match', message: '\n', results: [] }), 'x');
    expect(result.input_message_content).toEqual({ message_text: '…', link_preview_options: { is_disabled: true } });
  });

  it('is one result that says so and posts the bot\'s whole answer with its suggestions', () => {
    const answer = makeAnswer({ status: 'no_match', message: '报道中没有找到“火星”。', suggestions: ['就业'], results: [] });
    const result = noHitResult(answer, '火星');
    expect(result).toMatchObject({ id: 'none', title: '没有找到结果', description: '报道中没有找到“火星”。' });
    expect(posted(result)).toContain('<code>/search 就业</code>');
  });
});

describe('The answer to an empty query', () => {
  it('offers the starting points that have results, each posting its answer and searching it again, then the newest article', () => {
    const district = makeAnswer({ command: 'district', query: '两江新区', message: '两江新区：报道中有 1 段相关内容。' });
    const empty = makeAnswer({ command: 'topic', query: '制造业', results: [] });
    const results = startingResults([{ kind: '区县', label: '两江新区', answer: district }, { kind: '主题', label: '制造业', answer: empty }], REPORT);
    expect(results.map((r) => r.title)).toEqual(['区县 · 两江新区', '最新报道 · 凝心聚力抓发展 接续奋斗谱新篇']);
    expect(results[0]!.reply_markup!.inline_keyboard[0]![0]).toMatchObject({ switch_inline_query_current_chat: 'district 两江新区' });
    const card = posted(results[1]!);
    expect(card).toContain('• 钟熙：提速建设国家重要先进制造业中心');
    expect(results[1]!.description).toBe('2022-06-03 · 2 个部分');
    for (const r of results) expect(validateTelegramHtml(posted(r))).toEqual([]);
  });
});

describe('The inline query that finds an answer again', () => {
  it('names the command, so no guess is involved, and fits Telegram\'s 256 characters', () => {
    expect(inlineQueryFor('district', ' 潼南 ')).toBe('district 潼南');
    expect(inlineQueryFor('search', '重庆'.repeat(200)).length).toBeLessThanOrEqual(256);
  });
});
