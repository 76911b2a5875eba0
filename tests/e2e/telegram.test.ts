/**
 * The real bot process against telegram-test-api, an independent Bot API emulator on 127.0.0.1:
 * a private-chat user and supergroup users exercise every command, bot-name suffixes, chatter,
 * paging and bad input. The emulator lacks setMyCommands, which the bot must survive.
 */
// The package's index re-exports this class as a CommonJS default, which TypeScript's NodeNext typing cannot see.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/bot/commands.ts';
import { MAX_MESSAGE_CHARS } from '../../src/render/html.ts';
import { BOT_TEXT } from '../../src/render/replies.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { freePort, logLines, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550001111:AAE2eTestTokenForTheEmulator_0123456789';
/** What the emulator's getMe answers. */
const BOT_NAME = 'TestNameBot';
const BOT_ID = 666;
const GROUP_ID = -1001000000001;

type Client = ReturnType<TelegramServer['getClient']>;
interface BotMessage {
  messageId: number;
  isRead: boolean;
  message: { chat_id: number | string; text: string; parse_mode?: string; reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string; switch_inline_query?: string }>> }; reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean }; message_thread_id?: number };
}

let server: TelegramServer;
let bot: BotProcess;
let nextUser = 100;

beforeAll(async () => {
  const port = await freePort();
  server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL });
  await bot.waitFor(/"msg":"bot started"/, 20_000);
});

afterAll(async () => {
  await bot.stop('SIGKILL');
  await server.stop();
});

/** A new user in a private chat (a fresh user keeps each test under flood control). */
function dmUser(): Client {
  const id = nextUser++;
  return server.getClient(TOKEN, { userId: id, chatId: id, type: 'private', firstName: '小王', timeout: 10_000, interval: 30 });
}

/** A new user in the shared supergroup. */
function groupUser(): Client {
  return server.getClient(TOKEN, { userId: nextUser++, chatId: GROUP_ID, type: 'supergroup', chatTitle: '测试群', timeout: 10_000, interval: 30 });
}

function unread(chatId: number): BotMessage[] {
  return (server.storage.botMessages as unknown as BotMessage[]).filter((m) => String(m.message.chat_id) === String(chatId) && !m.isRead);
}

/** Send `text` (as a command when it starts with `/`), with extra message fields. */
async function send(client: Client, text: string, extra: Record<string, unknown> = {}): Promise<void> {
  if (text.startsWith('/')) await client.sendCommand(client.makeCommand(text, extra));
  else await client.sendMessage(client.makeMessage(text, extra));
}

/** Every message the bot has sent so far, as the emulator stored it. */
function allBotMessages(): BotMessage[] {
  return server.storage.botMessages as unknown as BotMessage[];
}

/**
 * Send and wait for the bot's reply (the first message; any sent right after it are drained too, so
 * the next question never sees a late one). Checks every message is valid Telegram HTML within 4,096 characters
 * and is not the error reply.
 */
