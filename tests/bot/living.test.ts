import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/bot.ts';
import { LIVING_TEXT, livingComposer } from '../../src/bot/living.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { articlesDir } from '../../src/live/folders.ts';
import { Library } from '../../src/live/library.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { DM_USER, dm, press, TOKEN, BOT_USERNAME } from './support.ts';

const ARTICLE = readFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt');
let api: FakeBotApi;
let dataDir: string;
const logs: string[] = [];
let library: Library;
let bot: ReturnType<typeof createBot>;
let updateId = 1;
const files = new Map<string, Uint8Array>();

/** A .txt document sent by `from` in a private chat. */
function document(fileId: string, fileName: string, from: { id: number; first_name: string } = DM_USER): Record<string, unknown> {
  return { message: { message_id: 5000 + updateId, date: 1, chat: { id: from.id, type: 'private', first_name: from.first_name }, from, document: { file_id: fileId, file_unique_id: fileId, file_name: fileName, file_size: files.get(fileId)?.length ?? 0 } } };
}

const send = (update: Record<string, unknown>) => bot.handleUpdate({ update_id: updateId++, ...update } as Update);
const lastText = () => String(api.sent(DM_USER.id).at(-1)?.params['text'] ?? '');

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN, username: BOT_USERNAME });
  dataDir = mkdtempSync(join(tmpdir(), 'report-bot-living-bot-'));
  const logger = createLogger({ level: 'debug', token: TOKEN, destination: new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } }) });
  const loaded = loadEngine('data');
  library = new Library(loaded, { refs: readReferenceData('data') }, readRawArticles('data'));
  bot = createBot({
    token: TOKEN, apiRoot: api.apiRoot, logger,
    // Published at once (ADD_NEEDS_PREVIEW=false); previews are tested below.
    features: [livingComposer({ library, admins: [DM_USER.id], dataDir, timezone: 'Asia/Shanghai', logger, now: () => Date.parse('2030-01-15T02:00:00Z'), download: async (_ctx, id) => files.get(id) ?? new Uint8Array(), needsPreview: false })],
  });
  bot.botInfo = { id: 7000000001, is_bot: true, first_name: 'Bot', username: BOT_USERNAME, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as typeof bot.botInfo;
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('When an admin sends the bot an article', () => {
  it('a .txt document is taken in, kept under $DATA_DIR/articles, and described with an undo button', async () => {
    files.set('f1', ARTICLE);
    await send(document('f1', '2030-01-15-invented-river-towns.txt'));
    const reply = api.sent(DM_USER.id).at(-1)!;
    expect(String(reply.params['text'])).toContain('已收录：《守护一江碧水 建设美丽家园》（2030-01-15）');
    expect(String(reply.params['text'])).toMatch(/发言人：郑晓岚、王建国、李雨桐/);
    expect(String(reply.params['text'])).toContain('请核对');
    expect(existsSync(join(articlesDir(dataDir), '2030-01-15-invented-river-towns.txt'))).toBe(true);
    expect(library.current().engine.answer('district', '綦江').results.length).toBeGreaterThan(0);
    const keyboard = reply.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> };
    const undo = keyboard.inline_keyboard[0]![0]!.callback_data;

    await send(press(undo));
    expect(lastText()).toBe(LIVING_TEXT.undone);
    expect(library.current().engine.answer('district', '綦江').results.length).toBe(0);
    expect(existsSync(join(articlesDir(dataDir), '2030-01-15-invented-river-towns.txt'))).toBe(false);
    await send(press(undo));
    expect(api.callsTo('answerCallbackQuery').at(-1)?.params['text']).toBe(LIVING_TEXT.undoGone);

    // Added again: the old button does not take out the new copy; the new button does.
    await send(document('f1', '2030-01-15-invented-river-towns.txt'));
    const again = (api.sent(DM_USER.id).at(-1)!.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
    expect(again).not.toBe(undo);
    await send(press(undo));
    expect(api.callsTo('answerCallbackQuery').at(-1)?.params['text']).toBe(LIVING_TEXT.undoGone);
    expect(library.current().engine.answer('district', '綦江').results.length).toBeGreaterThan(0);
    await send(press(again));
    expect(lastText()).toBe(LIVING_TEXT.undone);
    expect(library.current().engine.answer('district', '綦江').results.length).toBe(0);
  });

  it('a document that is not UTF-8 is refused with the reason, and the report stays as it was', async () => {
    const before = library.current();
    files.set('f2', Buffer.from(ARTICLE.toString('utf8'), 'utf16le'));
    await send(document('f2', 'gbk.txt'));
    expect(lastText()).toMatch(/^没有收录：.*正在使用的报道没有变化。$/u);
    expect(library.current()).toBe(before);
  });

  it('/latest lists the articles newest first', async () => {
    await send(dm('/latest'));
    expect(lastText()).toContain('最新报道');
    expect(lastText()).toContain('凝心聚力');
  });
});

describe('When someone who is not an admin tries to add', () => {
  it('they are refused, it is logged, and nothing is taken in', async () => {
    const stranger = { id: 99, is_bot: false, first_name: '陌生人' };
    files.set('f3', ARTICLE);
    const before = library.current();
    await send(document('f3', 'x.txt', stranger));
    expect(String(api.sent(99).at(-1)?.params['text'])).toBe(LIVING_TEXT.notAdmin);
    expect(library.current()).toBe(before);
    expect(logs.some((l) => l.includes('not in BOT_ADMINS') && l.includes('"user":99'))).toBe(true);
  });
});
