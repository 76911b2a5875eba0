import { alertArticleId, composeAlert, composeDigest, type Digest, type DigestFilter } from '../core/digest.ts';
import type { Report } from '../core/report.ts';
import { renderAlertHtml, renderDigestHtml } from '../render/digest.ts';
import type { Subscriber, SubscriptionStore } from '../store/types.ts';
import type { ComposeFn } from './sender.ts';

/**
 * A subscriber's digest for a date (a chat's, or a forum topic's): its history from the ledger, then the pure core. `pinnedSectionId` (today's ledger row)
 * keeps a resend or an on-demand `/digest` on the section already chosen.
 */
export async function digestFor(
  report: Report,
  store: Pick<SubscriptionStore, 'history'>,
  chat: Subscriber & { date: string; filter: DigestFilter | null; pinnedSectionId?: string | null },
): Promise<Digest | null> {
  return composeDigest(report, {
    chatId: chat.chatId,
    date: chat.date,
    filter: chat.filter,
    history: await store.history({ chatId: chat.chatId, threadId: chat.threadId }, chat.date),
    ...(chat.pinnedSectionId ? { sectionId: chat.pinnedSectionId } : {}),
  });
}

type Composed = Awaited<ReturnType<ComposeFn>>;

/** Messages remembered per report: a broadcast's subscribers share a few filters and histories. */
const MEMO_SIZE = 256;

/**
 * The sender's compose step: `digestFor` (or, for an alert's key, `composeAlert`), rendered as Telegram HTML; `report` may be a getter for the report in service.
 *
 * A digest depends only on the report, the filter, the date, the chat's history and its pinned section, so chats
 * alike in those get the same message: it is composed once per report and remembered (the sender's CPU per
 * message bounds a paid broadcast's 1,000 a second).
 */
export function makeCompose(report: Report | (() => Report), store: Pick<SubscriptionStore, 'history'>): ComposeFn {
  const memos = new WeakMap<Report, Map<string, Composed>>();
  const remembered = (current: Report, key: string, make: () => Composed): Composed => {
    let memo = memos.get(current);
    if (!memo) memos.set(current, (memo = new Map()));
    if (memo.has(key)) return memo.get(key)!;
    const made = make();
    // Oldest out first: enough for a broadcast's few distinct messages, bounded for a long-running bot.
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, made);
    return made;
  };
  return async (sub, date, pinnedSectionId) => {
    const current = typeof report === 'function' ? report() : report;
    const filter = sub.filter === null ? '' : JSON.stringify(sub.filter);
    // An alert's ledger key names its article: the chat gets that article's sections under its filter.
    const articleId = alertArticleId(date);
    if (articleId !== null) {
      return remembered(current, `alert\n${articleId}\n${filter}`, () => {
        const alert = composeAlert(current, articleId, sub.filter);
        return alert ? { sectionId: alert.sections[0]!.id, html: renderAlertHtml(alert) } : null;
      });
    }
    const history = await store.history({ chatId: sub.chatId, threadId: sub.threadId }, date);
    return remembered(current, `digest\n${date}\n${filter}\n${pinnedSectionId ?? ''}\n${history.join('\n')}`, () => {
      const digest = composeDigest(current, { chatId: sub.chatId, date, filter: sub.filter, history, ...(pinnedSectionId ? { sectionId: pinnedSectionId } : {}) });
      return digest ? { sectionId: digest.sectionId, html: renderDigestHtml(digest), nothingNew: digest.nothingNew } : null;
    });
  };
}
