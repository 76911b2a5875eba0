/** The digest feature: /subscribe, /unsubscribe, /subscription and /digest, with an admin check in groups. */
import { Composer, type Context } from 'telegraf';
import { parseCommandLine } from '../core/command.ts';
import { candidates, describeFilter, formatTimeOfDay, localDateTime, MAX_FILTER_WORD_CHARS, MAX_FILTER_WORDS, nextDate, NO_MATCH_PREFIX, parseSubscribeArgs, resolveFilterWords, takeOptionWords, type DigestFilter, type SingleFilter } from '../core/digest.ts';
import type { Report } from '../core/report.ts';
import type { Logger } from '../logger.ts';
import { renderDigestHtml } from '../render/digest.ts';
import { code, escapeHtml } from '../render/html.ts';
import { subscriber, type ChatType, type Subscriber, type Subscription, type SubscriptionStore } from '../store/types.ts';
import { addressed, updateLog } from './context.ts';
import { TOPIC_GONE } from '../api-errors.ts';
import { withRetry, type RetryOptions } from './send.ts';
import { digestFor } from '../digest/compose.ts';

/** The account Telegram shows for anonymous group admins: its messages carry no real user to check. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

export interface DigestBotDeps {
  store: SubscriptionStore;
  report: Report;
  /** The search core's filter resolution (`engine.resolveFilter`), so `/subscribe 潼南` is as fuzzy as `/district 潼南`. */
  resolveFilter: (query: string) => SingleFilter | null;
  /** Epoch milliseconds. */
  now: () => number;
  defaultMinutes: number;
  timezone: string;
  logger: Logger;
  /** How long an admin check result is trusted (default 60 s). */
  adminCacheMs?: number;
  retry?: Partial<RetryOptions>;
}

/** How to use /subscribe; `defaultTime` is what a bare `/subscribe` sets (DIGEST_TIME). */
export function subscribeUsage(defaultTime = '08:00'): string {
  return `用法：${code('/subscribe')}（每天 ${defaultTime}）、${code('/subscribe 07:30')}、${code('/subscribe 7点半 就业')} 或 ${code('/subscribe 潼南')}；几个词要同时满足：${code('/subscribe 潼南 就业')}，排除：${code('/subscribe 就业 -招聘')}；加 ${code('即时')}（${code('/subscribe 潼南 即时')}）则有符合的新报道时立即提醒，${code('仅每日')} 关闭提醒；加 ${code('有新才发')} 则没有新内容的日子不发；${code('/subscribe 全部')} 取消筛选。`;
}

export const DIGEST_TEXT = Object.freeze({
  usage: subscribeUsage(),
  adminsOnly: '只有群管理员可以更改本群的每日摘要订阅。',
  anonymous: '你正以匿名管理员身份发言，我无法确认你的权限。请切换为以个人身份发言后再试，或私聊我为自己订阅。',
  checkFailed: '暂时无法确认你的管理员身份（Telegram 接口出错），为安全起见没有做任何更改，请稍后再试。',
  notSubscribed: `还没有订阅每日摘要。发送 ${code('/subscribe')} 即可订阅。`,
  unsubscribed: `已退订每日摘要。想恢复时发送 ${code('/subscribe')}。`,
  // In a forum topic the answer is about that topic's own subscription, not the group's.
  notSubscribedTopic: `本话题还没有订阅每日摘要。在本话题发送 ${code('/subscribe')} 即可订阅，摘要会发到本话题。`,
  unsubscribedTopic: `已退订本话题的每日摘要。想恢复时在本话题发送 ${code('/subscribe')}。`,
  noDigest: '没有符合筛选条件的内容，换个主题或区县试试。',
});

function zoneLabel(timezone: string): string {
  return timezone === 'Asia/Shanghai' ? '北京时间' : timezone;
}

