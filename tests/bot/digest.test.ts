import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createBot } from '../../src/bot/bot.ts';
import { digestComposer, GROUP_ANONYMOUS_BOT_ID } from '../../src/bot/digest.ts';
import { FloodGuard } from '../../src/bot/flood.ts';
import { PageCache } from '../../src/bot/pages.ts';
import { searchComposer } from '../../src/bot/search.ts';
import type { SingleFilter } from '../../src/core/digest.ts';
import type { Engine } from '../../src/core/engine.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import { dueJobs } from '../../src/digest/scheduler.ts';
import { DigestSender } from '../../src/digest/sender.ts';
import { telegramSendApi } from '../../src/digest/telegram.ts';
import { createLogger } from '../../src/logger.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { virtualClock } from '../digest/clock.ts';
import { fixtureReport } from '../digest/fixture.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { subscriber } from '../../src/store/types.ts';

const report = fixtureReport();
const FILTERS: Record<string, SingleFilter> = {
  就业: { kind: 'topic', id: 'employment', label: '就业' },
  潼南: { kind: 'district', id: '潼南区', label: '潼南区' },
  'tong nan': { kind: 'district', id: '潼南区', label: '潼南区' },
};
const scripted: Engine = {
  answer: (command, query) => ({ command, query, status: 'no_match', resolved: null, message: '没有找到。', suggestions: [], results: [] }),
  resolveFilter: (q) => FILTERS[q.trim()] ?? null,
};

const USER = { id: 42, is_bot: false, first_name: '小王' };

/** The update Telegram sends when an admin removes the bot from `chat`. */
function botRemoved(chat: object): Update {
  return {
    update_id: nextId++,
    my_chat_member: {
      chat,
      from: ADMIN,
      date: 1,
      old_chat_member: { status: 'member', user: { id: 1, is_bot: true, first_name: 'bot' } },
      new_chat_member: { status: 'kicked', until_date: 0, user: { id: 1, is_bot: true, first_name: 'bot' } },
    },
  } as unknown as Update;
}
const ADMIN = { id: 43, is_bot: false, first_name: '管理员' };
const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: '测试群' };
let api: FakeBotApi | undefined;
let nextId = 1;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** 2022-06-03 07:00 in Asia/Shanghai. */
async function setup(real?: { report: typeof report; engine: Engine }, defaultMinutes = 480) {
  const { report, engine } = real ?? { report: fixtureReport(), engine: scripted };
  api = await FakeBotApi.start({ strictHtml: true });
  const store = new MemorySubscriptionStore();
  const clock = virtualClock('2022-06-02T23:00:00Z');
  const logger = createLogger({ level: 'silent', token: api.token, destination: new Writable({ write: (_c, _e, done) => done() }) });
  const bot = createBot({
    token: api.token,
    apiRoot: api.apiRoot,
    logger,
    flood: new FloodGuard({ limit: 1000 }),
    features: [
      searchComposer({ engine, report, pages: new PageCache(), logger, retry: { sleep: async () => {} } }),
      digestComposer({ store, report, resolveFilter: engine.resolveFilter, now: clock.now, defaultMinutes, timezone: 'Asia/Shanghai', logger, retry: { sleep: async () => {} } }),
    ],
  });
  api.setMember(GROUP.id, ADMIN.id, 'administrator');
  const send = async (chat: Record<string, unknown>, from: Record<string, unknown>, text: string, extra: Record<string, unknown> = {}) => {
    await bot.handleUpdate({ update_id: nextId++, message: { message_id: nextId++, date: 1, chat, from, text, ...extra } } as unknown as Update);
    return api!.sentTexts().at(-1) ?? '';
  };
  const dm = (text: string) => send({ id: USER.id, type: 'private', first_name: USER.first_name }, USER, text);
  const group = (text: string, from: Record<string, unknown> = ADMIN, extra: Record<string, unknown> = {}) => send(GROUP, from, text, extra);
  return { api, store, clock, bot, dm, group, send, report };
}

