import { composeDigest } from '../core/digest.ts';
import type { Report } from '../core/report.ts';
import { renderDigestHtml } from '../render/digest.ts';
import type { SubscriptionStore } from '../store/types.ts';
import type { ComposeFn } from './sender.ts';

/** The sender's compose step: the chat's history from the ledger, the pure core, the HTML renderer. */
export function makeCompose(report: Report, store: SubscriptionStore): ComposeFn {
  return (sub, date, pinnedSectionId) => {
    const digest = composeDigest(report, {
      chatId: sub.chatId,
      date,
      filter: sub.filter,
      history: store.history(sub.chatId, date),
      ...(pinnedSectionId ? { sectionId: pinnedSectionId } : {}),
    });
    return digest ? { sectionId: digest.sectionId, html: renderDigestHtml(digest) } : null;
  };
}
