/**
 * The living report end to end: the real bot process against telegram-test-api. An article dropped into
 * $DATA_DIR/articles while the bot runs is answered by /district within 5 s, with queries going on all the while and
 * none failing; a broken article and a non-admin's /add leave the service as it was; an admin's /add is taken in.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The package's index re-exports this class as a CommonJS default, which TypeScript's NodeNext typing cannot see.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TEXT } from '../../src/render/replies.ts';
import { LIVING_TEXT } from '../../src/bot/living.ts';
import { freePort, logLines, ROOT, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550001111:AAE2eTestTokenForTheEmulator_0123456789';
const ADMIN = 4242;
const ARTICLE = join(ROOT, 'tests/fixtures/raw/2030-01-15-invented-river-towns.txt');

type Client = ReturnType<TelegramServer['getClient']>;
interface BotMessage {
  messageId: number;
  isRead: boolean;
  message: { chat_id: number | string; text: string; reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> } };
}

let server: TelegramServer;
let bot: BotProcess;
let dataDir: string;
let nextUser = 500;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'report-bot-living-'));
  const port = await freePort();
  server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, DATA_DIR: dataDir, BOT_ADMINS: String(ADMIN) });
  await bot.waitFor(/"msg":"bot started"/, 20_000);
});

afterAll(async () => {
  await bot.stop('SIGKILL');
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function user(id = nextUser++): Client {
  return server.getClient(TOKEN, { userId: id, chatId: id, type: 'private', firstName: '小王', timeout: 10_000, interval: 30 });
}

/** Send and wait for the bot's first reply (later ones are marked read). */
async function ask(client: Client, text: string): Promise<string> {
  if (text.startsWith('/')) await client.sendCommand(client.makeCommand(text));
  else await client.sendMessage(client.makeMessage(text));
  const updates = (await client.getUpdates()) as { result: BotMessage[] };
  const first = updates.result[0]!;
  for (const m of server.storage.botMessages as unknown as BotMessage[]) if (String(m.message.chat_id) === String(first.message.chat_id)) m.isRead = true;
  return first.message.text;
}

