/** Shared set-up for bot tests: a hand-built report, a scripted engine, the real middleware chain against the fake Bot API. */
import { Writable } from 'node:stream';
import type { Update } from 'telegraf/types';
import type { Answer, SearchCommand } from '../../src/core/answer.ts';
import type { Engine } from '../../src/core/engine.ts';
import type { Report } from '../../src/core/report.ts';
import type { Context, Middleware } from 'telegraf';
import { createBot, type BotOptions } from '../../src/bot/bot.ts';
import { FloodGuard, type FloodCounter } from '../../src/bot/flood.ts';
import { inlineComposer, type InlineOptions } from '../../src/bot/inline.ts';
import { PageCache, type Pages } from '../../src/bot/pages.ts';
import { searchComposer } from '../../src/bot/search.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { makeAnswer, makeResult } from '../render/fixtures.ts';

export const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const BOT_USERNAME = 'report_test_bot';
export const BOT_ID = 7000000001;

/** A two-section report, enough for /about and /start. */
export const REPORT: Report = {
  title: '凝心聚力抓发展 接续奋斗谱新篇',
  subtitle: '——市第六次党代会精神在全市广大党员干部群众中引发热烈反响',
  reporters: ['记者甲'],
  articles: [{ id: 'a1', source: '2022-06-03-cqrb-party-congress-reactions.txt', date: '2022-06-03', title: '凝心聚力抓发展 接续奋斗谱新篇', subtitle: null, reporters: ['记者甲'] }],
  topics: [{ id: 'manufacturing', name: '制造业', synonyms: ['制造业'] }],
  sections: [
    {
      id: 'a1-s01', articleId: 'a1', kind: 'speaker', heading: '市经信委规划投资处处长钟熙：提速建设国家重要先进制造业中心', headline: '提速建设国家重要先进制造业中心',
      speaker: { name: '钟熙', role: '规划投资处处长', org: '市经信委' }, people: [], districts: ['两江新区', '重庆市'], places: [], topics: ['manufacturing'],
      paragraphs: ['全市GDP达2.6万亿元。'], figures: [{ text: '2.6万亿元', value: 2.6e12, unit: '元', qualifier: 'exact', context: '全市GDP达2.6万亿元。' }],
    },
    {
      id: 'a1-s02', articleId: 'a1', kind: 'speaker', heading: '潼南区某镇党委书记张三：振兴乡村', headline: '振兴乡村',
      speaker: { name: '张三', role: '党委书记', org: '潼南区某镇' }, people: [], districts: ['潼南区'], places: [], topics: [],
      paragraphs: ['乡村振兴。'], figures: [],
    },
  ],
};

/** An engine whose answers are scripted by the query: `many` → 10 long results, `lots` → 45 short ones, `nothing` → none, `boom` → throws, anything else → one result. */
export function scriptedEngine(calls: Array<[SearchCommand, string]> = []): Engine {
  return {
    answer(command, query): Answer {
      calls.push([command, query]);
      if (query === 'boom') throw new Error(`engine exploded with token ${TOKEN}`);
      if (query === '') return makeAnswer({ command, query, status: 'usage', message: `用法：/${command} 关键词`, results: [] });
      if (query === 'lots') {
        const results = Array.from({ length: 45 }, (_, i) => makeResult({ sectionId: `s${i}`, excerpt: `第${i + 1}条。` }));
        return makeAnswer({ command, query, message: '找到 45 条。', results });
      }
      if (query === 'nothing') return makeAnswer({ command, query, status: 'no_match', message: `报道中没有找到“${query}”。`, suggestions: ['就业'], results: [] });
      if (query === 'many') {
        const results = Array.from({ length: 10 }, (_, i) => makeResult({ sectionId: `s${i}`, excerpt: `第${i + 1}条`.repeat(150) }));
        return makeAnswer({ command, query, message: '找到 10 条。', results });
      }
      return makeAnswer({ command, query, message: `“${query}”：找到 1 条相关内容。` });
    },
    resolveFilter: () => null,
  };
}

