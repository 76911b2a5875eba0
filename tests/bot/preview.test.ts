/**
 * ADD_NEEDS_PREVIEW: an admin's article is shown as ingest understood it, with 发布 / 取消, and is neither searchable
 * nor saved until 发布; 取消 adds nothing; a preview left alone for a day expires.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/bot.ts';
import { LIVING_TEXT, livingComposer, PREVIEW_TTL_MS } from '../../src/bot/living.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { articlesDir } from '../../src/live/folders.ts';
import { Library } from '../../src/live/library.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { DM_USER, dm, press, TOKEN, BOT_USERNAME } from './support.ts';

const ARTICLE = readFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt');
const PAGE = readFileSync('tests/fixtures/formats/2030-03-05-page.html');
let api: FakeBotApi;
let dataDir: string;
let library: Library;
let bot: ReturnType<typeof createBot>;
let updateId = 1;
let now = Date.parse('2030-01-15T02:00:00Z');
const files = new Map<string, Uint8Array>();

function document(fileId: string, fileName: string): Record<string, unknown> {
  return { message: { message_id: 7000 + updateId, date: 1, chat: { id: DM_USER.id, type: 'private', first_name: DM_USER.first_name }, from: DM_USER, document: { file_id: fileId, file_unique_id: fileId, file_name: fileName, file_size: files.get(fileId)?.length ?? 0 } } };
}
const send = (update: Record<string, unknown>) => bot.handleUpdate({ update_id: updateId++, ...update } as Update);
const last = () => api.sent(DM_USER.id).at(-1)!;
const buttons = () => (last().params['reply_markup'] as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard[0]!;
const finds = (district: string) => library.current().engine.answer('district', district).results.length > 0;
const saved = () => (existsSync(articlesDir(dataDir)) ? readdirSync(articlesDir(dataDir)).filter((f) => f.endsWith('.txt')) : []);

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN, username: BOT_USERNAME });
  dataDir = mkdtempSync(join(tmpdir(), 'report-bot-preview-'));
  const logger = createLogger({ level: 'silent', token: TOKEN });
  library = new Library(loadEngine('data'), { refs: readReferenceData('data') }, readRawArticles('data'));
  bot = createBot({
    token: TOKEN, apiRoot: api.apiRoot, logger,
    features: [livingComposer({ library, admins: [DM_USER.id], dataDir, timezone: 'Asia/Shanghai', logger, now: () => now, download: async (_ctx, id) => files.get(id) ?? new Uint8Array() })],
  });
  bot.botInfo = { id: 7000000001, is_bot: true, first_name: 'Bot', username: BOT_USERNAME, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as typeof bot.botInfo;
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('When previews are on and an admin sends an article', () => {
  it('the preview shows warnings first, then headline, date and sections with speaker, role and org; nothing is searchable or saved', async () => {
    files.set('river', ARTICLE);
    await send(document('river', '2030-01-15-invented-river-towns.txt'));
    const text = String(last().params['text']);
    expect(text).toMatch(/^<b>预览：尚未发布<\/b>/u);
    expect(text.indexOf('请先核对')).toBeLessThan(text.indexOf('标题：'));
    expect(text).toContain('标题：《守护一江碧水 建设美丽家园》');
    expect(text).toContain('日期：2030-01-15，来自文件名');
    expect(text).toMatch(/王建国（市水利局河湖管理处 处长）/u);
    expect(text).toMatch(/区县：.*綦江区/u);
    expect(text).toMatch(/数字：\d+ 个/u);
    expect(buttons().map((b) => b.text)).toEqual(['发布', '取消']);
    expect(finds('綦江')).toBe(false);
    expect(saved()).toEqual([]);
  });

  it('发布 puts it in service, saves it and answers with the undo button; a second tap does nothing', async () => {
    const [publish] = buttons();
    await send(press(publish!.callback_data));
    expect(String(last().params['text'])).toContain('已收录：《守护一江碧水 建设美丽家园》');
    expect(buttons()[0]!.text).toBe('撤销收录');
    expect(finds('綦江')).toBe(true);
    expect(saved()).toEqual(['2030-01-15-invented-river-towns.txt']);
    const replies = api.sent(DM_USER.id).length;
    await send(press(publish!.callback_data));
    expect(api.callsTo('answerCallbackQuery').at(-1)?.params['text']).toBe(LIVING_TEXT.previewGone);
    expect(api.sent(DM_USER.id)).toHaveLength(replies);
  });

  it('取消 adds nothing', async () => {
    files.set('page', PAGE);
    await send(document('page', 'page.html'));
    expect(String(last().params['text'])).toContain('格式：HTML 网页，已转换为文本');
    const [, cancel] = buttons();
    const before = library.current();
    await send(press(cancel!.callback_data));
    expect(String(last().params['text'])).toBe(LIVING_TEXT.cancelled);
    expect(library.current()).toBe(before);
    expect(finds('黔江')).toBe(false);
  });

  it('a preview left alone for a day expires', async () => {
    await send(document('page', 'page.html'));
    const [publish] = buttons();
    now += PREVIEW_TTL_MS + 1000;
    await send(press(publish!.callback_data));
    expect(api.callsTo('answerCallbackQuery').at(-1)?.params['text']).toBe(LIVING_TEXT.previewGone);
    expect(finds('黔江')).toBe(false);
  });

  it('a PDF is refused before it is downloaded, naming the accepted types', async () => {
    await send(document('nothing', 'report.pdf'));
    expect(String(last().params['text'])).toMatch(/没有收录：只收 .*\.html.*\.md/u);
  });

  it('pasted text gets a preview too', async () => {
    await send(dm(`/add\n${PAGE.toString('utf8')}`));
    expect(String(last().params['text'])).toContain('标题：《黔江榨菜喜获丰收 带动农户增收》');
    expect(finds('黔江')).toBe(false);
  });
});