describe('In a private chat', () => {
  it('/subscribe subscribes at 08:00 Beijing time and says when the first digest comes', async () => {
    const { dm, store } = await setup();
    const text = await dm('/subscribe');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ active: true, minutes: 480, timezone: 'Asia/Shanghai', filter: null, chatType: 'private' });
    expect(text).toContain('08:00');
    expect(text).toContain('北京时间');
    expect(text).toContain('今天（2022-06-03） 08:00');
    expect(validateTelegramHtml(text)).toEqual([]);
  });

  it('/subscribe 07:30 就业 sets both the time and the topic filter', async () => {
    const { dm, store } = await setup();
    const text = await dm('/subscribe 07:30 就业');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 450, filter: { kind: 'topic', id: 'employment' } });
    expect(text).toContain('只看“就业”');
  });

  it.each([['/subscribe 7点半', 450, null], ['/subscribe 潼南', 480, '潼南区'], ['/subscribe 7点半潼南', 450, '潼南区']])('%s is understood', async (command, minutes, district) => {
    const { dm, store } = await setup();
    await dm(command);
    expect((await store.get(subscriber(USER.id)))?.minutes).toBe(minutes);
    expect((await store.get(subscriber(USER.id)))?.filter?.id ?? null).toBe(district);
  });

  it('changing only the time keeps the filter, changing only the filter keeps the time, and 全部 clears the filter', async () => {
    const { dm, store } = await setup();
    await dm('/subscribe 07:30 就业');
    await dm('/subscribe 09:00');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 540, filter: { id: 'employment' } });
    await dm('/subscribe 潼南');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 540, filter: { id: '潼南区' } });
    await dm('/subscribe 全部');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 540, filter: null });
    await dm('/unsubscribe');
    await dm('/subscribe'); // restores the stopped subscription as it was
    expect(await store.get(subscriber(USER.id))).toMatchObject({ active: true, minutes: 540 });
  });

  it('the usage answer names the default time the operator configured (DIGEST_TIME)', async () => {
    const { dm } = await setup(undefined, 9 * 60 + 30);
    expect(await dm('/subscribe 25:00')).toContain('每天 09:30');
  });

  it.each(['/subscribe 25:00', '/subscribe abc', '/subscribe 7:61 就业'])('%s gets a usage answer and changes nothing', async (command) => {
    const { dm, store } = await setup();
    const text = await dm(command);
    expect(text).toContain('用法');
    expect(await store.get(subscriber(USER.id))).toBeNull();
  });

  it('/subscribe 就业 潼南 -高铁 takes sections on both and without the word, says so in words, and the digest keeps to it', async () => {
    const { dm, store } = await setup();
    const text = await dm('/subscribe 就业 潼南 -高铁');
    expect(text).toContain('只看同时涉及“就业”（主题）和“潼南区”（区县）的内容，不含“高铁”');
    expect((await store.get(subscriber(USER.id)))?.filter).toMatchObject({ kind: 'terms', label: '就业 潼南区 -高铁' });
    expect(await dm('/subscription')).toContain('不含“高铁”');
    // 张三's section is about 潼南 and 就业 but speaks of 高铁: only 王一's is left.
    expect(await dm('/digest')).toContain('稳岗就业');
    expect(await dm('/subscription')).toContain('下一次摘要的内容：“稳岗就业”（王一），摘自《测试报道》。');
  });

  it('/subscribe !招聘 takes every section without the word; a word found nowhere is refused and nothing changes', async () => {
    const { dm, store } = await setup();
    expect(await dm('/subscribe ！招聘')).toContain('全部内容，不含“招聘”');
    expect(await dm('/subscribe 潼南 火星')).toContain('没有找到与“火星”对应的主题、区县或词语，未做更改');
    expect((await store.get(subscriber(USER.id)))?.filter).toMatchObject({ kind: 'terms', label: '-招聘' });
  });

  it('/subscribe 07:30 tong nan reads several words that name one district as one filter, keeping the time', async () => {
    const { dm, store } = await setup();
    await dm('/subscribe 07:30 tong nan');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 450, filter: { id: '潼南区' } });
  });

  it('/subscribe ７：３０ (full-width, as a Chinese IME types it) sets 07:30 with no filter', async () => {
    const { dm, store } = await setup();
    await dm('/subscribe ７：３０');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 450, filter: null });
  });

  it('/unsubscribe stops it, keeps the settings, and /subscription says so', async () => {
    const { dm, store } = await setup();
    await dm('/subscribe 09:15');
    expect(await dm('/unsubscribe')).toContain('已退订');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ active: false, inactiveReason: 'unsubscribed', minutes: 555 });
    expect(await dm('/subscription')).toContain('已退订');
    expect(await dm('/unsubscribe')).toContain('还没有订阅');
  });

  it('/subscription shows the time, filter and next send, which moves to tomorrow once today\'s went out', async () => {
    const { dm, store } = await setup();
    expect(await dm('/subscription')).toContain('还没有订阅');
    await dm('/subscribe 07:30 潼南');
    let text = await dm('/subscription');
    expect(text).toContain('07:30');
    expect(text).toContain('只看“潼南区”');
    expect(text).toContain('今天（2022-06-03） 07:30');
    await store.begin(subscriber(USER.id), '2022-06-03', 'a1-s01-wang', 0);
    await store.complete(subscriber(USER.id), '2022-06-03', 1, 0);
    text = await dm('/subscription');
    expect(text).toContain('明天（2022-06-04） 07:30');
  });

  it('/digest shows exactly the digest the scheduler will send today, and does not move the rotation', async () => {
    const { dm, store, api, clock } = await setup();
    await dm('/subscribe 08:00');
    const shown = await dm('/digest');
    expect(validateTelegramHtml(shown)).toEqual([]);
    expect(shown).toContain('今日数字');
    expect(await dm('/digest')).toBe(shown);
    expect(await store.delivery(subscriber(USER.id), '2022-06-03')).toBeNull();
    clock.set('2022-06-03T00:00:00Z');
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(fixtureReport(), store), clock });
    await sender.run([{ chatId: USER.id, threadId: null, date: '2022-06-03' }]);
    expect(api.sentTexts(USER.id).at(-1)).toBe(shown);
  });

  it('a district the report does not cover yet can be subscribed to, alerts and all: it waits for the first article about it', async () => {
    const { dm, store } = await setup(loadEngine('data'));
    const text = await dm('/subscribe 城口 即时');
    expect(text).toContain('已订阅');
    expect(text).toContain('报道中还没有城口县方面的内容；有相关的新报道时，会立即提醒你，摘要也会带来');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ active: true, alerts: true, filter: { kind: 'district', id: '城口县' } });
    // A word in no article is still refused: it is more likely a typo than news to wait for.
    expect(await dm('/subscribe 火星基地')).toContain('没有找到');
  });

  it('a filter the re-ingested report no longer matches keeps the subscription: the day brings one short line', async () => {
    const { dm, store, clock, api } = await setup();
    await dm('/subscribe 07:30 潼南');
    const reingested = { ...report, sections: report.sections.filter((s) => !s.districts.includes('潼南区')) };
    clock.set('2022-06-03T00:00:00Z');
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(reingested, store), clock });
    expect(await sender.run([{ chatId: USER.id, threadId: null, date: '2022-06-03' }])).toMatchObject({ sent: 1, deactivated: 0 });
    expect(api.sentTexts(USER.id).at(-1)).toContain('“潼南区”方面没有新内容');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ active: true });
  });

  it('each daily digest brings a section the chat has not had, /subscription names the next one, and when all are read the digest is one line', async () => {
    const { dm, store, api, clock } = await setup();
    await dm('/subscribe 08:00 潼南');
    expect(await dm('/subscription')).toContain('下一次摘要的内容：“稳岗就业”（王一），摘自《测试报道》；之后还有 1 段新内容');
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(fixtureReport(), store), clock });
    const received: string[] = [];
    for (const date of ['2022-06-03', '2022-06-04', '2022-06-05', '2022-06-06']) {
      clock.set(`${date}T00:00:00Z`);
      await sender.run([{ chatId: USER.id, threadId: null, date }]);
      received.push(api.sentTexts(USER.id).at(-1)!);
      if (date === '2022-06-03') expect(await dm('/subscription')).toContain('下一次摘要的内容：“高铁通车”（张三）');
    }
    expect(received[0]).toContain('稳岗就业');
    expect(received[1]).toContain('高铁通车');
    // Nothing new on the third and fourth days: one short line each, never an old section again.
    expect(received[2]).toBe('📰 2022-06-05：“潼南区”方面没有新内容，有新报道时摘要会带来。');
    expect(received[3]).toBe('📰 2022-06-06：“潼南区”方面没有新内容，有新报道时摘要会带来。');
    expect(await dm('/subscription')).toContain('目前没有你没看过的内容');
  });

  it('/subscribe 潼南 有新才发 skips the days with nothing new instead of sending the one line, and 每天都发 turns it back', async () => {
    const { dm, store, api, clock } = await setup();
    expect(await dm('/subscribe 08:00 潼南 有新才发')).toContain('没有新内容的日子不发');
    const sender = new DigestSender({ store, api: telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot })), compose: makeCompose(fixtureReport(), store), clock });
    const before = api.sentTexts(USER.id).length;
    for (const date of ['2022-06-03', '2022-06-04', '2022-06-05']) {
      clock.set(`${date}T00:00:00Z`);
      await sender.run([{ chatId: USER.id, threadId: null, date }]);
    }
    const digests = api.sentTexts(USER.id).slice(before);
    expect(digests).toHaveLength(2); // 稳岗就业, 高铁通车, then a quiet day: nothing
    expect(await store.delivery(subscriber(USER.id), '2022-06-05')).toMatchObject({ status: 'dropped', error: expect.stringMatching(/nothing new/) });
    expect(await dm('/subscription')).toContain('这天不发');
    await dm('/subscribe 每天都发');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ skipQuietDays: false, filter: { id: '潼南区' } });
  });

  it('/subscribe 潼南 即时 turns alerts on with the filter, /subscription says so, and 仅每日 turns them off keeping the rest', async () => {
    const { dm, store } = await setup();
    expect(await dm('/subscribe 潼南 即时')).toContain('有符合筛选的新报道时即时提醒');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ alerts: true, filter: { id: '潼南区' } });
    expect(await dm('/subscription')).toContain('即时提醒');
    await dm('/subscribe 07:30'); // other changes keep the alerts
    expect((await store.get(subscriber(USER.id)))?.alerts).toBe(true);
    expect(await dm('/subscribe 仅每日')).not.toContain('即时提醒');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ alerts: false, minutes: 450, filter: { id: '潼南区' } });
  });

  it('/digest works without a subscription too', async () => {
    const { dm } = await setup();
    expect(await dm('/digest')).toContain('每日摘要');
  });
});

