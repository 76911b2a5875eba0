import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeStartParameter, encodeStartParameter } from '../../src/bot/deep-link.ts';
import { inlineCommandLine } from '../../src/bot/inline.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import type { InlineArticle } from '../support/fake-bot-api.ts';
import { BOT_ID, dm, setup, type Setup } from './support.ts';

let s: Setup;
beforeEach(async () => { s = await setup(); });
afterEach(async () => { await s.close(); });

/** The last answerInlineQuery the bot sent (accepted or not). */
const lastAnswer = () => s.api.callsTo('answerInlineQuery').at(-1)?.params ?? {};
const resultsOf = (params: Record<string, unknown>) => params['results'] as InlineArticle[];

describe('Inline text read as a command line', () => {
  it('turns a leading search command without its slash into that command', () => {
    expect(inlineCommandLine('district 潼南')).toBe('/district 潼南');
    expect(inlineCommandLine('District潼南')).toBe('/district 潼南');
    expect(inlineCommandLine(' figures 7316 ')).toBe('/figures 7316');
  });

  it('leaves slash commands, bare words, pinyin and other commands as they are', () => {
    for (const text of ['/topic 就业', '潼南', 'tongnan', 'districts 潼南', 'subscribe 07:30', '']) expect(inlineCommandLine(text)).toBe(text);
  });
});

describe('An inline query', () => {
  it('is answered once with results in the bot\'s HTML, a short cache shared by everyone, and a button to search again', async () => {
    const id = await s.inline('district 潼南');
    expect(s.engineCalls).toEqual([['district', '潼南']]);
    const answers = s.api.inlineAnswers(id);
    expect(answers).toHaveLength(1);
    const params = answers[0]!;
    expect(params).toMatchObject({ inline_query_id: id, cache_time: 60, is_personal: false, next_offset: '' });
    const [result] = resultsOf(params);
    expect(result).toMatchObject({ type: 'article', title: '钟熙 · 提速建设国家重要先进制造业中心', input_message_content: { parse_mode: 'HTML' } });
    expect(validateTelegramHtml(result!.input_message_content.message_text)).toEqual([]);
    expect(result!.reply_markup!.inline_keyboard[0]![0]).toEqual({ text: '🔍 再搜一次', switch_inline_query_current_chat: 'district 潼南' });
  });

  it('a bare word is asked of each command in turn before full text', async () => {
    await s.inline('潼南');
    // The scripted engine never resolves anything, so every guess falls through to full text.
    expect(s.engineCalls.map(([c]) => c)).toEqual(['figures', 'district', 'topic', 'person', 'search']);
    expect(resultsOf(lastAnswer())).toHaveLength(1);
  });

  it('comes in pages of 20: next_offset leads to the next page and the last page has none', async () => {
    const offsets: string[] = [];
    const ids: string[] = [];
    let offset = '';
    do {
      await s.inline('search lots', offset);
      const params = lastAnswer();
      ids.push(...resultsOf(params).map((r) => r.id));
      offset = String(params['next_offset']);
      offsets.push(offset);
    } while (offset !== '');
    expect(offsets).toEqual(['20', '40', '']);
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    expect(s.api.callsTo('answerInlineQuery').every((c) => c.ok)).toBe(true);
  });

  it('an empty query offers starting points: the districts and topics the report covers most, then the newest article', async () => {
    await s.inline('');
    const titles = resultsOf(lastAnswer()).map((r) => r.title);
    expect(titles).toEqual(['区县 · 两江新区', '区县 · 潼南区', '主题 · 制造业', '最新报道 · 凝心聚力抓发展 接续奋斗谱新篇']);
    expect(lastAnswer()['button']).toBeUndefined();
  });

  it('a query with no hits gets one result that says so, and a button that opens the bot on that answer', async () => {
    await s.inline('search nothing');
    const params = lastAnswer();
    const results = resultsOf(params);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: 'none', title: '没有找到结果', description: '报道中没有找到“nothing”。' });
    expect(results[0]!.input_message_content.message_text).toContain('<code>/search 就业</code>');
    const button = params['button'] as { text: string; start_parameter: string };
    expect(button.text).toBe('在私聊中打开机器人');
    expect(decodeStartParameter(button.start_parameter)).toEqual({ command: 'search', query: 'nothing' });
  });

  it('an unknown command, and a command that needs a chat with the bot, are each one result that says so', async () => {
    await s.inline('/weather 潼南');
    expect(resultsOf(lastAnswer()).map((r) => r.title)).toEqual(['不认识的命令 /weather']);
    await s.inline('/subscribe 07:30');
    expect(resultsOf(lastAnswer()).map((r) => r.title)).toEqual(['/subscribe 请在私聊中使用']);
    expect(lastAnswer()['button']).toMatchObject({ start_parameter: 'inline' });
    expect(s.engineCalls).toEqual([]);
  });

  it('writes one log line with the command and the number of results', async () => {
    await s.inline('topic lots');
    const line = JSON.parse(s.logs.filter((l) => l.includes('"msg":"update"')).at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ type: 'inline_query', command: 'inline topic', results: 45 });
  });
});

