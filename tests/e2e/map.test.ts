/**
 * /map end to end: the real bot process against the project's fake Bot API. telegram-test-api has no sendPhoto
 * (it answers every unknown method with 404), so the fake stands in: it takes multipart uploads byte for byte,
 * gives out file_ids and refuses file_ids it never gave, as Telegram does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { FakeBotApi, type RecordedCall } from '../support/fake-bot-api.ts';
import { logLines, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550004444:AAMapPictureTokenForTests_abcdefghijk';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let api: FakeBotApi;
let bot: BotProcess;
let nextUser = 700;

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN, strictHtml: true, supportsInline: true });
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot });
  await bot.waitFor(/"msg":"bot started"/, 20_000);
});

afterAll(async () => {
  await bot.stop('SIGKILL');
  await api.close();
});

function message(chatId: number, text: string, chatType: 'private' | 'group' = 'private', from = chatId): Record<string, unknown> {
  const chat = chatType === 'private' ? { id: chatId, type: 'private', first_name: 'u' } : { id: chatId, type: 'group', title: 'g' };
  return { message: { message_id: Math.floor(Math.random() * 1e6), date: 1, chat, from: { id: from, is_bot: false, first_name: 'u' }, text } };
}

const photos = (chat: number): RecordedCall[] => api.callsTo('sendPhoto', chat).filter((c) => c.ok);
type Keyboard = { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };

describe('/map against the fake Bot API', () => {
  it('sends a PNG under 300 KB with the caption and five district buttons, and a second /map sends it by file_id', async () => {
    const user = nextUser++;
    api.pushUpdate(message(user, '/map'));
    // The renderer loads in the background after start-up (ECharts takes seconds to import on a busy machine).
    await api.until(() => photos(user).length === 1, 45_000);
    const first = photos(user)[0]!;
    const upload = first.params['photo'] as { filename: string; bytes: Buffer };
    expect(upload.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(upload.bytes.length).toBeLessThan(300 * 1024);
    const caption = String(first.params['caption']);
    expect(first.params['parse_mode']).toBe('HTML');
    expect(validateTelegramHtml(caption)).toEqual([]);
    expect(caption).toContain('凝心聚力抓发展 接续奋斗谱新篇');
    expect(caption).toContain('1. 沙坪坝区 2 节');
    const buttons = (first.params['reply_markup'] as Keyboard).inline_keyboard.flat();
    expect(buttons).toHaveLength(5);
    expect(buttons[0]).toEqual({ text: '沙坪坝 2', callback_data: 'mapd:500106' });

    const other = nextUser++;
    api.pushUpdate(message(other, '/map'));
    await api.until(() => photos(other).length === 1, 10_000);
    const again = photos(other)[0]!;
    const [fileId] = [...api.photos.keys()];
    expect(again.params['photo']).toBe(fileId);
    expect(api.photos.size).toBe(1);
    expect(again.params['caption']).toBe(caption);
  }, 60_000);

  it('a district button answers /district for it', async () => {
    const user = nextUser++;
    api.pushUpdate({ callback_query: { id: `cb${user}`, from: { id: user, is_bot: false, first_name: 'u' }, chat_instance: '1', data: 'mapd:500152', message: { message_id: 5, date: 1, chat: { id: user, type: 'private', first_name: 'u' } } } });
    await api.until(() => api.sent(user).length === 1, 10_000);
    expect(api.sentTexts(user)[0]).toContain('潼南区');
    expect(api.callsTo('answerCallbackQuery').some((c) => c.params['callback_query_id'] === `cb${user}`)).toBe(true);
  });

  it('/map 乡村振兴 in a group shades by the topic and replies to the asking message; a word nothing matches gets text and no picture', async () => {
    const group = -4000 - nextUser++;
    api.pushUpdate(message(group, '/map 乡村振兴', 'group', 55));
    await api.until(() => photos(group).length === 1 || api.sent(group).length > 0, 10_000);
    expect(api.sentTexts(group)).toEqual([]);
    const photo = photos(group)[0]!;
    expect(String(photo.params['caption'])).toContain('筛选：乡村振兴（');
    expect((photo.params['reply_markup'] as Keyboard).inline_keyboard.flat().map((b) => b.text)).toEqual(['巴南 1', '潼南 1', '开州 1', '武隆 1']);
    expect(photo.params['reply_parameters']).toMatchObject({ allow_sending_without_reply: true });
    expect(typeof photo.params['photo']).not.toBe('string'); // another picture: uploaded

    api.pushUpdate(message(group, '/map 量子纠缠', 'group', 56));
    await api.until(() => api.sent(group).length === 1, 10_000);
    expect(api.sentTexts(group)[0]).toContain('没有找到与“量子纠缠”对应的主题、区县或词语');
    expect(photos(group)).toHaveLength(1);
  });

  it('an empty inline query offers the map as a cached photo once it has a file_id', async () => {
    const id = api.pushInlineQuery({ from: { id: nextUser++ }, query: '' });
    await api.until(() => api.inlineAnswers(id).length === 1, 10_000);
    const results = api.inlineAnswers(id)[0]!['results'] as Array<Record<string, unknown>>;
    expect(results[0]).toMatchObject({ type: 'photo', photo_file_id: [...api.photos.keys()][0], parse_mode: 'HTML' });
    expect(String(results[0]!['caption'])).toContain('提到最多的区县');
  });

  it('logs each picture\'s upload once (the whole map, then 乡村振兴) and never an error', () => {
    const lines = logLines(bot.stdout());
    expect(lines.filter((l) => l['msg'] === 'map uploaded')).toHaveLength(2);
    expect(lines.filter((l) => l['level'] === 50 || l['level'] === 60)).toEqual([]);
  });
});