/** A human line for a subscription: time, zone, filter. */
function describe(sub: Subscription): string {
  const filter = sub.filter ? `，${escapeHtml(describeFilter(sub.filter))}` : '';
  const alerts = sub.alerts ? `；有${sub.filter ? '符合筛选的' : ''}新报道时即时提醒（${code('/subscribe 仅每日')} 关闭）` : '';
  const topic = sub.threadId ? '，发到本话题' : '';
  const quiet = sub.skipQuietDays ? `；没有新内容的日子不发（${code('/subscribe 每天都发')} 改回）` : '';
  return `每天 <b>${formatTimeOfDay(sub.minutes)}</b>（${escapeHtml(zoneLabel(sub.timezone))}）${filter}${alerts}${quiet}${topic}`;
}

/** When the next digest goes out, in words. */
export async function nextSendText(sub: Subscription, store: Pick<SubscriptionStore, 'delivery'>, now: number): Promise<string> {
  const local = localDateTime(now, sub.timezone);
  const row = await store.delivery(sub, local.date);
  const doneToday = row?.status === 'sent' || row?.status === 'dropped';
  if (!doneToday && local.minutes >= sub.minutes) return '今天的摘要将在一分钟内发出';
  const day = doneToday ? `明天（${nextDate(local.date)}）` : `今天（${local.date}）`;
  return `下一次：${day} ${formatTimeOfDay(sub.minutes)}`;
}

/** What the next digest will bring, in words: its section (headline, speaker, article) and how many new ones wait after it. */
export async function nextDigestText(sub: Subscription, report: Report, store: Pick<SubscriptionStore, 'delivery' | 'history'>, now: number): Promise<string> {
  const local = localDateTime(now, sub.timezone);
  const row = await store.delivery(sub, local.date);
  const doneToday = row?.status === 'sent' || row?.status === 'dropped';
  // The next digest is today's (pinned by a row left pending or failed) or, once today's went out, tomorrow's.
  const date = doneToday ? nextDate(local.date) : local.date;
  const d = await digestFor(report, store, { chatId: sub.chatId, threadId: sub.threadId, date, filter: sub.filter, pinnedSectionId: doneToday ? null : (row?.sectionId ?? null) });
  if (!d) return '下一次摘要：报道中还没有内容';
  if (d.nothingNew && sub.filter && candidates(report, sub.filter).length === 0) {
    return `报道中还没有${escapeHtml(sub.filter.label)}方面的内容；有相关的新报道时，${sub.alerts ? '会立即提醒你，' : ''}摘要也会带来`;
  }
  if (d.nothingNew) return `下一次摘要：目前没有你没看过的内容；到时若仍没有新报道，${sub.skipQuietDays ? '这天不发' : '只发一句话说明'}`;
  const what = d.headline ?? (d.topics.slice(0, 3).join(' · ') || '一段报道');
  const who = d.speaker ? `（${escapeHtml(d.speaker.name)}）` : '';
  const from = d.article ? `，摘自《${escapeHtml(d.article.title)}》${d.article.date ? `（${d.article.date}）` : ''}` : '';
  const more = d.unread > 0 ? `；之后还有 ${d.unread} 段新内容` : '';
  return `下一次摘要的内容：“${escapeHtml(what)}”${who}${from}${more}`;
}

/** The forum topic a message was sent in (message_thread_id), or null: General, a plain group, a private chat. */
function topicOf(ctx: Context): number | null {
  const m = ctx.message;
  // In groups that are no forum, replies carry a message_thread_id too: only a forum topic message counts.
  return m && 'is_topic_message' in m && m.is_topic_message && m.message_thread_id ? m.message_thread_id : null;
}

/** Whose digest a command is about: the chat, or the forum topic it was sent in (each topic has its own subscription). */
function subscriberOf(ctx: Context): Subscriber {
  return subscriber(ctx.chat!.id, topicOf(ctx));
}

/** `本话题的` before 每日摘要 in a forum topic, so nobody takes a topic's subscription for the whole group's. */
function whose(who: Subscriber): string {
  return who.threadId ? '本话题的' : '';
}

