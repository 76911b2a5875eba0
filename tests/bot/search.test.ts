import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/bot/commands.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { realEngine } from '../core/engine-setup.ts';
import { BOT_ID, BOT_USERNAME, DM_USER, GROUP, dm, group, press, setup, type Setup } from './support.ts';

let s: Setup;
beforeEach(async () => { s = await setup(); });
afterEach(async () => { await s.close(); });

const lastText = () => s.api.sentTexts().at(-1) ?? '';
const lastParams = () => s.api.sent().at(-1)?.params ?? {};

describe('In a private chat', () => {
  it('/start greets in Chinese with three example commands built from the report', async () => {
    await s.send(dm('/start'));
    const text = lastText();
    expect(text).toContain('你好');
    expect(text).toContain('<code>/district 两江新区</code>');
    expect(text).toContain('<code>/topic 制造业</code>');
    expect(text).toContain('<code>/person 钟熙</code>');
    expect(lastParams()['parse_mode']).toBe('HTML');
  });

  it('a greeting gets the /start text', async () => {
    await s.send(dm('你好'));
    expect(lastText()).toContain('试试这些命令');
    expect(s.engineCalls).toEqual([]);
  });

  it('/help lists every command of the registry', async () => {
    await s.send(dm('/help'));
    for (const c of COMMANDS) expect(lastText()).toContain(`/${c.command} — ${c.zh}`);
  });

  it('/about shows the title, source file, counts and districts', async () => {
    await s.send(dm('/about'));
    const text = lastText();
    expect(text).toContain('凝心聚力抓发展 接续奋斗谱新篇');
    expect(text).toContain('2022-06-03-cqrb-party-congress-reactions.txt');
    // The report has 2 sections, each several paragraphs long: say 部分, not 段落.
    expect(text).toContain('共 2 个部分、2 位发言人、1 个数字');
    expect(text).not.toContain('段落');
    expect(text).toContain('涉及区县（2 个）：两江新区、潼南区');
  });

  it.each(['district', 'topic', 'person', 'figures', 'search'] as const)('/%s passes its query to the engine and renders the answer, with a 转发 button', async (command) => {
    await s.send(dm(`/${command} 潼南`));
    expect(s.engineCalls).toEqual([[command, '潼南']]);
    expect(lastText()).toContain('“潼南”：找到 1 条相关内容。');
    expect(lastParams()['reply_parameters']).toBeUndefined();
    expect(validateTelegramHtml(lastText())).toEqual([]);
    expect(lastParams()['reply_markup']).toEqual({ inline_keyboard: [[{ text: '转发', switch_inline_query: `${command} 潼南` }]] });
  });

  it('an answer with nothing to share, and the fixed replies, have no 转发 button', async () => {
    await s.send(dm('/search nothing'));
    await s.send(dm('/help'));
    await s.send(dm('/search'));
    expect(s.api.sent().map((c) => c.params['reply_markup'])).toEqual([undefined, undefined, undefined]);
  });

  it('a command typed straight into Chinese text (/district潼南) is still the command', async () => {
    await s.send(dm('/district潼南'));
    expect(s.engineCalls).toEqual([['district', '潼南']]);
    expect(lastText()).toContain('“潼南”：找到 1 条相关内容。');
  });

  it('plain text is a full-text search', async () => {
    await s.send(dm('新能源汽车'));
    expect(s.engineCalls).toEqual([['search', '新能源汽车']]);
  });

  it('an unknown command points to /help', async () => {
    await s.send(dm('/weather'));
    expect(lastText()).toContain('不认识的命令 <code>/weather</code>');
    expect(lastText()).toContain('/help');
  });

  it('HTML in a query comes back literally', async () => {
    await s.send(dm('/search <b>&x</i>'));
    expect(lastText()).toContain('“&lt;b&gt;&amp;x&lt;/i&gt;”');
    expect(validateTelegramHtml(lastText())).toEqual([]);
  });
});

describe('An emoji query', () => {
  it('is echoed back whole (👨‍👩‍👧 stays one family, not three people)', async () => {
    const real = await setup({ engine: realEngine().engine });
    try {
      await real.send(dm('/search 👨‍👩‍👧'));
      await real.send(dm('/district 👨‍👩‍👧'));
      const replies = real.api.sentTexts();
      expect(replies).toHaveLength(2);
      for (const text of replies) {
        expect(text).toContain('“👨‍👩‍👧”');
        expect(text).not.toContain('👨 👩');
      }
    } finally {
      await real.close();
    }
  });
});

