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

/** The sender's compose step: `digestFor` (or, for an alert's key, `composeAlert`), rendered as Telegram HTML; `report` may be a getter for the report in service. */
export function makeCompose(report: Report | (() => Report), store: Pick<SubscriptionStore, 'history'>): ComposeFn {
  return async (sub, date, pinnedSectionId) => {
    const current = typeof report === 'function' ? report() : report;
    // An alert's ledger key names its article: the chat gets that article's sections under its filter.
    const articleId = alertArticleId(date);
    if (articleId !== null) {
      const alert = composeAlert(current, articleId, sub.filter);
      return alert ? { sectionId: alert.sections[0]!.id, html: renderAlertHtml(alert) } : null;
    }
    const digest = await digestFor(current, store, { chatId: sub.chatId, threadId: sub.threadId, date, filter: sub.filter, pinnedSectionId });
    return digest ? { sectionId: digest.sectionId, html: renderDigestHtml(digest), nothingNew: digest.nothingNew } : null;
  };
}