describe('Inline flood control', () => {
  it('answers 12 queries in 10 s, then one uncached personal notice, then nothing until the window passes', async () => {
    for (let i = 0; i < 15; i++) await s.inline(`search q${i}`);
    const calls = s.api.callsTo('answerInlineQuery');
    expect(calls).toHaveLength(13);
    expect(calls[12]!.params).toMatchObject({ results: [], cache_time: 0, is_personal: true, button: { text: '操作太频繁了，请稍等几秒再试', start_parameter: 'flood' } });
    expect(s.engineCalls.filter(([c]) => c === 'search')).toHaveLength(12);
    s.clock.now += 10_001;
    await s.inline('search again');
    expect(resultsOf(lastAnswer())).toHaveLength(1);
  });

  it('counts users apart, and leaves the budget for commands alone', async () => {
    for (let i = 0; i < 14; i++) await s.inline(`search q${i}`);
    await s.inline('search other', '', { id: 77 });
    expect(s.api.inlineAnswers().at(-1)!['is_personal']).toBe(false);
    await s.send(dm('/search 潼南'));
    expect(s.api.sentTexts().at(-1)).toContain('“潼南”：找到 1 条相关内容。');
  });
});

describe('Answering an inline query in time', () => {
  it('waits out a short 429 within the deadline and answers', async () => {
    s.api.fail({ method: 'answerInlineQuery', times: 1 }, { kind: 'retry_after', seconds: 1 });
    await s.inline('search 潼南');
    expect(s.api.callsTo('answerInlineQuery').map((c) => c.status)).toEqual([429, 200]);
  });

  it('does not retry when the wait would end after the query expired, and logs it without an error reply', async () => {
    s.api.fail({ method: 'answerInlineQuery', times: 1 }, { kind: 'retry_after', seconds: 30 });
    await s.inline('search 潼南');
    expect(s.api.callsTo('answerInlineQuery').map((c) => c.status)).toEqual([429]);
    const log = s.logs.join('');
    expect(log).toMatch(/"reason":"429: Too Many Requests: retry after 30".*inline answer failed; not retried/);
    expect(log).not.toContain('handler failed');
    expect(s.api.sent()).toEqual([]);
  });

  it('never retries once Telegram says the query is too old', async () => {
    s.api.fail({ method: 'answerInlineQuery' }, { kind: 'bad_request', description: 'query is too old and response timeout expired or query ID is invalid' });
    await s.inline('search 潼南');
    expect(s.api.callsTo('answerInlineQuery')).toHaveLength(1);
    expect(s.logs.join('')).toContain('query is too old');
  });

  it('abandons a request still out at the deadline, and logs a slow answer', async () => {
    const timed = await setup({ inline: { deadlineMs: 150, slowMs: 20 } });
    try {
      timed.api.fail({ method: 'answerInlineQuery', times: 1 }, { kind: 'delay', ms: 400 });
      await timed.inline('search 潼南');
      expect(timed.logs.join('')).toMatch(/no answer from Telegram before the query expired.*inline answer failed; not retried/);
      timed.api.fail({ method: 'answerInlineQuery', times: 1 }, { kind: 'delay', ms: 60 });
      await timed.inline('search 潼南');
      expect(timed.logs.join('')).toContain('slow inline answer');
      expect(timed.api.callsTo('answerInlineQuery')).toHaveLength(2);
    } finally {
      await timed.close();
    }
  });
});

describe('A result posted through inline mode', () => {
  it('is not taken for a question, even in the private chat with the bot', async () => {
    const posted = dm('<b>钟熙</b> …');
    (posted['message'] as Record<string, unknown>)['via_bot'] = { id: BOT_ID, is_bot: true, first_name: 'Bot', username: 'report_test_bot' };
    await s.send(posted);
    expect(s.api.sent()).toEqual([]);
    expect(s.engineCalls).toEqual([]);
  });
});

describe('A deep link', () => {
  it('/start district-… opens the bot on that answer, with the 转发 button', async () => {
    await s.send(dm(`/start ${encodeStartParameter('district', '潼南')}`));
    expect(s.engineCalls).toEqual([['district', '潼南']]);
    const reply = s.api.sent().at(-1)!;
    expect(String(reply.params['text'])).toContain('“潼南”：找到 1 条相关内容。');
    expect(reply.params['reply_markup']).toEqual({ inline_keyboard: [[{ text: '转发', switch_inline_query: 'district 潼南' }]] });
  });

  it('/start with a parameter that is no deep link (the buttons\' inline and flood) greets', async () => {
    await s.send(dm('/start inline'));
    await s.send(dm('/start flood'));
    expect(s.api.sentTexts()).toHaveLength(2);
    for (const text of s.api.sentTexts()) expect(text).toContain('试试这些命令');
    expect(s.engineCalls).toEqual([]);
  });
});