describe('Paging through a long answer', () => {
  it('sends page 1 with buttons, edits to page 2 on 下一页, and always answers the button', async () => {
    await s.send(dm('/search many'));
    const first = s.api.sent().at(-1)!;
    const keyboard = first.params['reply_markup'] as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
    const row = keyboard.inline_keyboard[0]!;
    expect(row.map((b) => b.text)).toEqual(['1/4', '下一页 »']);
    for (const b of row) expect(Buffer.byteLength(b.callback_data)).toBeLessThan(64);
    // Below the pages, 转发 shares the answer into another chat through inline mode.
    expect(keyboard.inline_keyboard[1]).toEqual([{ text: '转发', switch_inline_query: 'search many' }]);

    await s.send(press(row[1]!.callback_data, 1));
    const edit = s.api.callsTo('editMessageText').at(-1)!;
    expect(String(edit.params['text'])).toContain('4. 钟熙');
    expect(edit.params['message_id']).toBe(1);
    const rows = (edit.params['reply_markup'] as { inline_keyboard: Array<Array<{ text: string }>> }).inline_keyboard;
    expect(rows[0]!.map((b) => b.text)).toEqual(['« 上一页', '2/4', '下一页 »']);
    expect(rows[1]).toEqual([{ text: '转发', switch_inline_query: 'search many' }]);
    expect(s.api.callsTo('answerCallbackQuery')).toHaveLength(1);
  });

  it('the page number button is answered without editing', async () => {
    await s.send(press('noop'));
    expect(s.api.callsTo('answerCallbackQuery')).toHaveLength(1);
    expect(s.api.callsTo('editMessageText')).toHaveLength(0);
  });

  it('a stale button gets a polite toast', async () => {
    await s.send(press('pg:gone1234:1'));
    expect(s.api.callsTo('answerCallbackQuery').at(-1)!.params['text']).toBe('这条结果已过期，请重新搜索。');
  });

  it('forged callback data gets a toast, not an error', async () => {
    for (const data of ['pg:<b>:x', 'pg:潼南:1', 'whatever']) await s.send(press(data));
    const toasts = s.api.callsTo('answerCallbackQuery').map((c) => c.params['text']);
    expect(toasts).toEqual(['这个按钮无法识别，请重新搜索。', '这个按钮无法识别，请重新搜索。', '这个按钮已失效。']);
    expect(s.api.sentTexts()).toEqual([]);
  });

  it('pressing the page already shown is not an error', async () => {
    await s.send(dm('/search many'));
    const data = (s.api.sent().at(-1)!.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![1]!.callback_data;
    s.api.fail({ method: 'editMessageText' }, { kind: 'bad_request', description: 'message is not modified: specified new message content and reply markup are exactly the same' });
    await s.send(press(data));
    expect(s.api.callsTo('answerCallbackQuery').at(-1)!.params['text']).toBeUndefined();
  });
});

describe('In a supergroup', () => {
  it('answers /cmd and /cmd@ThisBot, replying to the asking message', async () => {
    await s.send(group('/district 潼南'));
    await s.send(group(`/district@${BOT_USERNAME} 潼南`));
    expect(s.api.sent()).toHaveLength(2);
    const params = lastParams();
    expect(params['chat_id']).toBe(GROUP.id);
    expect(params['reply_parameters']).toMatchObject({ allow_sending_without_reply: true });
    expect(params['message_thread_id']).toBeUndefined();
    // 转发 is for private chats: in a group everyone already sees the answer.
    expect(params['reply_markup']).toBeUndefined();
  });

  it('pages a long answer without a 转发 row', async () => {
    await s.send(group('/search many'));
    const rows = (lastParams()['reply_markup'] as { inline_keyboard: Array<Array<{ text: string }>> }).inline_keyboard;
    expect(rows.map((r) => r.map((b) => b.text))).toEqual([['1/4', '下一页 »']]);
  });

  it('ignores /cmd@OtherBot and ordinary chatter', async () => {
    await s.send(group('/district@OtherBot 潼南'));
    await s.send(group('今天天气不错'));
    await s.send(group('/weather'));
    expect(s.api.calls.filter((c) => c.method !== 'getMe')).toEqual([]);
    expect(s.engineCalls).toEqual([]);
  });

  it('answers a mention, searching for the rest of the message', async () => {
    await s.send(group(`@${BOT_USERNAME} 潼南`));
    expect(s.engineCalls).toEqual([['search', '潼南']]);
  });

  it('answers a reply to one of its messages', async () => {
    await s.send(group('永川', { reply_to_message: { message_id: 5, date: 1, chat: GROUP, from: { id: BOT_ID, is_bot: true, first_name: 'Bot' }, text: '…' } }));
    expect(s.engineCalls).toEqual([['search', '永川']]);
  });

  it('answers an unknown command only when it names this bot', async () => {
    await s.send(group(`/weather@${BOT_USERNAME}`));
    expect(lastText()).toContain('不认识的命令');
  });

  it('answers /district潼南 and /district@ThisBot潼南 typed without a space', async () => {
    await s.send(group('/district潼南'));
    await s.send(group(`/district@${BOT_USERNAME}潼南`));
    expect(s.engineCalls).toEqual([['district', '潼南'], ['district', '潼南']]);
  });

  it('answers into the same forum topic', async () => {
    await s.send(group('/topic 就业', { is_topic_message: true, message_thread_id: 77 }));
    expect(lastParams()['message_thread_id']).toBe(77);
  });
});

describe('In a supergroup, a reply to the bot that is not a command', () => {
  const toBot = { reply_to_message: { message_id: 5, date: 1, chat: GROUP, from: { id: BOT_ID, is_bot: true, first_name: 'Bot' }, text: '…' } };
  let real: Setup;
  beforeEach(async () => { real = await setup({ engine: realEngine().engine }); });
  afterEach(async () => { await real.close(); });

  it('gets no answer when the report has nothing that matches exactly (好的, 谢谢)', async () => {
    await real.send(group('好的', toBot));
    await real.send(group('谢谢', toBot));
    expect(real.api.sentTexts()).toEqual([]);
  });

  it('is answered when the report has it (潼南)', async () => {
    await real.send(group('潼南', toBot));
    expect(real.api.sentTexts()).toHaveLength(1);
    expect(real.api.sentTexts()[0]).toContain('潼南');
    expect(real.api.sentTexts()[0]).not.toContain('没有完全相符');
  });

  it('is not counted by flood control when it gets no answer', async () => {
    for (let i = 0; i < 8; i++) await real.send(group('好的', toBot));
    await real.send(group('/district 潼南'));
    expect(real.api.sentTexts()).toHaveLength(1);
    expect(real.api.sentTexts()[0]).toContain('潼南');
  });

  it('is still limited when it gets answers', async () => {
    for (let i = 0; i < 8; i++) await real.send(group('潼南', toBot));
    expect(real.api.sentTexts()).toHaveLength(7);
    expect(real.api.sentTexts()[6]).toBe('操作太频繁了，请稍等几秒再试。');
  });
});

describe('Flood control', () => {
  it('answers 6 commands in 10 s, sends one notice, then stays silent until the window passes', async () => {
    for (let i = 0; i < 9; i++) await s.send(dm(`/search q${i}`));
    const texts = s.api.sentTexts();
    expect(texts).toHaveLength(7);
    expect(texts[6]).toBe('操作太频繁了，请稍等几秒再试。');
    s.clock.now += 10_001;
    await s.send(dm('/search again'));
    expect(s.engineCalls.at(-1)).toEqual(['search', 'again']);
  });

  it('counts users separately, and group chatter not at all', async () => {
    for (let i = 0; i < 6; i++) await s.send(dm(`/search q${i}`));
    for (let i = 0; i < 10; i++) await s.send(group('随便聊聊'));
    await s.send(group('/search 潼南'));
    expect(s.engineCalls.at(-1)).toEqual(['search', '潼南']);
  });
});

describe('Flood control on page buttons', () => {
  async function nextPageData(): Promise<string> {
    await s.send(dm('/search many'));
    return (s.api.sent().at(-1)!.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![1]!.callback_data;
  }

  it('rapid taps stop editing the message after 6 in 10 s, and every tap is still answered, the extra ones with a toast', async () => {
    const data = await nextPageData();
    for (let i = 0; i < 12; i++) await s.send(press(data));
    expect(s.api.callsTo('editMessageText')).toHaveLength(6);
    const answers = s.api.callsTo('answerCallbackQuery');
    expect(answers).toHaveLength(12);
    expect(answers.slice(6).map((c) => c.params['text'])).toEqual(Array(6).fill('点得太快了，请稍等几秒再试。'));
  });

  it('works again once the window has passed, and does not use up the budget for commands', async () => {
    const data = await nextPageData();
    for (let i = 0; i < 8; i++) await s.send(press(data));
    s.clock.now += 10_001;
    await s.send(press(data));
    expect(s.api.callsTo('editMessageText')).toHaveLength(7);
    await s.send(dm('/search 潼南'));
    expect(lastText()).toContain('“潼南”：找到 1 条相关内容。');
  });
});

describe('Flood control in a group', () => {
  it('does not count commands meant for other bots: after six /roll and /weather, /district still gets its answer', async () => {
    for (let i = 0; i < 6; i++) {
      await s.send(group('/roll'));
      await s.send(group('/weather'));
    }
    await s.send(group('/district 潼南'));
    expect(s.api.sentTexts()).toHaveLength(1);
    expect(lastText()).toContain('“潼南”：找到 1 条相关内容。');
    expect(s.api.sentTexts()).not.toContain('操作太频繁了，请稍等几秒再试。');
  });

  it('still limits a user who sends too many of its own commands', async () => {
    for (let i = 0; i < 8; i++) await s.send(group(`/district 潼南${i}`));
    expect(s.api.sentTexts()).toHaveLength(7);
    expect(s.api.sentTexts()[6]).toBe('操作太频繁了，请稍等几秒再试。');
  });
});

describe('When something goes wrong', () => {
  it('a failing handler gets 出错了，请稍后再试, a log line with the update id and no token, and the bot carries on', async () => {
    await s.send(dm('/search boom'));
    expect(lastText()).toBe('出错了，请稍后再试');
    const log = s.logs.join('');
    expect(log).toMatch(/"update_id":\d+.*handler failed/);
    expect(log).toContain('engine exploded');
    expect(log).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    await s.send(dm('/search 潼南'));
    expect(lastText()).toContain('找到 1 条');
  });

  it('waits out a 429 and delivers the reply', async () => {
    s.api.fail({ method: 'sendMessage', times: 1 }, { kind: 'retry_after', seconds: 1 });
    await s.send(dm('/search 潼南'));
    expect(s.api.callsTo('sendMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('retries a 500 and delivers the reply', async () => {
    s.api.fail({ method: 'sendMessage', times: 1 }, { kind: 'server_error' });
    await s.send(dm('/search 潼南'));
    expect(s.api.callsTo('sendMessage').map((c) => c.status)).toEqual([500, 200]);
  });

  it('gives up at once when the user blocked the bot, without an error reply', async () => {
    s.api.fail({ method: 'sendMessage' }, { kind: 'blocked' });
    await s.send(dm('/search 潼南'));
    expect(s.api.callsTo('sendMessage').map((c) => c.status)).toEqual([403]);
    expect(s.logs.join('')).toContain('chat unreachable');
  });

  it('writes one log line per update with chat type, command, result count and latency', async () => {
    await s.send(dm('/district 潼南'));
    const line = JSON.parse(s.logs.filter((l) => l.includes('"msg":"update"')).at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ type: 'message', chat_type: 'private', command: 'district', results: 1 });
    expect(typeof line['ms']).toBe('number');
  });

  it('answers a sticker in a private chat with the greeting, and searches a photo\'s caption', async () => {
    await s.send({ message: { message_id: 9, date: 1, chat: { id: DM_USER.id, type: 'private' }, from: DM_USER, sticker: { file_id: 'x' } } });
    expect(lastText()).toContain('试试这些命令');
    await s.send({ message: { message_id: 10, date: 1, chat: { id: DM_USER.id, type: 'private' }, from: DM_USER, photo: [], caption: '潼南' } });
    expect(s.engineCalls.at(-1)).toEqual(['search', '潼南']);
  });

  it('ignores stickers and photos in a group', async () => {
    await s.send({ message: { message_id: 11, date: 1, chat: GROUP, from: DM_USER, sticker: { file_id: 'x' } } });
    await s.send({ message: { message_id: 12, date: 1, chat: GROUP, from: DM_USER, photo: [], caption: '潼南' } });
    expect(s.api.sent()).toEqual([]);
  });
});
