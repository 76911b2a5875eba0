// The living report on several instances. Each takes articles in through its own folders and admins, and puts each
// on the store's shared list; every instance polls the list and takes in what the others added, and takes out
// what they withdrew (undo). The instance that put an article on the list first is the one that alerts for it.
import type { SubscriptionStore } from '../store/types.ts';
import { ArticleRefused, type Added, type Library } from './library.ts';

export type SharedArticleStore = Pick<SubscriptionStore, 'publishArticle' | 'withdrawArticle' | 'sharedArticles' | 'sharedArticleText'>;

export interface MirrorOptions {
  library: Library;
  store: SharedArticleStore;
  /** An article withdrawn (here or elsewhere): its local copy goes too, so a restart does not take it in again. */
  forget?: (source: string) => void;
  /** Each article taken in from the list or taken out, for the log. */
  onChange?: (change: { kind: 'added'; added: Added } | { kind: 'removed'; source: string } | { kind: 'refused'; source: string; reason: string }) => void;
}

/** Keeps one instance's library in line with the shared list. */
export class ArticleMirror {
  /** Sources refused here (a duplicate text under another name, say): reported once, not at every poll. */
  private readonly refused = new Set<string>();
  /** Withdrawn sources and when, as last read from the list (or withdrawn here). */
  private readonly withdrawn = new Map<string, number>();
  /** Articles taken in here that could not be put on the list yet (the database was down): tried at each look. */
  private readonly unpublished = new Map<string, { text: string; at: number }>();
  private pulling: Promise<void> | null = null;

  constructor(private readonly opts: MirrorOptions) {}

  /**
   * Put an article taken in here on the list; true when this instance is the first to (it sends the alerts).
   * When the store cannot be reached it rejects, and the article is put on the list at a later look.
   */
  async publish(source: string, text: string, at: number): Promise<boolean> {
    try {
      const first = await this.opts.store.publishArticle(source, text, at);
      this.unpublished.delete(source);
      return first;
    } catch (err) {
      this.unpublished.set(source, { text, at });
      throw err;
    }
  }

  /**
   * Take an article out everywhere (undo): on the list first, so a failure leaves everything as it was, then here,
   * with its local copy. False when neither had it.
   */
  async withdraw(articleId: string, source: string, at: number): Promise<boolean> {
    const there = await this.opts.store.withdrawArticle(source, at);
    this.withdrawn.set(source, at);
    this.unpublished.delete(source);
    const here = this.opts.library.remove(articleId);
    if (here) this.opts.forget?.(source);
    return here || there;
  }

  /**
   * An earlier version replaced by a correction (the library holds the new one already): off the list, so other
   * instances and restarts do not take it in again, and its local copy deleted. Rejects when the store cannot be reached.
   */
  async retire(source: string, at: number): Promise<void> {
    this.withdrawn.set(source, at);
    this.unpublished.delete(source);
    this.opts.forget?.(source);
    await this.opts.store.withdrawArticle(source, at);
  }

  /** Whether a file of this name, last changed at `mtimeMs`, is an article withdrawn since (the folders skip it). */
  isWithdrawn(source: string, mtimeMs: number): boolean {
    const at = this.withdrawn.get(source);
    return at !== undefined && mtimeMs <= at;
  }

  /**
   * Put on the list what could not be put there before, take in what the list has and the library does not, and
   * take out what was withdrawn after it came in here. Runs one at a time; a call while one runs waits for it.
   */
  pull(): Promise<void> {
    this.pulling ??= this.pullOnce().finally(() => {
      this.pulling = null;
    });
    return this.pulling;
  }

  private async pullOnce(): Promise<void> {
    const { library, store, forget, onChange } = this.opts;
    for (const [source, { text, at }] of [...this.unpublished]) {
      if (!library.has(source)) this.unpublished.delete(source);
      // Still unreachable: kept for the next look; reading the list below says the same, louder.
      else await this.publish(source, text, at).catch(() => undefined);
    }
    // New versions before withdrawals: a correction is taken in while the version it replaces is still here, so it
    // keeps that version's ids; the old version's withdrawal then finds nothing left to take out.
    const list = await store.sharedArticles();
    for (const shared of [...list.filter((a) => a.withdrawnAt === null), ...list.filter((a) => a.withdrawnAt !== null)]) {
      const here = library.current().report.articles.find((a) => a.source === shared.source);
      if (shared.withdrawnAt !== null) {
        this.withdrawn.set(shared.source, shared.withdrawnAt);
        // Only articles taken in while running, and before the withdrawal (a file dropped again later is a new
        // addition and stays; an article built into report.json is the editors' to remove).
        if (here?.addedAt !== undefined && Date.parse(here.addedAt) <= shared.withdrawnAt && library.remove(here.id)) {
          forget?.(shared.source);
          onChange?.({ kind: 'removed', source: shared.source });
        }
        continue;
      }
      this.withdrawn.delete(shared.source);
      if (here || this.refused.has(shared.source)) continue;
      const text = await store.sharedArticleText(shared.source);
      // Taken in by this instance meanwhile (the text was being fetched), or withdrawn in between.
      if (text === null || library.has(shared.source)) continue;
      try {
        // Not inside `onChange?.(…)`: without a listener the optional call would skip the add itself.
        const added = library.add({ source: shared.source, text }, shared.addedAt, 'shared');
        onChange?.({ kind: 'added', added });
      } catch (err) {
        if (!(err instanceof ArticleRefused)) throw err;
        this.refused.add(shared.source);
        onChange?.({ kind: 'refused', source: shared.source, reason: err.reason });
      }
    }
  }
}