/** How long `/subscription` mentions a topic whose deletion stopped its subscription (nobody can ask in that topic any more). */
const DELETED_TOPIC_NOTICE_MS = 7 * 86_400_000;

/**
 * The chat's other subscriptions, in words, for a reply in a forum: how many other topics (General among them) are
 * subscribed, and which subscriptions stopped lately because their topic was deleted. Empty when there are none.
 */
export function otherTopicsText(subs: readonly Subscription[], who: Subscriber, now: number): string {
  const others = subs.filter((s) => s.chatId === who.chatId && s.threadId !== who.threadId);
  const active = others.filter((s) => s.active).length;
  const deleted = others.filter((s) => !s.active && s.inactiveReason?.startsWith(TOPIC_GONE) && now - s.updatedAt < DELETED_TOPIC_NOTICE_MS).length;
  const parts: string[] = [];
  if (active > 0) parts.push(`本群另有 ${active} 个话题订阅了每日摘要，各有各的设置，互不影响（在该话题中发送 /subscription 查看）`);
  if (deleted > 0) parts.push(`最近有 ${deleted} 个话题被删除，发到那里的订阅已停止`);
  return parts.length > 0 ? `\n${parts.join('；')}。` : '';
}

/** Cache of getChatMember verdicts; only successful checks are cached, so an API error is retried next time. */
class AdminCache {
  private readonly entries = new Map<string, { admin: boolean; until: number }>();
  constructor(private readonly ttlMs: number) {}
  get(key: string, now: number): boolean | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.admin;
  }
  set(key: string, admin: boolean, now: number): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { admin, until: now + this.ttlMs });
  }
}

/** `/subscribe 全部` clears the filter. */
const ALL = /^(全部|所有|全部内容|不限|all)$/i;

type AdminVerdict = 'ok' | 'not_admin' | 'anonymous' | 'check_failed';

