import { floodStep, topCommands, WEEK_MS, type FloodState } from './shared.ts';
import { assertChatId, subscriberKey, threadFromKey, threadKey, type ChatId, type ChatType, type Delivery, FILE_ID_TTL_MS, type FloodVerdict, type RetryPlan, type SharedArticle, type StoreStats, type SubscribeInput, type Subscriber, type Subscription, type SubscriptionStore } from './types.ts';

/** A subscription's key: chat and topic (0: the chat itself), as the databases' primary key. */
const subKey = (chatId: ChatId, thread: number) => `${chatId}|${thread}`;
/** A ledger row's key: chat, topic and date or alert key. */
const ledgerKey = (chatId: ChatId, thread: number, date: string) => `${chatId}|${thread}|${date}`;

/** In-memory twin of the SQLite store, for unit tests; same behaviour, nothing persisted. */
export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly subs = new Map<string, Subscription>();
  private readonly ledger = new Map<string, Delivery>();
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();
  private readonly pages = new Map<string, { pages: string[]; expiresAt: number }>();
  private readonly flood = new Map<string, FloodState>();
  private readonly chats = new Map<ChatId, { type: ChatType; lastSeen: number }>();
  /** `date|command` → uses. */
  private readonly uses = new Map<string, number>();
  private readonly articles = new Map<string, SharedArticle & { text: string }>();
  private readonly fileIds = new Map<string, { fileId: string; at: number }>();
  private closed = false;

  async subscribe(input: SubscribeInput, at: number): Promise<Subscription> {
    const { chatId, thread } = subscriberKey({ chatId: input.chatId, threadId: input.threadId ?? null });
    const key = subKey(chatId, thread);
    const old = this.subs.get(key);
    const sub: Subscription = { ...input, chatId, filter: input.filter ? structuredClone(input.filter) : null, alerts: input.alerts ?? false, threadId: threadFromKey(thread), skipQuietDays: input.skipQuietDays ?? false, active: true, inactiveReason: null, createdAt: old?.createdAt ?? at, updatedAt: at };
    this.subs.set(key, sub);
    return { ...sub };
  }

  async deactivate(who: Subscriber, reason: string, at: number): Promise<boolean> {
    const { chatId, thread } = subscriberKey(who);
    return this.deactivateKey(subKey(chatId, thread), reason, at);
  }

  async deactivateChat(chatId: ChatId, reason: string, at: number): Promise<number> {
    let n = 0;
    for (const sub of this.chatSubs(assertChatId(chatId))) if (this.deactivateKey(subKey(sub.chatId, threadKey(sub.threadId)), reason, at)) n++;
    return n;
  }

  private deactivateKey(key: string, reason: string, at: number): boolean {
    const sub = this.subs.get(key);
    if (!sub || !sub.active) return false;
    this.subs.set(key, { ...sub, active: false, inactiveReason: reason, updatedAt: at });
    return true;
  }

  async get(who: Subscriber): Promise<Subscription | null> {
    const { chatId, thread } = subscriberKey(who);
    const sub = this.subs.get(subKey(chatId, thread));
    return sub ? { ...sub } : null;
  }

  async subscriptionsOf(chatId: ChatId): Promise<Subscription[]> {
    return this.chatSubs(assertChatId(chatId)).map((s) => ({ ...s }));
  }

  /** A chat's subscriptions, the chat's own first, then by topic. */
  private chatSubs(chatId: ChatId): Subscription[] {
    return [...this.subs.values()].filter((s) => s.chatId === chatId).sort((a, b) => threadKey(a.threadId) - threadKey(b.threadId));
  }

  async active(): Promise<Subscription[]> {
    return [...this.subs.values()]
      .filter((s) => s.active)
      .sort((a, b) => a.minutes - b.minutes || a.chatId - b.chatId || threadKey(a.threadId) - threadKey(b.threadId))
      .map((s) => ({ ...s }));
  }

  async migrate(fromChatId: ChatId, toChatId: ChatId, at: number): Promise<Subscription[]> {
    assertChatId(toChatId);
    for (const from of this.chatSubs(assertChatId(fromChatId))) {
      const thread = threadKey(from.threadId);
      if (this.subs.get(subKey(toChatId, thread))?.active) this.subs.set(subKey(fromChatId, thread), { ...from, active: false, inactiveReason: `migrated to ${toChatId}`, updatedAt: at });
      else {
        this.subs.delete(subKey(fromChatId, thread));
        this.subs.set(subKey(toChatId, thread), { ...from, chatId: toChatId, chatType: 'supergroup', updatedAt: at });
      }
    }
    // Rows the new chat already has win; the rest of the history follows the group, topic by topic.
    for (const [key, row] of [...this.ledger]) {
      if (row.chatId !== fromChatId) continue;
      const target = ledgerKey(toChatId, threadKey(row.threadId), row.date);
      if (!this.ledger.has(target)) this.ledger.set(target, { ...row, chatId: toChatId, updatedAt: at });
      this.ledger.delete(key);
    }
    return this.subscriptionsOf(toChatId);
  }

  async delivery(who: Subscriber, date: string): Promise<Delivery | null> {
    const row = this.ledger.get(this.rowKey(who, date));
    return row ? { ...row } : null;
  }

  async history(who: Subscriber, beforeDate: string): Promise<string[]> {
    const { chatId, thread } = subscriberKey(who);
    return [...this.ledger.values()]
      .filter((r) => r.chatId === chatId && threadKey(r.threadId) === thread && r.status === 'sent' && r.date < beforeDate)
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map((r) => r.sectionId);
  }

  async begin(who: Subscriber, date: string, sectionId: string, at: number): Promise<Delivery> {
    const { chatId, thread } = subscriberKey(who);
    const key = ledgerKey(chatId, thread, date);
    const old = this.ledger.get(key);
    const row: Delivery = {
      chatId,
      threadId: threadFromKey(thread),
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

  async complete(who: Subscriber, date: string, messageId: number, at: number): Promise<void> {
    const key = this.rowKey(who, date);
    const row = this.ledger.get(key);
    if (row) this.ledger.set(key, { ...row, status: 'sent', messageId, error: null, retryAt: null, updatedAt: at });
  }

  async fail(who: Subscriber, date: string, error: string, permanent: boolean, at: number, retry?: RetryPlan): Promise<void> {
    const key = this.rowKey(who, date);
    const row = this.ledger.get(key);
    if (!row) return;
    this.ledger.set(key, {
      ...row,
      status: permanent ? 'dropped' : 'failed',
      error,
      transientFailures: row.transientFailures + (retry ? 1 : 0),
      unknownOutcomes: row.unknownOutcomes + (retry?.unknownOutcome ? 1 : 0),
      retryAt: retry && !permanent ? retry.at : null,
      updatedAt: at,
    });
  }

  private rowKey(who: Subscriber, date: string): string {
    const { chatId, thread } = subscriberKey(who);
    return ledgerKey(chatId, thread, date);
  }

  async acquireLease(name: string, owner: string, now: number, ttlMs: number, takeOverFrom?: string): Promise<boolean> {
    const held = this.leases.get(name);
    if (held && held.owner !== owner && held.expiresAt > now && held.owner !== takeOverFrom) return false;
    this.leases.set(name, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  async leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const held = this.leases.get(name);
    return held ? { ...held } : null;
  }

  async putPages(key: string, pages: readonly string[], expiresAt: number, now: number): Promise<void> {
    this.pages.set(key, { pages: [...pages], expiresAt });
    for (const [k, e] of this.pages) if (e.expiresAt <= now) this.pages.delete(k);
  }

  async getPages(key: string, now: number): Promise<string[] | null> {
    const entry = this.pages.get(key);
    if (!entry || entry.expiresAt <= now) return null;
    return [...entry.pages];
  }

  async putFileId(key: string, fileId: string, at: number): Promise<void> {
    this.fileIds.set(key, { fileId, at });
    for (const [k, e] of this.fileIds) if (e.at <= at - FILE_ID_TTL_MS) this.fileIds.delete(k);
  }

  async getFileId(key: string): Promise<string | null> {
    return this.fileIds.get(key)?.fileId ?? null;
  }

  async floodHit(key: string, now: number, windowMs: number, limit: number): Promise<FloodVerdict> {
    const { verdict, next } = floodStep(this.flood.get(key) ?? null, now, windowMs, limit);
    this.flood.set(key, next);
    return verdict;
  }

  async recordUse(use: { chatId: ChatId; chatType: ChatType; command: string | null; date: string; at: number }): Promise<void> {
    this.chats.set(use.chatId, { type: use.chatType, lastSeen: use.at });
    if (use.command) this.uses.set(`${use.date}|${use.command}`, (this.uses.get(`${use.date}|${use.command}`) ?? 0) + 1);
  }

  async stats(date: string, since: string, now: number): Promise<StoreStats> {
    const subscribers: StoreStats['subscribers'] = {};
    let topics = 0;
    for (const s of this.subs.values()) {
      if (!s.active) continue;
      subscribers[s.chatType] = (subscribers[s.chatType] ?? 0) + 1;
      if (s.threadId !== null) topics++;
    }
    const digests: StoreStats['digests'] = {};
    for (const r of this.ledger.values()) if (r.date === date) digests[r.status] = (digests[r.status] ?? 0) + 1;
    const counts = new Map<string, number>();
    for (const [key, n] of this.uses) {
      const [day, command] = key.split('|') as [string, string];
      if (day >= since && day <= date) counts.set(command, (counts.get(command) ?? 0) + n);
    }
    const lastWeek = [...this.chats.values()].filter((c) => c.lastSeen > now - WEEK_MS).length;
    return { subscribers, topics, chats: { total: this.chats.size, lastWeek }, digests, commands: topCommands(counts) };
  }

  async publishArticle(source: string, text: string, at: number): Promise<boolean> {
    const old = this.articles.get(source);
    if (old && (old.withdrawnAt === null || old.withdrawnAt >= at)) return false;
    this.articles.set(source, { source, text, addedAt: at, withdrawnAt: null });
    return true;
  }

  async withdrawArticle(source: string, at: number): Promise<boolean> {
    const old = this.articles.get(source);
    if (!old || old.withdrawnAt !== null) return false;
    old.withdrawnAt = at;
    return true;
  }

  async sharedArticles(): Promise<SharedArticle[]> {
    return [...this.articles.values()].map(({ source, addedAt, withdrawnAt }) => ({ source, addedAt, withdrawnAt }));
  }

  async sharedArticleText(source: string): Promise<string | null> {
    const a = this.articles.get(source);
    return a && a.withdrawnAt === null ? a.text : null;
  }

  async answers(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
