// The living report on several instances. Each takes articles in through its own folders and admins, and puts each
// on the store's shared list; every instance polls the list and takes in what the others added, and takes out
// what they withdrew (undo). The instance that put an article on the list first is the one that alerts for it.
import type { SubscriptionStore } from '../store/types.ts';
import { ArticleRefused, type Added, type Library } from './library.ts';

export type SharedArticleStore = Pick<SubscriptionStore, 'publishArticle' | 'withdrawArticle' | 'sharedArticles' | 'sharedArticleText'>;

export interface MirrorOptions {
  library: Library;
  store: SharedArticleStore;
  /** An article withdrawn elsewhere: its local copy goes too, so a restart does not take it in again. */
  forget?: (source: string) => void;
  /** Each article taken in from the list or taken out, for the log. */
  onChange?: (change: { kind: 'added'; added: Added } | { kind: 'removed'; source: string } | { kind: 'refused'; source: string; reason: string }) => void;
}

/** Keeps one instance's library in line with the shared list. */
export class ArticleMirror {
  /** Sources refused here (a duplicate text under another name, say): reported once, not at every poll. */
  private readonly refused = new Set<string>();
  private pulling: Promise<void> | null = null;

  constructor(private readonly opts: MirrorOptions) {}

  /** Put an article taken in here on the list; true when this instance is the first to (it sends the alerts). */
  publish(source: string, text: string, at: number): Promise<boolean> {
    return this.opts.store.publishArticle(source, text, at);
  }

  /** Take an article out here and on the list (undo); false when neither had it. */
  async withdraw(articleId: string, source: string, at: number): Promise<boolean> {
    const here = this.opts.library.remove(articleId);
    const there = await this.opts.store.withdrawArticle(source, at);
    return here || there;
  }

  /**
   * Take in what the list has and the library does not, and take out what was withdrawn after it came in here.
   * Runs one at a time; a call while one runs waits for it.
   */
  pull(): Promise<void> {
    this.pulling ??= this.pullOnce().finally(() => {
      this.pulling = null;
    });
    return this.pulling;
  }

  private async pullOnce(): Promise<void> {
    const { library, store, forget, onChange } = this.opts;
    for (const shared of await store.sharedArticles()) {
      const here = library.current().report.articles.find((a) => a.source === shared.source);
      if (shared.withdrawnAt !== null) {
        // Withdrawn after it came in here (a file dropped again later is a new addition and stays).
        if (here && (here.addedAt === undefined || Date.parse(here.addedAt) <= shared.withdrawnAt)) {
          library.remove(here.id);
          forget?.(shared.source);
          onChange?.({ kind: 'removed', source: shared.source });
        }
        continue;
      }
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
