/**
 * Inline mode end to end: the real bot process against the project's fake Bot API (telegram-test-api has no
 * answerInlineQuery), which refuses malformed answers, invalid HTML and answers to expired queries as Telegram does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStartParameter, encodeStartParameter } from '../../src/bot/deep-link.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { FakeBotApi, type InlineArticle } from '../support/fake-bot-api.ts';
import { spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550003333:AAInlineModeTokenForTests_abcdefghijk';

let api: FakeBotApi;
let bot: BotProcess;
let nextUser = 900;

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN, strictHtml: true, supportsInline: true });
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot });
  await bot.waitFor(/"msg":"bot started"/, 20_000);
});

afterAll(async () => {
  await bot.stop('SIGKILL');
  await api.close();
});

/** A fresh user types `@bot <query>`; resolves with the accepted answer. */
async function ask(query: string, offset = '', userId = nextUser++): Promise<Record<string, unknown>> {
  const id = api.pushInlineQuery({ from: { id: userId }, query, offset });
  await api.until(() => api.callsTo('answerInlineQuery').some((c) => c.params['inline_query_id'] === id));
  const call = api.callsTo('answerInlineQuery').find((c) => c.params['inline_query_id'] === id)!;
  expect(call.status, JSON.stringify(call.params).slice(0, 300)).toBe(200);
  return call.params;
}

const resultsOf = (params: Record<string, unknown>) => params['results'] as InlineArticle[];

function message(chatId: number, text: string): Record<string, unknown> {
  return { message: { message_id: Math.floor(Math.random() * 1e6), date: 1, chat: { id: chatId, type: 'private', first_name: 'u' }, from: { id: chatId, is_bot: false, first_name: 'u' }, text } };
}

describe('Inline mode against the fake Bot API', () => {
  it('does not warn about inline mode when BotFather has it on', () => {
    expect(bot.stdout()).not.toContain('inline mode is off');
  });

  it('@bot 潼南 lists the district\'s sections as valid results, one page with no next offset, each with a button to search again', async () => {
    const params = await ask('潼南');
    const results = resultsOf(params);
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(20);
    expect(params).toMatchObject({ next_offset: '', is_personal: false, cache_time: 60 });
    expect(results[0]!.title).toMatch(/^潼南区 · /);
    for (const r of results) {
      expect(r.input_message_content.parse_mode).toBe('HTML');
      expect(validateTelegramHtml(r.input_message_content.message_text)).toEqual([]);
      expect(r.input_message_content.message_text).toContain('摘自《');
      expect(r.reply_markup!.inline_keyboard[0]![0]).toEqual({ text: '🔍 再搜一次', switch_inline_query_current_chat: '潼南' });
    }
  });

  it('reads pinyin, explicit commands and numbers like the chat does, and an offset past the last page gets an empty page', async () => {
    expect(resultsOf(await ask('tongnan'))[0]!.title).toMatch(/^潼南区 · /);
    const topic = await ask('topic 就业');
    expect(resultsOf(topic).length).toBeGreaterThan(0);
    expect(resultsOf(await ask('7316'))[0]!.input_message_content.message_text).toContain('7316台');
    const broad = await ask('search 发展');
    const ids = resultsOf(broad).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(broad['next_offset']).toBe(ids.length === 20 ? '20' : '');
    const past = await ask('search 发展', '100');
    expect(past).toMatchObject({ results: [], next_offset: '' });
  });

  it('an empty query shows starting points: districts, topics and the newest article', async () => {
    const titles = resultsOf(await ask('')).map((r) => r.title);
    expect(titles.some((t) => t.startsWith('区县 · '))).toBe(true);
    expect(titles.some((t) => t.startsWith('主题 · '))).toBe(true);
    expect(titles.at(-1)).toMatch(/^最新报道 · /);
  });

  it('a query with no hits gets one result saying so, and its button opens the bot on that answer', async () => {
    const params = await ask('xyzzy');
    expect(resultsOf(params).map((r) => r.title)).toEqual(['没有找到结果']);
    const button = params['button'] as { text: string; start_parameter: string };
    expect(decodeStartParameter(button.start_parameter)).toEqual({ command: 'search', query: 'xyzzy' });
    const user = nextUser++;
    api.pushUpdate(message(user, `/start ${button.start_parameter}`));
    await api.until(() => api.sent(user).length === 1);
    expect(api.sentTexts(user)[0]).toContain('报道中没有找到“xyzzy”');
  });

  it('a deep link /start district-… opens the district\'s answer, with a 转发 button that shares it inline', async () => {
    const user = nextUser++;
    api.pushUpdate(message(user, `/start ${encodeStartParameter('district', '潼南')}`));
    await api.until(() => api.sent(user).length === 1);
    const reply = api.sent(user)[0]!;
    expect(String(reply.params['text'])).toContain('潼南区：报道中有');
    const rows = (reply.params['reply_markup'] as { inline_keyboard: Array<Array<Record<string, string>>> }).inline_keyboard;
    expect(rows.at(-1)).toEqual([{ text: '转发', switch_inline_query: 'district 潼南' }]);
  });

  it('holds flood control: 12 queries in 10 s are answered, the 13th gets a personal notice, later ones nothing', async () => {
    const user = nextUser++;
    const ids = Array.from({ length: 16 }, (_, i) => api.pushInlineQuery({ from: { id: user }, query: `潼南${'区'.repeat(i % 2)}` }));
    await api.until(() => api.callsTo('answerInlineQuery').filter((c) => ids.includes(String(c.params['inline_query_id']))).length >= 13);
    // The dropped queries are never answered: give the bot time to (not) answer them.
    await new Promise((r) => setTimeout(r, 300));
    const answers = api.callsTo('answerInlineQuery').filter((c) => ids.includes(String(c.params['inline_query_id'])));
    expect(answers).toHaveLength(13);
    const notices = answers.filter((c) => c.params['is_personal'] === true);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.params).toMatchObject({ results: [], cache_time: 0, button: { text: '操作太频繁了，请稍等几秒再试' } });
    // Another user is not affected.
    expect(resultsOf(await ask('潼南')).length).toBeGreaterThan(0);
  });
});
