import { assertChatId, type ChatId, type Delivery, type RetryPlan, type SubscribeInput, type Subscription, type SubscriptionStore } from './types.ts';

/** In-memory twin of the SQLite store, for unit tests; same behaviour, nothing persisted. */
export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly subs = new Map<ChatId, Subscription>();
  private readonly ledger = new Map<string, Delivery>();
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();

  subscribe(input: SubscribeInput, at: number): Subscription {
    const chatId = assertChatId(input.chatId);
    const old = this.subs.get(chatId);
    const sub: Subscription = { ...input, chatId, filter: input.filter ? { ...input.filter } : null, active: true, inactiveReason: null, createdAt: old?.createdAt ?? at, updatedAt: at };
    this.subs.set(chatId, sub);
    return { ...sub };
  }

  deactivate(chatId: ChatId, reason: string, at: number): boolean {
    const sub = this.subs.get(chatId);
    if (!sub || !sub.active) return false;
    this.subs.set(chatId, { ...sub, active: false, inactiveReason: reason, updatedAt: at });
    return true;
  }

  get(chatId: ChatId): Subscription | null {
    const sub = this.subs.get(chatId);
    return sub ? { ...sub } : null;
  }

  active(): Subscription[] {
    return [...this.subs.values()].filter((s) => s.active).sort((a, b) => a.minutes - b.minutes || a.chatId - b.chatId).map((s) => ({ ...s }));
  }

  migrate(fromChatId: ChatId, toChatId: ChatId, at: number): Subscription | null {
    assertChatId(toChatId);
    const from = this.subs.get(fromChatId);
    const existing = this.subs.get(toChatId);
    if (from) {
      if (existing?.active) this.subs.set(fromChatId, { ...from, active: false, inactiveReason: `migrated to ${toChatId}`, updatedAt: at });
      else {
        this.subs.delete(fromChatId);
        this.subs.set(toChatId, { ...from, chatId: toChatId, chatType: 'supergroup', updatedAt: at });
      }
    }
    for (const [key, row] of [...this.ledger]) {
      if (row.chatId !== fromChatId) continue;
      const target = `${toChatId}|${row.date}`;
      if (!this.ledger.has(target)) this.ledger.set(target, { ...row, chatId: toChatId, updatedAt: at });
      this.ledger.delete(key);
    }
    return this.get(toChatId);
  }

  delivery(chatId: ChatId, date: string): Delivery | null {
    const row = this.ledger.get(`${chatId}|${date}`);
    return row ? { ...row } : null;
  }

  history(chatId: ChatId, beforeDate: string): string[] {
    return [...this.ledger.values()]
      .filter((r) => r.chatId === chatId && r.status === 'sent' && r.date < beforeDate)
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map((r) => r.sectionId);
  }

  begin(chatId: ChatId, date: string, sectionId: string, at: number): Delivery {
    const key = `${assertChatId(chatId)}|${date}`;
    const old = this.ledger.get(key);
    const row: Delivery = {
      chatId,
      date,
      sectionId,
      status: 'pending',
      attempts: (old?.attempts ?? 0) + 1,
      transientFailures: old?.transientFailures ?? 0,
      unknownOutcomes: old?.unknownOutcomes ?? 0,
      retryAt: null,
      messageId: null,
      error: old?.error ?? null,
      updatedAt: at,
    };
    this.ledger.set(key, row);
    return { ...row };
  }

  complete(chatId: ChatId, date: string, messageId: number, at: number): void {
    const row = this.ledger.get(`${chatId}|${date}`);
    if (row) this.ledger.set(`${chatId}|${date}`, { ...row, status: 'sent', messageId, error: null, retryAt: null, updatedAt: at });
  }

  fail(chatId: ChatId, date: string, error: string, permanent: boolean, at: number, retry?: RetryPlan): void {
    const row = this.ledger.get(`${chatId}|${date}`);
    if (!row) return;
    this.ledger.set(`${chatId}|${date}`, {
      ...row,
      status: permanent ? 'dropped' : 'failed',
      error,
      transientFailures: row.transientFailures + (retry ? 1 : 0),
      unknownOutcomes: row.unknownOutcomes + (retry?.unknownOutcome ? 1 : 0),
      retryAt: retry && !permanent ? retry.at : null,
      updatedAt: at,
    });
  }

  acquireLease(name: string, owner: string, now: number, ttlMs: number, takeOverFrom?: string): boolean {
    const held = this.leases.get(name);
    if (held && held.owner !== owner && held.expiresAt > now && held.owner !== takeOverFrom) return false;
    this.leases.set(name, { owner, expiresAt: now + ttlMs });
    return true;
  }

  releaseLease(name: string, owner: string): void {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  leaseHolder(name: string): { owner: string; expiresAt: number } | null {
    const held = this.leases.get(name);
    return held ? { ...held } : null;
  }

  close(): void {}
}