/** The digest commands as a Composer; it passes every other message on, and the search composer passes these on, so either order works. */
export function digestComposer(deps: DigestBotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const admins = new AdminCache(deps.adminCacheMs ?? 60_000);
  const usage = subscribeUsage(formatTimeOfDay(deps.defaultMinutes));

  const reply = (ctx: Context, html: string) => {
    const inGroup = ctx.chat?.type !== 'private';
    const extra = {
      parse_mode: 'HTML' as const,
      link_preview_options: { is_disabled: true },
      ...(ctx.message && inGroup ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {}),
    };
    return withRetry(() => ctx.reply(html, extra), deps.retry, (err, delayMs, attempt) => deps.logger.warn({ update_id: ctx.update.update_id, err, delayMs, attempt }, 'digest reply failed; retrying'));
  };

  // Fail closed: anything but a confirmed creator/administrator is refused.
  async function checkAdmin(ctx: Context): Promise<AdminVerdict> {
    const chat = ctx.chat;
    if (!chat || chat.type === 'private') return 'ok';
    const message = ctx.message;
    if (ctx.from?.id === GROUP_ANONYMOUS_BOT_ID || (message && 'sender_chat' in message && message.sender_chat)) return 'anonymous';
    const userId = ctx.from?.id;
    if (userId === undefined) return 'check_failed';
    const key = `${chat.id}:${userId}`;
    const cached = admins.get(key, deps.now());
    if (cached !== undefined) return cached ? 'ok' : 'not_admin';
    try {
      const member = await ctx.telegram.getChatMember(chat.id, userId);
      const admin = member.status === 'creator' || member.status === 'administrator';
      admins.set(key, admin, deps.now());
      return admin ? 'ok' : 'not_admin';
    } catch (err) {
      deps.logger.warn({ update_id: ctx.update.update_id, chat_id: chat.id, err }, 'admin check failed; refusing');
      return 'check_failed';
    }
  }

  async function guard(ctx: Context): Promise<boolean> {
    const verdict = await checkAdmin(ctx);
    if (verdict === 'ok') return true;
    updateLog(ctx).ignored = `admin check: ${verdict}`;
    await reply(ctx, verdict === 'anonymous' ? DIGEST_TEXT.anonymous : verdict === 'not_admin' ? DIGEST_TEXT.adminsOnly : DIGEST_TEXT.checkFailed);
    return false;
  }

  async function subscribe(ctx: Context, query: string): Promise<void> {
    const chat = ctx.chat!;
    const args = parseSubscribeArgs(query);
    if (!args.ok) {
      await reply(ctx, `“${escapeHtml(args.badTime)}”不是有效的时间（00:00–23:59）。\n${usage}`);
      return;
    }
    const who = subscriberOf(ctx);
    const existing = await deps.store.get(who);
    const { words, alerts, skipQuietDays } = takeOptionWords(args.words);
    const filterQuery = words.join(' ');
    // Whatever is not given is kept from this chat's or topic's earlier subscription (even a stopped one: /subscribe
    // restores it); a topic's settings are its own, never another topic's.
    let filter: DigestFilter | null = existing?.filter ?? null;
    if (filterQuery && ALL.test(filterQuery)) filter = null;
    else if (filterQuery) {
      const read = resolveFilterWords(words, deps.resolveFilter, deps.report);
      if (!read.ok) {
        const topics = deps.report.topics.slice(0, 6).map((t) => t.name).join('、');
        const why =
          'unknown' in read
            ? `没有找到与“${escapeHtml(read.unknown)}”对应的主题、区县或词语，未做更改。可选主题如：${escapeHtml(topics)}。`
            : 'tooMany' in read
              ? `筛选最多 ${MAX_FILTER_WORDS} 个词，收到了 ${read.tooMany} 个，未做更改。`
              : `“${escapeHtml(read.empty)}”不是可用的筛选词（排除用 ${code('-招聘')} 或 ${code('!招聘')}，每个词最多 ${MAX_FILTER_WORD_CHARS} 个字），未做更改。`;
        await reply(ctx, `${why}\n${usage}`);
        return;
      }
      filter = read.filter;
    }
    if (!(await guard(ctx))) return;
    const sub = await deps.store.subscribe(
      {
        chatId: chat.id,
        chatType: chat.type as ChatType,
        minutes: args.minutes ?? existing?.minutes ?? deps.defaultMinutes,
        timezone: existing?.timezone ?? deps.timezone,
        filter,
        alerts: alerts ?? existing?.alerts ?? false,
        skipQuietDays: skipQuietDays ?? existing?.skipQuietDays ?? false,
        // In a forum, this is the subscription of the topic /subscribe was sent in, and its digests go there.
        threadId: who.threadId,
      },
      deps.now(),
    );
    deps.logger.info({ update_id: ctx.update.update_id, chat_id: chat.id, thread_id: who.threadId, minutes: sub.minutes, filter: filter?.id ?? null, alerts: sub.alerts }, 'subscribed');
    await reply(ctx, `✅ 已订阅${whose(who)}每日摘要：${describe(sub)}。\n${await nextSendText(sub, deps.store, deps.now())}。\n${await nextDigestText(sub, deps.report, deps.store, deps.now())}。\n查看设置：/subscription · 退订：/unsubscribe${await others(ctx, who)}`);
  }

  /** In a forum, the other topics' subscriptions in words (see otherTopicsText); elsewhere nothing, without a query. */
  async function others(ctx: Context, who: Subscriber): Promise<string> {
    if (ctx.chat?.type !== 'supergroup') return '';
    return otherTopicsText(await deps.store.subscriptionsOf(who.chatId), who, deps.now());
  }

  async function unsubscribe(ctx: Context): Promise<void> {
    if (!(await guard(ctx))) return;
    // In a forum topic only that topic's subscription ends; the other topics' stay as they are.
    const who = subscriberOf(ctx);
    const done = await deps.store.deactivate(who, 'unsubscribed', deps.now());
    const text = who.threadId ? (done ? DIGEST_TEXT.unsubscribedTopic : DIGEST_TEXT.notSubscribedTopic) : done ? DIGEST_TEXT.unsubscribed : DIGEST_TEXT.notSubscribed;
    await reply(ctx, `${text}${await others(ctx, who)}`);
  }

  async function subscription(ctx: Context): Promise<void> {
    const who = subscriberOf(ctx);
    const sub = await deps.store.get(who);
    if (!sub) return void (await reply(ctx, `${who.threadId ? DIGEST_TEXT.notSubscribedTopic : DIGEST_TEXT.notSubscribed}${await others(ctx, who)}`));
    if (!sub.active) {
      const why =
        sub.inactiveReason === 'unsubscribed'
          ? '已退订'
          : sub.inactiveReason?.startsWith(TOPIC_GONE)
            ? `已停止：设置订阅的话题已被删除。在要接收摘要的话题中发送 ${code('/subscribe')} 重新订阅`
            : sub.inactiveReason?.startsWith(NO_MATCH_PREFIX) && sub.filter
              ? `已停止：报道更新后，筛选“${escapeHtml(sub.filter.label)}”已没有匹配的内容。发送 ${code('/subscribe 全部')} 看全部内容，或换一个主题或区县`
              : `已停止（${escapeHtml(sub.inactiveReason ?? '原因未知')}）`;
      await reply(ctx, `${whose(who)}每日摘要${why}。原设置：${describe(sub)}。发送 ${code('/subscribe')} 恢复。${await others(ctx, who)}`);
      return;
    }
    await reply(ctx, `${whose(who)}每日摘要：${describe(sub)}。\n${await nextSendText(sub, deps.store, deps.now())}。\n${await nextDigestText(sub, deps.report, deps.store, deps.now())}。\n更改：${code('/subscribe 07:30 就业')} · 退订：/unsubscribe${await others(ctx, who)}`);
  }

  async function digest(ctx: Context): Promise<void> {
    const who = subscriberOf(ctx);
    const sub = await deps.store.get(who);
    const active = sub?.active ? sub : null;
    const date = localDateTime(deps.now(), active?.timezone ?? deps.timezone).date;
    // Read-only: today's ledger row pins the section; nothing is written, so the rotation is untouched.
    const row = await deps.store.delivery(who, date);
    const d = await digestFor(deps.report, deps.store, { ...who, date, filter: active?.filter ?? null, pinnedSectionId: row?.sectionId ?? null });
    await reply(ctx, d ? renderDigestHtml(d) : DIGEST_TEXT.noDigest);
  }

  // Removed from a group or blocked in a DM: stop the subscriptions now (every topic's), with the reason, rather than at the next send.
  composer.on('my_chat_member', async (ctx, next) => {
    const status = ctx.myChatMember.new_chat_member.status;
    if (status === 'kicked' || status === 'left') {
      const stopped = await deps.store.deactivateChat(ctx.chat.id, status === 'kicked' ? '机器人被移出群组或被屏蔽' : '机器人已离开该聊天', deps.now());
      if (stopped > 0) updateLog(ctx).ignored = `subscription stopped: ${status}`;
    }
    return next();
  });

  composer.on('message', async (ctx, next) => {
    const input = addressed(ctx);
    if (!input) return next();
    const line = parseCommandLine(input.text);
    const handlers: Record<string, () => Promise<void>> = {
      subscribe: () => subscribe(ctx, line.query),
      unsubscribe: () => unsubscribe(ctx),
      subscription: () => subscription(ctx),
      digest: () => digest(ctx),
    };
    const handler = /^\s*[/／]/.test(input.text) ? handlers[line.command] : undefined;
    if (!handler) return next();
    updateLog(ctx).command = line.command;
    await handler();
  });

  return composer;
}
