/** Operator commands for BOT_ADMINS: `/stats` (subscribers, chats, today's digests, the busiest commands). */
import { Composer, type Context } from 'telegraf';
import { parseCommandLine } from '../core/command.ts';
import { localDateTime, previousDate } from '../core/digest.ts';
import type { Logger } from '../logger.ts';
import { escapeHtml } from '../render/html.ts';
import type { StoreStats, SubscriptionStore } from '../store/types.ts';
import { addressed, updateLog } from './context.ts';

export interface AdminDeps {
  store: Pick<SubscriptionStore, 'stats'>;
  /** Telegram user ids allowed (BOT_ADMINS); empty: nobody. */
  admins: readonly number[];
  /** Epoch milliseconds. */
  now: () => number;
  /** The time zone "today" is read in (DIGEST_TIMEZONE). */
  timezone: string;
  logger: Logger;
}

export const ADMIN_TEXT = Object.freeze({
  notAdmin: '此命令仅限机器人管理员使用（BOT_ADMINS）。',
});

const CHAT_TYPES = { private: '私聊', group: '群组', supergroup: '超级群组', channel: '频道' } as const;
const STATUSES = { sent: '已发送', pending: '发送中', failed: '待重试', dropped: '已放弃' } as const;

/** `/stats` as Telegram HTML. */
export function statsHtml(s: StoreStats, date: string): string {
  const subs = Object.entries(s.subscribers) as Array<[keyof typeof CHAT_TYPES, number]>;
  const total = subs.reduce((n, [, c]) => n + c, 0);
  const digests = Object.entries(s.digests) as Array<[keyof typeof STATUSES, number]>;
  const lines = [
    '<b>运行统计</b>',
    // A forum topic's subscription is one of its own, so a forum can count several: say how many are topics.
    `订阅：${total}${subs.length ? `（${subs.map(([t, n]) => `${CHAT_TYPES[t]} ${n}`).join('，')}${s.topics ? `；其中论坛话题 ${s.topics}` : ''}）` : ''}`,
    `聊天：共 ${s.chats.total}，近 7 天活跃 ${s.chats.lastWeek}`,
    `今日摘要（${escapeHtml(date)}）：${digests.length ? digests.map(([st, n]) => `${STATUSES[st]} ${n}`).join('，') : '无'}`,
    `近 7 天最常用命令：${s.commands.length ? s.commands.slice(0, 5).map((c) => `/${escapeHtml(c.command)} ${c.count}`).join('，') : '无'}`,
  ];
  return lines.join('\n');
}

/** The admin commands as a Composer; mount it before the search composer (which would call `/stats` unknown). */
export function adminComposer(deps: AdminDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message', async (ctx, next) => {
    const input = addressed(ctx);
    if (!input || !/^\s*[/／]/.test(input.text)) return next();
    const line = parseCommandLine(input.text);
    if (line.command !== 'stats') return next();
    const log = updateLog(ctx);
    log.command = 'stats';
    if (!ctx.from || !deps.admins.includes(ctx.from.id)) {
      log.ignored = 'not an admin';
      // Only in a private chat: in a group the refusal would be noise for everyone else.
      if (ctx.chat.type === 'private') await ctx.reply(ADMIN_TEXT.notAdmin);
      return;
    }
    const now = deps.now();
    const date = localDateTime(now, deps.timezone).date;
    let since = date;
    for (let i = 0; i < 6; i++) since = previousDate(since);
    const stats = await deps.store.stats(date, since, now);
    await ctx.reply(statsHtml(stats, date), { parse_mode: 'HTML' });
  });
  return composer;
}