export interface Setup {
  api: FakeBotApi;
  bot: ReturnType<typeof createBot>;
  engineCalls: Array<[SearchCommand, string]>;
  logs: string[];
  clock: { now: number };
  /** Feed an update through the whole middleware chain, as polling would. */
  send(update: Partial<Update> & Record<string, unknown>): Promise<void>;
  /** DM_USER (or `from`) types `@bot <query>`: the inline query goes through the chain; returns its id. */
  inline(query: string, offset?: string, from?: { id: number }): Promise<string>;
  close(): Promise<void>;
}

let nextUpdateId = 1;
let nextMessageId = 1000;

/** Start a fake Bot API and a bot wired like main.ts; override pieces as needed. */
export async function setup(overrides: {
  engine?: Engine;
  floodLimit?: number;
  inline?: Partial<InlineOptions>;
  /** Share a fake Bot API between several bots (instances); closed by its owner. */
  api?: FakeBotApi;
  pages?: Pages;
  flood?: FloodCounter;
  /** Mounted before the search composer, as main.ts does. */
  features?: ReadonlyArray<Middleware<Context>>;
  onUpdate?: BotOptions['onUpdate'];
} = {}): Promise<Setup> {
  const api = overrides.api ?? await FakeBotApi.start({ token: TOKEN, username: BOT_USERNAME });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', token: TOKEN, destination: new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } }) });
  const engineCalls: Array<[SearchCommand, string]> = [];
  const clock = { now: 1_000_000 };
  const engine = overrides.engine ?? scriptedEngine(engineCalls);
  const bot = createBot({
    token: TOKEN,
    apiRoot: api.apiRoot,
    logger,
    flood: overrides.flood ?? new FloodGuard({ clock: () => clock.now, limit: overrides.floodLimit ?? 6 }),
    buttonFlood: new FloodGuard({ clock: () => clock.now }),
    inlineFlood: new FloodGuard({ clock: () => clock.now, limit: 12 }),
    ...(overrides.onUpdate ? { onUpdate: overrides.onUpdate } : {}),
    features: [
      ...(overrides.features ?? []),
      searchComposer({ engine, report: REPORT, pages: overrides.pages ?? new PageCache(), logger, retry: { sleep: async () => {} } }),
      inlineComposer({ engine, report: REPORT, logger, options: { sleep: async () => {}, ...overrides.inline } }),
    ],
  });
  return {
    api, bot, engineCalls, logs, clock,
    send: async (update) => { await bot.handleUpdate({ update_id: nextUpdateId++, ...update } as Update); },
    inline: async (query, offset = '', from = DM_USER) => {
      const update = api.inlineQueryUpdate({ from, query, offset });
      await bot.handleUpdate({ update_id: nextUpdateId++, ...update } as unknown as Update);
      return update.inline_query.id;
    },
    close: () => (overrides.api ? Promise.resolve() : api.close()),
  };
}

export const DM_USER = { id: 42, is_bot: false, first_name: '小王', language_code: 'zh-hans' };
export const GROUP_USER = { id: 43, is_bot: false, first_name: '小李' };
export const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: '测试群' };

/** A text message update in a private chat with DM_USER. */
export function dm(text: string): Record<string, unknown> {
  return { message: { message_id: nextMessageId++, date: 1, chat: { id: DM_USER.id, type: 'private', first_name: DM_USER.first_name }, from: DM_USER, text } };
}

/** A text message update in the supergroup; `extra` adds fields such as reply_to_message. */
export function group(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message: { message_id: nextMessageId++, date: 1, chat: GROUP, from: GROUP_USER, text, ...extra } };
}

/** A callback query pressed by DM_USER on bot message `messageId`. */
export function press(data: string, messageId = 1): Record<string, unknown> {
  return {
    callback_query: {
      id: `cb${nextUpdateId}`, from: DM_USER, chat_instance: 'ci', data,
      message: { message_id: messageId, date: 1, chat: { id: DM_USER.id, type: 'private', first_name: DM_USER.first_name }, from: { id: BOT_ID, is_bot: true, first_name: 'Bot' }, text: 'x' },
    },
  };
}
