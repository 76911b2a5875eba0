import { afterEach, describe, expect, it } from 'vitest';
import { Telegram, TelegramError } from 'telegraf';
import { FakeBotApi } from './fake-bot-api.ts';

let api: FakeBotApi;

async function setup(options: Parameters<typeof FakeBotApi.start>[0] = {}): Promise<{ api: FakeBotApi; telegram: Telegram }> {
  api = await FakeBotApi.start(options);
  return { api, telegram: new Telegram(api.token, { apiRoot: api.apiRoot }) };
}

afterEach(async () => api?.close());

async function errorOf(p: Promise<unknown>): Promise<TelegramError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TelegramError) return err;
    throw err;
  }
  throw new Error('expected a TelegramError');
}

describe('the fake Bot API', () => {
  it('answers telegraf calls and records the messages it delivered', async () => {
    const { api, telegram } = await setup();
    expect((await telegram.getMe()).username).toBe('report_test_bot');
    const msg = await telegram.sendMessage(-1001234567890123, '<b>hi</b>', { parse_mode: 'HTML' });
    expect(msg.chat.type).toBe('supergroup');
    expect(api.sentTexts(-1001234567890123)).toEqual(['<b>hi</b>']);
    expect(api.callsTo('sendMessage')[0]?.params['parse_mode']).toBe('HTML');
  });

  it('takes a photo upload byte for byte, gives a file_id, sends by it again, and refuses a file_id it never gave', async () => {
    const { api, telegram } = await setup({ strictHtml: true });
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x0d, 0x0a]);
    const sent = await telegram.sendPhoto(5, { source: bytes, filename: 'map.png' }, { caption: '<b>图</b>', parse_mode: 'HTML' });
    const fileId = sent.photo.at(-1)!.file_id;
    expect(api.photos.get(fileId)).toEqual(bytes);
    expect((await telegram.sendPhoto(6, fileId)).photo.at(-1)?.file_id).toBe(fileId);
    expect((await errorOf(telegram.sendPhoto(7, 'AgACAgIAAxkBAAIFakeId'))).description).toMatch(/wrong file identifier/);
    expect((await errorOf(telegram.sendPhoto(7, fileId, { caption: '<b>图', parse_mode: 'HTML' }))).code).toBe(400);
  });

  it('fails a chosen chat with retry_after the chosen number of times, then delivers', async () => {
    const { api, telegram } = await setup();
    api.fail({ method: 'sendMessage', chatId: 5, times: 1 }, { kind: 'retry_after', seconds: 3 });
    const err = await errorOf(telegram.sendMessage(5, 'x'));
    expect(err.code).toBe(429);
    expect(err.parameters?.retry_after).toBe(3);
    await telegram.sendMessage(6, 'other chat is unaffected');
    await telegram.sendMessage(5, 'second try');
    expect(api.sentTexts(5)).toEqual(['second try']);
  });

  it('reports blocked users, missing chats and migrated groups like Telegram does', async () => {
    const { api, telegram } = await setup();
    api.fail({ chatId: 1 }, { kind: 'blocked' });
    api.fail({ chatId: -2 }, { kind: 'chat_not_found' });
    api.fail({ chatId: -3 }, { kind: 'migrate', toChatId: -1009999 });
    expect((await errorOf(telegram.sendMessage(1, 'x'))).description).toMatch(/blocked by the user/);
    expect((await errorOf(telegram.sendMessage(-2, 'x'))).description).toMatch(/chat not found/);
    expect((await errorOf(telegram.sendMessage(-3, 'x'))).parameters?.migrate_to_chat_id).toBe(-1009999);
    expect(api.sent()).toHaveLength(0);
  });

  it('fails one forum topic of a chat (a deleted topic) and delivers to the chat\'s other topics', async () => {
    const { api, telegram } = await setup();
    api.fail({ method: 'sendMessage', chatId: -100, threadId: 77 }, { kind: 'bad_request', description: 'message thread not found' });
    expect((await errorOf(telegram.sendMessage(-100, 'x', { message_thread_id: 77 }))).description).toBe('Bad Request: message thread not found');
    await telegram.sendMessage(-100, 'other topic', { message_thread_id: 78 });
    await telegram.sendMessage(-100, 'general');
    expect(api.sentTexts(-100)).toEqual(['other topic', 'general']);
  });

  it('drops the connection on a network fault so the client sees a transport error', async () => {
    const { api, telegram } = await setup();
    api.fail({ method: 'sendMessage', times: 1 }, { kind: 'network' });
    await expect(telegram.sendMessage(1, 'x')).rejects.toThrow();
    await telegram.sendMessage(1, 'y');
    expect(api.sentTexts(1)).toEqual(['y']);
  });

  it('answers getChatMember with the status a test set', async () => {
    const { api, telegram } = await setup();
    api.setMember(-100, 9, 'administrator');
    expect((await telegram.getChatMember(-100, 9)).status).toBe('administrator');
    expect((await telegram.getChatMember(-100, 10)).status).toBe('member');
  });

  it('hands out queued updates to a long poll and forgets confirmed ones', async () => {
    const { api, telegram } = await setup();
    const pending = telegram.getUpdates(30, 100, 0, undefined);
    const id = api.pushUpdate({ message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '/start' } });
    expect((await pending).map((u) => u.update_id)).toEqual([id]);
    expect(await telegram.getUpdates(0, 100, id + 1, undefined)).toEqual([]);
  });

  it('in strict mode rejects broken HTML and over-long texts as Telegram would', async () => {
    const { api, telegram } = await setup({ strictHtml: true });
    expect((await errorOf(telegram.sendMessage(1, '<b>open', { parse_mode: 'HTML' }))).description).toMatch(/can't parse entities/);
    expect((await errorOf(telegram.sendMessage(1, 'x'.repeat(4097)))).description).toMatch(/message is too long/);
    await telegram.sendMessage(1, '<b>ok</b> &amp; fine', { parse_mode: 'HTML' });
    expect(api.sent()).toHaveLength(1);
  });

  it('delivers inline queries through getUpdates and records the answers it accepted', async () => {
    const { api, telegram } = await setup({ strictHtml: true });
    const id = api.pushInlineQuery({ from: { id: 9 }, query: '潼南', offset: '20' });
    const [update] = await telegram.getUpdates(0, 100, 0, undefined);
    expect(update).toMatchObject({ inline_query: { id, query: '潼南', offset: '20', chat_type: 'sender', from: { id: 9, is_bot: false } } });
    const article = { type: 'article' as const, id: 'r0', title: '潼南区', input_message_content: { message_text: '<b>潼南</b>', parse_mode: 'HTML' as const } };
    await telegram.answerInlineQuery(id, [article], { next_offset: '40', button: { text: '打开', start_parameter: 'district-5r285Y2X' } });
    expect(api.inlineAnswers(id)).toHaveLength(1);
    expect(api.inlineAnswers(id)[0]).toMatchObject({ next_offset: '40', results: [{ id: 'r0' }] });
  });

  it('refuses inline answers Telegram would refuse: an unknown or expired query, duplicate ids, a bad start parameter, broken HTML', async () => {
    const { api, telegram } = await setup({ strictHtml: true, inlineTtlMs: 50 });
    const article = (id: string, text = 'x') => ({ type: 'article' as const, id, title: 't', input_message_content: { message_text: text, parse_mode: 'HTML' as const } });
    expect((await errorOf(telegram.answerInlineQuery('nope', []))).description).toMatch(/query is too old/);
    const id = api.pushInlineQuery({ from: { id: 9 }, query: 'q' });
    expect((await errorOf(telegram.answerInlineQuery(id, [article('a'), article('a')]))).description).toMatch(/RESULT_ID_DUPLICATE/);
    expect((await errorOf(telegram.answerInlineQuery(id, [], { button: { text: 'b', start_parameter: '潼南' } }))).description).toMatch(/START_PARAM_INVALID/);
    expect((await errorOf(telegram.answerInlineQuery(id, [article('a', '<b>open')]))).description).toMatch(/can't parse entities/);
    await new Promise((r) => setTimeout(r, 80));
    expect((await errorOf(telegram.answerInlineQuery(id, [article('a')]))).description).toMatch(/query is too old/);
    expect(api.inlineAnswers()).toEqual([]);
  });

  it('with latencyMs it records a call on arrival and answers it a round trip later (never sooner than 80% of it)', async () => {
    const { api, telegram } = await setup({ latencyMs: 200 });
    let answered = false;
    const started = performance.now();
    const sending = telegram.sendMessage(1, 'x').then(() => (answered = true));
    while (api.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(answered).toBe(false);
    await sending;
    expect(performance.now() - started).toBeGreaterThanOrEqual(160);
    api.setLatency(0);
    expect((await telegram.sendMessage(2, 'y')).chat.id).toBe(2);
  });
});