describe('When an article is added while the bot runs', () => {
  it('a broken article in the folder is refused and the service goes on unchanged', async () => {
    const before = await ask(user(), '/latest');
    mkdirSync(join(dataDir, 'articles'), { recursive: true });
    writeFileSync(join(dataDir, 'articles', '2030-02-01-noise.txt'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37) % 256)));
    await bot.waitFor(/article refused/, 5_000);
    expect(await ask(user(), '/latest')).toBe(before);
    expect((await ask(user(), '/district 潼南'))).toContain('潼南区');
  });

  it('/district answers from it within 5 s, and no query fails during the swap', async () => {
    expect(await ask(user(), '/district 綦江')).not.toContain('守护一江碧水');
    // Queries keep coming (from several users, under flood control) while the article goes in.
    const replies: string[] = [];
    let querying = true;
    const load = (async () => {
      while (querying) {
        replies.push(await ask(user(), '/search 生态'));
      }
    })();
    const t0 = Date.now();
    copyFileSync(ARTICLE, join(dataDir, 'articles', '2030-01-15-invented-river-towns.txt'));
    let answer = '';
    while (Date.now() - t0 < 5_000) {
      answer = await ask(user(), '/district 綦江');
      if (answer.includes('綦江区') && !answer.includes('没有')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    querying = false;
    await load;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(answer).toContain('綦江区');
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) expect(r).not.toBe(BOT_TEXT.error);
    expect(logLines(bot.stdout()).some((l) => l['msg'] === 'article added' && l['article'] === '2030-01-15-invented-river-towns')).toBe(true);
    const latest = await ask(user(), '/latest');
    expect(latest.indexOf('守护一江碧水')).toBeLessThan(latest.indexOf('凝心聚力'));
  });

  it('a non-admin cannot add, and the attempt is logged', async () => {
    const text = readFileSync(join(ROOT, 'tests/fixtures/fragments-first/raw/2031-03-02-invented-fragments-first.txt'), 'utf8');
    const stranger = user();
    expect(await ask(stranger, `/add\n${text}`)).toBe(LIVING_TEXT.notAdmin);
    // The log line may reach stdout a moment after the reply.
    expect(await bot.waitFor(/not in BOT_ADMINS/u, 5000)).toContain('tried to add an article');
    expect(await ask(user(), '/latest')).not.toContain('2031-03-02');
  });

  it('an admin\'s pasted article is a preview: nobody is alerted and nothing answers from it until 发布', async () => {
    const subscriber = user();
    expect(await ask(subscriber, '/subscribe 黔江 即时')).toContain('黔江');
    const text = readFileSync(join(ROOT, 'tests/fixtures/formats/qianjiang.txt'), 'utf8');
    const admin = user(ADMIN);
    const preview = await lastReply(admin, `/add\n${text}`);
    expect(preview.message.text).toContain('预览：尚未发布');
    const [publish] = preview.message.reply_markup!.inline_keyboard[0]!;
    expect(publish!.text).toBe('发布');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(unread(subscriber)).toEqual([]);
    expect(await ask(user(), '/district 黔江')).not.toContain('榨菜');

    await admin.sendCallback(tapOn(admin, preview, publish!.callback_data));
    expect((await waitForText(admin, /已收录/u)).message.text).toContain('黔江榨菜喜获丰收');
    expect((await waitForText(subscriber, /新报道/u)).message.text).toContain('黔江榨菜喜获丰收');
    expect(await ask(user(), '/district 黔江')).toContain('榨菜');
  });

  it('取消 adds nothing; the same text published is refused as a duplicate the next time', async () => {
    const text = readFileSync(join(ROOT, 'tests/fixtures/fragments-first/raw/2031-03-02-invented-fragments-first.txt'), 'utf8');
    const admin = user(ADMIN);
    const preview = await lastReply(admin, `/add\n${text}`);
    const [, cancel] = preview.message.reply_markup!.inline_keyboard[0]!;
    expect(cancel!.text).toBe('取消');
    await admin.sendCallback(tapOn(admin, preview, cancel!.callback_data));
    expect((await waitForText(admin, /已取消/u)).message.text).toBe(LIVING_TEXT.cancelled);
    expect(await ask(user(), '/latest')).not.toContain('2031-03-02');

    const again = await lastReply(admin, `/add\n${text}`);
    await admin.sendCallback(tapOn(admin, again, again.message.reply_markup!.inline_keyboard[0]![0]!.callback_data));
    expect((await waitForText(admin, /已收录/u)).message.text).toMatch(/\d+ 个部分，\d+ 个数字/u);
    expect((await lastReply(admin, `/add\n${text}`)).message.text).toContain('没有收录');
  });
});

/** A tap on a button of `message` (the emulator's callback names no message id; the bot drops updates without one). */
function tapOn(client: Client, message: BotMessage, data: string) {
  return client.makeCallbackQuery(data, { message: { message_id: message.messageId } });
}

/** Bot messages to this client's chat not read yet, marking them read. */
function unread(client: Client): BotMessage[] {
  const chat = String((client as unknown as { chatId: number }).chatId);
  const out = (server.storage.botMessages as unknown as BotMessage[]).filter((m) => String(m.message.chat_id) === chat && !m.isRead);
  for (const m of out) m.isRead = true;
  return out;
}

/** The first unread bot message to this client matching `pattern`, within 8 s. */
async function waitForText(client: Client, pattern: RegExp): Promise<BotMessage> {
  const t0 = Date.now();
  const seen: string[] = [];
  while (Date.now() - t0 < 8_000) {
    for (const m of unread(client)) {
      if (pattern.test(m.message.text)) return m;
      seen.push(m.message.text);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no message matching ${pattern}; got: ${seen.join(' | ')}`);
}

/** Send and wait for the bot's first reply, whole (with its buttons). */
async function lastReply(client: Client, text: string): Promise<BotMessage> {
  unread(client);
  if (text.startsWith('/')) await client.sendCommand(client.makeCommand(text));
  else await client.sendMessage(client.makeMessage(text));
  return waitForText(client, /./u);
}