async function ask(client: Client, text: string, extra: Record<string, unknown> = {}): Promise<BotMessage> {
  await send(client, text, extra);
  const updates = (await client.getUpdates()) as { result: BotMessage[] };
  await new Promise((r) => setTimeout(r, 80));
  const chatId = Number(updates.result[0]!.message.chat_id);
  const late = unread(chatId);
  for (const m of late) m.isRead = true;
  for (const m of [...updates.result, ...late]) {
    expect(m.message.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(m.message.text).not.toBe(BOT_TEXT.error);
    if (m.message.parse_mode === 'HTML') expect(validateTelegramHtml(m.message.text)).toEqual([]);
  }
  return updates.result[0]!;
}

/** Sends `ignored` messages, then a sentinel; the sentinel's answer must be the only reply. */
async function expectIgnored(client: Client, chatId: number, ignored: Array<[string, Record<string, unknown>?]>): Promise<void> {
  for (const [text, extra] of ignored) await send(client, text, extra);
  const reply = await ask(client, '/search 党代会');
  expect(reply.message.text).toContain('党代会');
  await new Promise((r) => setTimeout(r, 300));
  expect(unread(chatId)).toEqual([]);
}

describe('A user in a private chat', () => {
  it('gets a greeting with example commands for /start and 你好', async () => {
    const u = dmUser();
    const start = await ask(u, '/start');
    expect(start.message.text).toContain('<code>/district');
    expect(start.message.parse_mode).toBe('HTML');
    expect((await ask(u, '你好')).message.text).toBe(start.message.text);
  });

  it('gets every command in /help, and the report facts in /about', async () => {
    const u = dmUser();
    const help = await ask(u, '/help');
    for (const c of COMMANDS) expect(help.message.text).toContain(`/${c.command}`);
    const about = await ask(u, '/about');
    expect(about.message.text).toContain('2022-06-03-cqrb-party-congress-reactions.txt');
    expect(about.message.text).toMatch(/共 \d+ 个部分、\d+ 位发言人、\d+ 个数字/);
    expect(about.message.text).toContain('潼南区');
  });

  it('gets answers from every search command, and plain text searches', async () => {
    const u = dmUser();
    expect((await ask(u, '/district 潼南')).message.text).toContain('潼南区');
    expect((await ask(u, '/topic 乡村振兴')).message.text).toContain('乡村振兴');
    expect((await ask(u, '/person 书记')).message.text).toContain('书记');
    expect((await ask(u, '/figures 2.6万亿元')).message.text).toContain('2.6万亿元');
    expect((await ask(u, '/search 城市更新')).message.text).toContain('城市更新');
    expect((await ask(u, '磁器口')).message.text).toContain('磁器口');
  });

  it('pages through a long answer: 下一页 edits the message in place', async () => {
    const u = dmUser();
    const first = await ask(u, '/search 发展');
    const row = first.message.reply_markup!.inline_keyboard[0]!;
    expect(row.map((b) => b.text)).toEqual([expect.stringMatching(/^1\/\d+$/), '下一页 »']);
    // In a private chat the answer can be shared into another chat through inline mode.
    expect(first.message.reply_markup!.inline_keyboard[1]).toEqual([{ text: '转发', switch_inline_query: 'search 发展' }]);
    const total = row[0]!.text.split('/')[1]!;
    const edited = server.waitBotEdits();
    await u.sendCallback(u.makeCallbackQuery(row[1]!.callback_data!, { message: { message_id: first.messageId } }));
    await edited;
    const now = (server.storage.botMessages as unknown as BotMessage[]).find((m) => m.messageId === first.messageId)!;
    expect(now.message.text).toContain('4. ');
    expect(now.message.text).not.toBe(first.message.text);
    expect(validateTelegramHtml(now.message.text)).toEqual([]);
    expect(now.message.reply_markup!.inline_keyboard[0]!.map((b) => b.text).slice(0, 2)).toEqual(['« 上一页', `2/${total}`]);
    expect(now.message.reply_markup!.inline_keyboard[1]).toEqual([{ text: '转发', switch_inline_query: 'search 发展' }]);
  });

  it('subscribes to, shows, reads and cancels the daily digest', async () => {
    const u = dmUser();
    expect((await ask(u, '/subscribe 07:30')).message.text).toContain('07:30');
    expect((await ask(u, '/subscription')).message.text).toContain('07:30');
    const digest = (await ask(u, '/digest')).message.text;
    expect(digest).toContain('📰 每日摘要');
    expect(digest).toMatch(/还有 \d+ 段新内容|新内容已看完/);
    expect((await ask(u, '/unsubscribe')).message.text).toContain('退订');
    expect((await ask(u, '/subscription')).message.text).toMatch(/已退订.*\/subscribe/);
  });

  it('survives bad input: empty, 8,000 characters, HTML, emoji, control characters, unknown command', async () => {
    const u = dmUser();
    expect((await ask(u, '/search')).message.text).toContain('用法');
    const long = (await ask(u, `/search ${'重庆'.repeat(4000)}`)).message.text;
    expect(long).toContain('查询太长，只用了前 200 个字');
    expect(long).toContain(`“${'重庆'.repeat(100)}”`);
    expect((await ask(u, '/search <b>&x</i>')).message.text).toContain('&lt;b&gt;&amp;x&lt;/i&gt;');
    expect((await ask(u, '😀🇨🇳👍🏽')).message.text).toContain('“😀🇨🇳👍🏽”里没有可以搜索的文字');
    expect((await ask(u, '潼南\u0000\u0007\u001b[31m')).message.text).not.toMatch(/[\u0000-\u0008\u001b]/);
    expect((await ask(u, '/weather 潼南')).message.text).toContain('不认识的命令');
  });

  it('is stopped by flood control after 6 commands in 10 s, with one notice', async () => {
    const u = dmUser();
    for (let i = 0; i < 6; i++) await ask(u, `/search 发展${i}`);
    expect((await ask(u, '/search 发展')).message.text).toBe('操作太频繁了，请稍等几秒再试。');
  });
});

describe('Users in a supergroup', () => {
  it('get answers to every command, as replies to their message', async () => {
    const [a, b] = [groupUser(), groupUser()];
    for (const [user, text] of [[a, '/start'], [a, '/help'], [a, '/about'], [a, '/district 永川'], [b, '/topic 教育'], [b, '/person 校长'], [b, '/figures 5A'], [b, '/search 磁器口']] as const) {
      const reply = await ask(user, text);
      expect(reply.message.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
      expect(reply.message.message_thread_id).toBeUndefined();
    }
  });

  it('cannot change the group digest when the admin check is impossible (the emulator lacks getChatMember), and say so', async () => {
    const u = groupUser();
    const reply = await ask(u, '/subscribe 08:00');
    expect(reply.message.text).toMatch(/管理员/);
    expect((await ask(u, '/subscription')).message.text).toContain('还没有订阅');
  });

  it('get answers to /cmd@ThisBot but not /cmd@OtherBot, chatter or unknown commands', async () => {
    const u = groupUser();
    expect((await ask(u, `/district@${BOT_NAME} 潼南`)).message.text).toContain('潼南区');
    await expectIgnored(u, GROUP_ID, [['/district@OtherBot 潼南'], ['今天天气不错'], ['/weather']]);
  });

  it('are not held back by commands for other bots or by replies the bot leaves alone (好的): none is answered or counted', async () => {
    const u = groupUser();
    const toBot = { reply_to_message: { message_id: 1, date: 1, chat: { id: GROUP_ID, type: 'supergroup' }, from: { id: BOT_ID, is_bot: true, first_name: 'Bot' }, text: '…' } };
    const others: Array<[string, Record<string, unknown>?]> = [];
    for (let i = 0; i < 3; i++) others.push(['/roll'], ['/weather'], ['好的', toBot]);
    await expectIgnored(u, GROUP_ID, others);
  });

  it('get an answer to /district潼南 typed without a space', async () => {
    expect((await ask(groupUser(), '/district潼南')).message.text).toContain('潼南区');
  });

  it('get answers when they mention the bot or reply to it', async () => {
    const u = groupUser();
    expect((await ask(u, `@${BOT_NAME} 潼南`)).message.text).toContain('潼南');
    const replyTo = { reply_to_message: { message_id: 1, date: 1, chat: { id: GROUP_ID, type: 'supergroup' }, from: { id: BOT_ID, is_bot: true, first_name: 'Bot' }, text: '…' } };
    expect((await ask(u, '开州', replyTo)).message.text).toContain('开州');
  });

  it('get answers in the forum topic they asked in', async () => {
    const u = groupUser();
    const reply = await ask(u, '/district 巫溪', { is_topic_message: true, message_thread_id: 9 });
    expect(reply.message.message_thread_id).toBe(9);
  });
});

describe('The bot process', () => {
  it('never sent the error reply in any of the tests above', () => {
    expect(allBotMessages().length).toBeGreaterThan(20);
    expect(allBotMessages().filter((m) => m.message.text === BOT_TEXT.error)).toEqual([]);
  });

  it('keeps running when the emulator rejects setMyCommands, and never logs the token', () => {
    const lines = logLines(bot.stdout());
    expect(lines.some((l) => l['msg'] === 'setMyCommands failed; continuing without a command menu')).toBe(true);
    expect(lines.some((l) => l['msg'] === 'update' && l['chat_type'] === 'supergroup')).toBe(true);
    expect(bot.stdout()).not.toContain(TOKEN.split(':')[1]);
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    expect(await bot.stop('SIGTERM')).toBe(0);
    expect(logLines(bot.stdout()).some((l) => l['msg'] === 'stopped')).toBe(true);
  });
});
