import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/answer.ts';
import {
  answerKeyboard,
  escapeHtml,
  MAX_CALLBACK_BYTES,
  MAX_MESSAGE_CHARS,
  pageCallbackData,
  PageCallbackSchema,
  pageKeyboard,
  renderHtmlPages,
} from '../../src/render/html.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { makeAnswer, makeResult } from './fixtures.ts';

/** The text a Telegram user sees: tags dropped, entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe('escapeHtml', () => {
  it('turns markup in a query into literal text', () => {
    expect(escapeHtml('<b>&x</i>')).toBe('&lt;b&gt;&amp;x&lt;/i&gt;');
    expect(visible(escapeHtml('<b>&x</i>'))).toBe('<b>&x</i>');
  });

  it('escapes quotes so text is safe inside attributes too', () => {
    expect(escapeHtml('"a"')).toBe('&quot;a&quot;');
  });
});

describe('renderHtmlPages', () => {
  it('shows a query with HTML in it literally and stays valid', () => {
    const pages = renderHtmlPages(makeAnswer({ query: '<b>&x</i>', message: '没有找到“<b>&x</i>”。', status: 'no_match', results: [] }));
    expect(pages).toHaveLength(1);
    expect(validateTelegramHtml(pages[0]!)).toEqual([]);
    expect(visible(pages[0]!)).toContain('没有找到“<b>&x</i>”。');
  });

  it('heads a result with no speaker by its title, and one with a speaker but no headline by speaker then title', () => {
    const fragment = makeResult({ speaker: null, headline: null, title: '（上接1版）就业' });
    expect(renderHtmlPages(makeAnswer({ results: [fragment] }))[0]).toContain('<b>1. （上接1版）就业</b>');
    const quoted = makeResult({ speaker: { name: '黎勇', role: '', org: '' }, headline: null, title: '（上接1版）就业' });
    expect(renderHtmlPages(makeAnswer({ results: [quoted] }))[0]).toMatch(/<b>1\. 黎勇<\/b>\n<i>（上接1版）就业<\/i>/);
  });

  it('bolds the matched words inside the quoted excerpt', () => {
    const [page] = renderHtmlPages(makeAnswer({ results: [makeResult({ excerpt: '金康新能源汽车', highlights: [[2, 5]] })] }));
    expect(page).toContain('<blockquote>金康<b>新能源</b>汽车</blockquote>');
  });

  it('puts three results on a page and repeats the message on every page', () => {
    const results = Array.from({ length: 7 }, (_, i) => makeResult({ sectionId: `s${i}`, excerpt: `第${i + 1}段` }));
    const pages = renderHtmlPages(makeAnswer({ results, message: '找到 7 条。' }));
    expect(pages).toHaveLength(3);
    for (const page of pages) expect(page.startsWith('<b>找到 7 条。</b>')).toBe(true);
    expect(pages[2]).toContain('7. 钟熙');
  });

  it('splits long results across pages so none exceeds 4,096 characters', () => {
    const results = Array.from({ length: 5 }, () => makeResult({ excerpt: '党代会'.repeat(500), highlights: [[0, 3]] }));
    const pages = renderHtmlPages(makeAnswer({ results }));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      expect(validateTelegramHtml(page)).toEqual([]);
    }
  });

  it('shortens a single huge excerpt with an ellipsis instead of overflowing', () => {
    const [page] = renderHtmlPages(makeAnswer({ results: [makeResult({ excerpt: '&'.repeat(20_000), highlights: [[0, 20_000]] })] }));
    expect(page!.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(page).toContain('…');
    expect(validateTelegramHtml(page!)).toEqual([]);
  });

  it('lists suggestions as tap-to-copy commands', () => {
    const [page] = renderHtmlPages(makeAnswer({ command: 'person', status: 'ambiguous', results: [], suggestions: ['吴超', '/topic 就业'] }));
    expect(page).toContain('试试（点击复制）：<code>/person 吴超</code>、<code>/topic 就业</code>');
  });

  it('always yields valid Telegram HTML within 4,096 characters, for any answer', () => {
    const nasty = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('<', '>', '&', '"', '\u0000', '\u0007', '中', '\uD83D', '😀', 'a', '\n'), maxLength: 3000 }),
    );
    const person = fc.record({ name: nasty, role: nasty, org: nasty });
    const figure = fc.record({ text: nasty, value: fc.double({ noNaN: true, noDefaultInfinity: true }), unit: fc.constant('元'), qualifier: fc.constant('exact' as const), context: nasty });
    const result = fc.record({
      sectionId: fc.string(),
      score: fc.double({ noNaN: true }),
      speaker: fc.option(person, { nil: null }),
      headline: fc.option(nasty, { nil: null }),
      excerpt: nasty,
      highlights: fc.array(fc.tuple(fc.nat(4000), fc.nat(4000)), { maxLength: 5 }),
      figures: fc.array(figure, { maxLength: 4 }),
    });
    const answer: fc.Arbitrary<Answer> = fc.record({
      command: fc.constantFrom('district', 'topic', 'person', 'figures', 'search'),
      query: nasty,
      status: fc.constantFrom('ok', 'usage', 'no_match', 'no_coverage', 'not_chongqing', 'ambiguous'),
      resolved: fc.constant(null),
      message: nasty.map((m) => `结果${m}`),
      suggestions: fc.array(nasty, { maxLength: 5 }),
      results: fc.array(result, { maxLength: 8 }),
    });
    fc.assert(
      fc.property(answer, (a) => {
        for (const page of renderHtmlPages(a)) {
          expect(page.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
          expect(validateTelegramHtml(page)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('page buttons', () => {
  it('has no keyboard for a single page', () => {
    expect(pageKeyboard('k1', 0, 1)).toBeUndefined();
  });

  it('offers 上一页 and 下一页 around the page number', () => {
    const row = pageKeyboard('k1', 1, 5)!.inline_keyboard[0]!;
    expect(row.map((b) => b.text)).toEqual(['« 上一页', '2/5', '下一页 »']);
  });

  it('adds a 转发 row under the page row of a shareable answer, and alone on a single page', () => {
    expect(answerKeyboard('k1', 0, 3, 'district 潼南')!.inline_keyboard).toEqual([
      [{ text: '1/3', callback_data: 'noop' }, { text: '下一页 »', callback_data: 'pg:k1:1' }],
      [{ text: '转发', switch_inline_query: 'district 潼南' }],
    ]);
    expect(answerKeyboard('', 0, 1, 'topic 就业')).toEqual({ inline_keyboard: [[{ text: '转发', switch_inline_query: 'topic 就业' }]] });
    expect(answerKeyboard('', 0, 1)).toBeUndefined();
  });

  it('keeps callback data short, ASCII and parseable back to the page', () => {
    const data = pageCallbackData('abcdefghijkl', 9999);
    expect(Buffer.byteLength(data)).toBeLessThan(MAX_CALLBACK_BYTES);
    expect(data).toMatch(/^[\x20-\x7e]+$/);
    expect(PageCallbackSchema.parse(data)).toEqual({ key: 'abcdefghijkl', page: 9999 });
  });

  it('rejects forged callback data', () => {
    for (const forged of ['pg:潼南:1', 'pg::1', 'pg:k:-1', 'pg:k:1:2', 'x'.repeat(70), 'drop table']) {
      expect(PageCallbackSchema.safeParse(forged).success).toBe(false);
    }
  });
});

describe('validateTelegramHtml', () => {
  it('accepts the tags Telegram supports, nested and balanced', () => {
    expect(validateTelegramHtml('<b>a <i>b</i></b> <a href="https://x.org">c</a> <blockquote>d</blockquote> &lt;&#20013;&#x4e2d;')).toEqual([]);
  });

  it('finds unknown tags, bad attributes, unbalanced tags, bare & and unknown entities', () => {
    expect(validateTelegramHtml('<div>a</div>')).toContain('tag <div> not allowed at 0');
    expect(validateTelegramHtml('<b onclick="x">a</b>')[0]).toMatch(/attribute onclick/);
    expect(validateTelegramHtml('<b><i>a</b></i>').length).toBeGreaterThan(0);
    expect(validateTelegramHtml('<b>a')).toContain('<b> never closed');
    expect(validateTelegramHtml('a & b')[0]).toMatch(/bare "&"/);
    expect(validateTelegramHtml('&nbsp;')[0]).toMatch(/bare "&"/);
    expect(validateTelegramHtml('a < b')[0]).toMatch(/bare "<"/);
  });

  it('counts characters after decoding entities and flags messages over the limit', () => {
    expect(validateTelegramHtml('x'.repeat(4097))).toContain('text is 4097 characters, over 4096');
    expect(validateTelegramHtml('')).toContain('message text is empty');
  });
});

describe('When a long emoji query is echoed and has to be cut', () => {
  const family = '👨‍👩‍👧';
  const answer = makeAnswer({ query: family.repeat(300), message: `报道中没有找到“${family.repeat(300)}”。`, results: [] });

  it('the cut falls between two families, never inside one', () => {
    const header = visible(renderHtmlPages(answer)[0]!).split('\n')[0]!;
    expect(header).toMatch(new RegExp(`^报道中没有找到“(${family})+…$`, 'u'));
  });
});