describe('In a group', () => {
  it('an administrator can subscribe; the check is cached for a minute', async () => {
    const { group, store, api, clock } = await setup();
    await group('/subscribe@report_test_bot 07:00');
    expect(await store.get(subscriber(GROUP.id))).toMatchObject({ active: true, minutes: 420, chatType: 'supergroup' });
    await group('/subscribe 07:05');
    expect(api.callsTo('getChatMember')).toHaveLength(1);
    clock.advance(61_000);
    await group('/unsubscribe');
    expect(api.callsTo('getChatMember')).toHaveLength(2);
    expect((await store.get(subscriber(GROUP.id)))?.active).toBe(false);
  });

  it('removing the bot from the group stops the subscription at once, and /subscription says why after it is added back', async () => {
    const { group, store, bot } = await setup();
    await group('/subscribe 07:00');
    await bot.handleUpdate(botRemoved(GROUP));
    expect(await store.get(subscriber(GROUP.id))).toMatchObject({ active: false, inactiveReason: '机器人被移出群组或被屏蔽' });
    expect(await group('/subscription')).toContain('机器人被移出群组或被屏蔽');
  });

  it('a member who is not an administrator is refused and nothing changes', async () => {
    const { group, store } = await setup();
    expect(await group('/subscribe', USER)).toContain('只有群管理员');
    expect(await store.get(subscriber(GROUP.id))).toBeNull();
    await group('/subscribe');
    expect(await group('/unsubscribe', USER)).toContain('只有群管理员');
    expect((await store.get(subscriber(GROUP.id)))?.active).toBe(true);
  });

  it('an anonymous admin (GroupAnonymousBot) is asked to use their own account or a DM', async () => {
    const { group, store, api } = await setup();
    const anon = { id: GROUP_ANONYMOUS_BOT_ID, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
    const text = await group('/subscribe', anon, { sender_chat: GROUP });
    expect(text).toContain('匿名管理员');
    expect(await store.get(subscriber(GROUP.id))).toBeNull();
    expect(api.callsTo('getChatMember')).toHaveLength(0);
  });

  it('if the admin check cannot be made, the bot refuses and says why (never fails open)', async () => {
    const { group, store, api } = await setup();
    api.fail({ method: 'getChatMember' }, { kind: 'server_error' });
    expect(await group('/subscribe')).toContain('无法确认你的管理员身份');
    expect(await store.get(subscriber(GROUP.id))).toBeNull();
    api.clearFaults();
    await group('/subscribe'); // an error is not cached: the next try checks again
    expect((await store.get(subscriber(GROUP.id)))?.active).toBe(true);
  });

  it('anyone may look at /subscription and /digest', async () => {
    const { group } = await setup();
    await group('/subscribe 潼南');
    expect(await group('/subscription', USER)).toContain('只看“潼南区”');
    expect(await group('/digest', USER)).toContain('筛选：潼南区');
  });
});

describe('In a forum supergroup', () => {
  const FORUM = { ...GROUP, is_forum: true };
  const inTopic = (threadId: number) => ({ message_thread_id: threadId, is_topic_message: true });

  async function forumSetup() {
    const s = await setup();
    /** A message in a forum topic (or, with null, in General). */
    const topic = (threadId: number | null, text: string, from: Record<string, unknown> = ADMIN) => s.send(FORUM, from, text, threadId === null ? {} : inTopic(threadId));
    const sender = new DigestSender({ store: s.store, api: telegramSendApi(new Telegram(s.api.token, { apiRoot: s.api.apiRoot })), compose: makeCompose(fixtureReport(), s.store), clock: s.clock });
    /** What the scheduler would send now, sent. */
    const broadcast = async () => sender.run(await dueJobs(s.store, s.clock.now()));
    /** The digests delivered to the forum so far (messages that answer no command): topic (null: General) and text. */
    const digests = () =>
      s.api.sent(GROUP.id).filter((c) => !c.params['reply_parameters']).map((c) => ({ threadId: (c.params['message_thread_id'] as number | undefined) ?? null, text: String(c.params['text']) }));
    return { ...s, topic, broadcast, digests };
  }

  it('/subscribe in topic A then in topic B makes two subscriptions, and each digest goes to its own topic with its own settings', async () => {
    const { topic, store, api, clock, broadcast, digests } = await forumSetup();
    const first = await topic(77, '/subscribe 08:00 潼南');
    expect(first).toContain('已订阅本话题的每日摘要');
    expect(first).toContain('发到本话题');
    expect(api.callsTo('sendMessage', GROUP.id).at(-1)?.params['message_thread_id']).toBe(77); // answered in the topic
    const second = await topic(78, '/subscribe 09:00');
    expect(second).toContain('本群另有 1 个话题订阅了每日摘要');
    expect(validateTelegramHtml(second)).toEqual([]);
    expect(await store.get(subscriber(GROUP.id, 77))).toMatchObject({ active: true, minutes: 480, filter: { id: '潼南区' } });
    expect(await store.get(subscriber(GROUP.id, 78))).toMatchObject({ active: true, minutes: 540, filter: null });
    expect(await store.get(subscriber(GROUP.id))).toBeNull(); // General has none

    clock.set('2022-06-03T01:00:00Z'); // 09:00: both are due
    expect(await broadcast()).toMatchObject({ sent: 2 });
    const [a, b] = [digests().filter((d) => d.threadId === 77), digests().filter((d) => d.threadId === 78)];
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]!.text).toContain('筛选：潼南区');
    expect(b[0]!.text).not.toContain('筛选');
    expect(digests()).toHaveLength(2); // nothing went to General
    expect(await broadcast()).toMatchObject({ sent: 0 }); // once a day each
  });

  it('/subscription in a topic shows that topic\'s subscription and how many other topics are subscribed; /unsubscribe there ends only that one', async () => {
    const { topic, store } = await forumSetup();
    await topic(77, '/subscribe 08:00 潼南');
    await topic(78, '/subscribe 09:00');
    await topic(null, '/subscribe 10:00');
    const shown = await topic(77, '/subscription');
    expect(shown).toContain('本话题的每日摘要：每天 <b>08:00</b>');
    expect(shown).toContain('只看“潼南区”');
    expect(shown).toContain('本群另有 2 个话题订阅了每日摘要');
    expect(shown).not.toContain('09:00');
    expect(await topic(null, '/subscription')).toContain('每日摘要：每天 <b>10:00</b>');

    const left = await topic(78, '/unsubscribe');
    expect(left).toContain('已退订本话题的每日摘要');
    expect(left).toContain('本群另有 2 个话题订阅了每日摘要');
    expect(await store.get(subscriber(GROUP.id, 78))).toMatchObject({ active: false, inactiveReason: 'unsubscribed' });
    expect(await store.get(subscriber(GROUP.id, 77))).toMatchObject({ active: true });
    expect(await store.get(subscriber(GROUP.id))).toMatchObject({ active: true });
    expect(await topic(78, '/subscription')).toContain('本话题的每日摘要已退订');
    const elsewhere = await topic(79, '/subscription');
    expect(elsewhere).toContain('本话题还没有订阅每日摘要');
    expect(elsewhere).toContain('本群另有 2 个话题订阅了每日摘要');
    expect(await topic(79, '/unsubscribe')).toContain('本话题还没有订阅');
    // /digest in a topic is that topic's digest.
    expect(await topic(77, '/digest')).toContain('筛选：潼南区');
    expect(await topic(79, '/digest')).not.toContain('筛选');
    // Subscribing again in the topic restores its own settings, not another topic's.
    await topic(78, '/subscribe');
    expect(await store.get(subscriber(GROUP.id, 78))).toMatchObject({ active: true, minutes: 540, filter: null });
  });

  it('a deleted topic ends only its own subscription; the other topic gets its digests on, and /subscription elsewhere says what happened', async () => {
    const { topic, store, api, clock, broadcast, digests } = await forumSetup();
    await topic(77, '/subscribe 08:00');
    await topic(78, '/subscribe 08:00');
    clock.set('2022-06-03T00:00:00Z');
    expect(await broadcast()).toMatchObject({ sent: 2 });

    // Topic 77 is deleted: Telegram refuses the next send into it, and that subscription stops, saying why.
    api.fail({ method: 'sendMessage', chatId: GROUP.id, threadId: 77 }, { kind: 'bad_request', description: 'message thread not found' });
    clock.set('2022-06-04T00:00:00Z');
    expect(await broadcast()).toMatchObject({ sent: 1, deactivated: 1 });
    expect(digests().map((d) => d.threadId)).toEqual([77, 78, 78]);
    expect(await store.get(subscriber(GROUP.id, 77))).toMatchObject({ active: false, inactiveReason: expect.stringMatching(/^topic deleted/) });
    expect(await store.get(subscriber(GROUP.id, 78))).toMatchObject({ active: true });
    const general = await topic(null, '/subscription');
    expect(general).toContain('还没有订阅每日摘要');
    expect(general).toContain('本群另有 1 个话题订阅了每日摘要');
    expect(general).toContain('最近有 1 个话题被删除，发到那里的订阅已停止');
    clock.set('2022-06-05T00:00:00Z');
    await broadcast();
    expect(digests().filter((d) => d.threadId === 78)).toHaveLength(3);
  });

  it('only administrators change a topic\'s subscription, as in any group', async () => {
    const { topic, store, api } = await forumSetup();
    expect(await topic(77, '/subscribe', USER)).toContain('只有群管理员');
    expect(await store.get(subscriber(GROUP.id, 77))).toBeNull();
    await topic(77, '/subscribe');
    expect(await topic(77, '/unsubscribe', USER)).toContain('只有群管理员');
    expect(await store.get(subscriber(GROUP.id, 77))).toMatchObject({ active: true });
    expect(await topic(77, '/subscription', USER)).toContain('本话题的每日摘要'); // anyone may look
    expect(api.callsTo('getChatMember').length).toBeGreaterThan(0);
  });

  it('removing the bot from the forum stops every topic\'s subscription at once', async () => {
    const { topic, store, bot } = await forumSetup();
    for (const threadId of [77, 78, null]) await topic(threadId, '/subscribe 07:00');
    await bot.handleUpdate(botRemoved(FORUM));
    const subs = await store.subscriptionsOf(GROUP.id);
    expect(subs).toHaveLength(3);
    for (const sub of subs) expect(sub).toMatchObject({ active: false, inactiveReason: '机器人被移出群组或被屏蔽' });
  });

  it('/subscribe in General (no topic) or in a reply thread of a plain group is the chat\'s own subscription, sent to the chat itself', async () => {
    const { send, store } = await setup();
    const text = await send(FORUM, ADMIN, '/subscribe 08:00');
    expect(text).toContain('✅ 已订阅每日摘要');
    expect(text).not.toContain('话题');
    expect((await store.get(subscriber(GROUP.id)))?.threadId).toBeNull();
    await send(GROUP, ADMIN, '/subscribe 09:00', { message_thread_id: 5 }); // a reply thread, not a forum topic
    expect(await store.get(subscriber(GROUP.id))).toMatchObject({ threadId: null, minutes: 540 });
    expect(await store.get(subscriber(GROUP.id, 5))).toBeNull();
  });
});

describe('With the real report and search engine', () => {
  it('/subscribe 7点半 tongnan resolves the district as fuzzily as the search commands, and /digest quotes a 潼南 section', async () => {
    const real = loadEngine();
    const { dm, store } = await setup(real);
    expect(await dm('/subscribe 7点半 tongnan')).toContain('只看“潼南区”');
    expect(await store.get(subscriber(USER.id))).toMatchObject({ minutes: 450, filter: { kind: 'district', id: '潼南区' } });
    const digest = await dm('/digest');
    expect(digest).toContain('潼南');
    expect(validateTelegramHtml(digest)).toEqual([]);
  });
});
