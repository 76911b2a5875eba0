// The living report: the report and engine in service, and the one pipeline every new article goes through (file
// watching, `npm run add`, a bot admin): check the text, build the article's sections off to the side, then swap in
// a new report and engine in one assignment. Queries read one snapshot, so they get the old or the new, never a mix.
import { createHash } from 'node:crypto';
import { extendEngine, type Engine } from '../core/engine.ts';
import type { Article, Report, Section } from '../core/report.ts';
import { localDateTime } from '../core/digest.ts';
import { splitSentences } from '../core/sentences.ts';
import { buildReport, type RawArticle, type ReferenceData } from '../ingest/build.ts';
import { chooseDate, ImpossibleDate, type DateChoice } from '../ingest/dates.ts';
import { convertArticle, convertText, FormatError, type Converted } from '../ingest/formats.ts';

/** What queries answer from; replaced whole, never changed. */
export interface Snapshot {
  readonly report: Report;
  readonly engine: Engine;
  /** Epoch ms of the last article added while running (or the newest stored one's), null when none. */
  readonly lastAddedAt: number | null;
}

/** Largest article accepted: a long feature is about 100 KB of UTF-8; anything far past that is not an article. */
export const MAX_ARTICLE_BYTES = 512 * 1024;

/** Why an article was refused, in one sentence for the person who sent it. */
export class ArticleRefused extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'ArticleRefused';
  }
}

/** What one accepted article brought, for the reply to whoever added it. */
export interface Added {
  article: Article;
  sections: readonly Section[];
  warnings: readonly string[];
  /** Milliseconds from the built article to the new engine in service. */
  swapMs: number;
  /** The checked text, as it should be shared with other instances. */
  text: string;
  /** `local`: through this instance's folders, `npm run add` or an admin; `shared`: from another instance (src/live/mirror.ts). */
  origin: ArticleOrigin;
  /** The article's date and where it came from (its warning, if any, is the first of `warnings`). */
  date: DateChoice;
  /** The earlier version this one replaced (a correction), or null. Its file and list entry are the caller's to retire. */
  replaced: Article | null;
}

/** An article checked and built, not in service yet. */
export interface Staged {
  source: string;
  text: string;
  fingerprint: string;
  article: Article;
  sections: readonly Section[];
  warnings: readonly string[];
  date: DateChoice;
  /** The article in service this one would replace (a correction), or null. */
  replaces: Article | null;
  addedAt: number;
}

/** An article to take in: its name, its clean text, and (when the caller read the file's metadata) its date. */
export interface Incoming extends RawArticle {
  /** Chosen by the caller (`npm run add`, an admin) from the file's metadata too; otherwise chosen here from text and name. */
  dateChoice?: DateChoice;
}

export type ArticleOrigin = 'local' | 'shared';

const HAN = /\p{Script=Han}/gu;

/** An article file read: its clean text and what it was converted from. */
export interface ReadArticle {
  text: string;
  converted: Converted;
}

/**
 * Read an article file of any accepted form (UTF-8/GB18030/UTF-16 text, an HTML page, Markdown) into its clean
 * text, or refuse it with the reason: empty, too large, binary, PDF/Word/image, not Chinese text.
 */
export function readArticle(source: string, bytes: Uint8Array): ReadArticle {
  if (bytes.length > MAX_ARTICLE_BYTES) throw new ArticleRefused(source, `太大（${Math.round(bytes.length / 1024)} KB，上限 ${MAX_ARTICLE_BYTES / 1024} KB），不像是一篇报道`);
  if (bytes.length === 0) throw new ArticleRefused(source, '是空的');
  let converted: Converted;
  try {
    converted = convertArticle(bytes, source);
  } catch (err) {
    if (err instanceof FormatError) throw new ArticleRefused(source, err.reason);
    throw err;
  }
  return { text: checkArticleText(source, converted.text), converted };
}

/** Pasted text (a message): HTML or Markdown pasted whole is converted too. */
export function readArticleText(source: string, raw: string): ReadArticle {
  let converted: Converted;
  try {
    converted = convertText(raw, source);
  } catch (err) {
    if (err instanceof FormatError) throw new ArticleRefused(source, err.reason);
    throw err;
  }
  return { text: checkArticleText(source, converted.text), converted };
}

/** The clean text of an article file, or the reason it is no article (see readArticle). */
export function checkArticleBytes(source: string, bytes: Uint8Array): string {
  return readArticle(source, bytes).text;
}

/** The same checks for text already decoded (pasted in a message). */
export function checkArticleText(source: string, raw: string): string {
  const text = raw.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n');
  if (text.trim() === '') throw new ArticleRefused(source, '是空的');
  if (text.length > MAX_ARTICLE_BYTES) throw new ArticleRefused(source, `太长（${text.length} 个字符），不像是一篇报道`);
  // NUL and other control characters do not occur in text; a few stray ones are tolerated, many mean a binary file.
  const control = text.match(/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/gu)?.length ?? 0;
  if (control > Math.max(4, text.length / 1000)) throw new ArticleRefused(source, '像是二进制文件，不是文本');
  const han = text.match(HAN)?.length ?? 0;
  if (han < 50 || han < text.replace(/\s+/gu, '').length * 0.3) throw new ArticleRefused(source, '中文太少，不像是一篇中文报道');
  return text;
}

/** Fingerprint of an article's text that ignores whitespace, so the same article pasted again is recognised. */
export function textFingerprint(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/gu, '')).digest('hex');
}

/** Share of sentences two articles have in common at which the later one is a correction of the earlier. */
export const SAME_ARTICLE_SHARE = 0.8;

/** An article's sentences, whitespace removed, for comparing versions. */
function sentenceSet(sections: readonly Section[]): Set<string> {
  const out = new Set<string>();
  for (const s of sections) for (const p of [...s.paragraphs, ...(s.captions ?? [])]) for (const sentence of splitSentences(p)) {
    const key = sentence.replace(/\s+/gu, '');
    if (key.length >= 6) out.add(key);
  }
  return out;
}

/**
 * The article in service that `article` is a new version of: the same headline and date, or at least 80% of the
 * sentences the same (of the longer of the two). The closest such article, or null.
 */
export function updatedArticle(report: Report, article: Article, sections: readonly Section[], sentencesOf: (articleId: string) => Set<string> = sentencesBy(report)): Article | null {
  const norm = (t: string) => t.normalize('NFKC').replace(/\s+/gu, '');
  const mine = sentenceSet(sections);
  let best: { article: Article; share: number } | null = null;
  for (const other of report.articles) {
    if (other.date === article.date && article.date !== null && norm(other.title) === norm(article.title)) return other;
    const theirs = sentencesOf(other.id);
    let common = 0;
    for (const x of mine) if (theirs.has(x)) common++;
    const share = common / Math.max(mine.size, theirs.size, 1);
    if (share >= SAME_ARTICLE_SHARE && (!best || share > best.share)) best = { article: other, share };
  }
  return best?.article ?? null;
}

/** Each article's sentence set, made on first use, grouping the report's sections once. */
export function sentencesBy(report: Report, cache = new Map<string, Set<string>>()): (articleId: string) => Set<string> {
  let grouped: Map<string, Section[]> | null = null;
  return (articleId) => {
    let set = cache.get(articleId);
    if (!set) {
      if (!grouped) {
        grouped = new Map();
        for (const s of report.sections) {
          const list = grouped.get(s.articleId);
          if (list) list.push(s);
          else grouped.set(s.articleId, [s]);
        }
      }
      set = sentenceSet(grouped.get(articleId) ?? []);
      cache.set(articleId, set);
    }
    return set;
  };
}

/** An article and its sections under another article id (`<new id>-lead` → `<id>-lead`). */
function renamed(article: Article, sections: readonly Section[], id: string): { article: Article; sections: Section[] } {
  const from = article.id;
  const rename = (x: string) => (x === from ? id : x.startsWith(`${from}-`) ? `${id}${x.slice(from.length)}` : x);
  return { article: { ...article, id }, sections: sections.map((s) => ({ ...s, id: rename(s.id), articleId: id })) };
}

/** `base` with article `id` replaced by a new version, its sections where the old ones were. */
function withReplaced(base: Report, id: string, article: Article, sections: readonly Section[]): Report {
  const articles = base.articles.map((a) => (a.id === id ? article : a));
  const at = base.sections.findIndex((s) => s.articleId === id);
  const rest = base.sections.filter((s) => s.articleId !== id);
  const index = at < 0 ? rest.length : at;
  const face = articles.reduce((a, b) => ((b.date ?? '') > (a.date ?? '') || ((b.date ?? '') === (a.date ?? '') && b.source > a.source) ? b : a));
  return { ...base, title: face.title, subtitle: face.subtitle, reporters: face.reporters, articles, sections: [...rest.slice(0, index), ...sections, ...rest.slice(index)] };
}

/** `base` with one more article's sections after its own; the face is the newest article, as ingest makes it. */
function withArticle(base: Report, article: Article, sections: readonly Section[]): Report {
  const articles = [...base.articles, article];
  const face = articles.reduce((a, b) => ((b.date ?? '') > (a.date ?? '') || ((b.date ?? '') === (a.date ?? '') && b.source > a.source) ? b : a));
  return { ...base, title: face.title, subtitle: face.subtitle, reporters: face.reporters, articles, sections: [...base.sections, ...sections] };
}

export interface LibraryOptions {
  /** The reference data ingest needs, or a function that reads it at the first addition (one-shot commands that add nothing never pay for it). */
  refs: ReferenceData | (() => ReferenceData);
  /** Epoch ms (injected for tests). */
  now?: () => number;
  /** The time zone "today" is read in when an article has no date of its own (default Asia/Shanghai). */
  timezone?: string;
  /** Hears about every article taken in, after the swap (alerts, logs). */
  onAdded?: (added: Added, snapshot: Snapshot) => void;
}

/** The report in service and the pipeline that adds to it. Single-threaded: every change is one synchronous swap. */
export class Library {
  private snap: Snapshot;
  private readonly fingerprints = new Map<string, string>();
  /** The clean text of each article taken in while running (by source), to share or withdraw it. */
  private readonly texts = new Map<string, string>();
  /** Each article's sentences (by id), to tell a correction from a new article without splitting them all again. */
  private readonly sentences = new Map<string, Set<string>>();
  private refs: ReferenceData | null = null;

  constructor(
    initial: { report: Report; engine: Engine; lastAddedAt?: number | null },
    private readonly options: LibraryOptions,
    /** Texts of the articles already in `initial` (by source), so duplicates of them are refused too. */
    texts: Iterable<RawArticle> = [],
  ) {
    this.snap = Object.freeze({ report: initial.report, engine: initial.engine, lastAddedAt: initial.lastAddedAt ?? null });
    for (const raw of texts) this.fingerprints.set(textFingerprint(raw.text), raw.source);
  }

  private referenceData(): ReferenceData {
    const { refs } = this.options;
    this.refs ??= typeof refs === 'function' ? refs() : refs;
    return this.refs;
  }

  /** The current report and engine: read once per query and use both from it. */
  current(): Snapshot {
    return this.snap;
  }

  /** The clean text of an article taken in while running, or null. */
  textOf(source: string): string | null {
    return this.texts.get(source) ?? null;
  }

  /** True when an article from this file (or with this text) is in service. */
  has(source: string): boolean {
    return this.snap.report.articles.some((a) => a.source === source);
  }

  /**
   * Check an article and build its sections off to the side, without putting it in service (a preview, or the first
   * half of `add`). Throws ArticleRefused for empty, binary, oversized or duplicate text, an impossible date, text in
   * which no section is found, or an older version of an article already in service.
   */
  stage(raw: Incoming, addedAt = (this.options.now ?? Date.now)()): Staged {
    const text = checkArticleText(raw.source, raw.text);
    const before = this.snap;
    if (!/\.txt$/u.test(raw.source)) throw new ArticleRefused(raw.source, '文件名要以 .txt 结尾');
    if (before.report.articles.some((a) => a.source === raw.source)) throw new ArticleRefused(raw.source, '同名的文章已经收录');
    const fingerprint = textFingerprint(text);
    const same = this.fingerprints.get(fingerprint);
    if (same) throw new ArticleRefused(raw.source, `与已收录的 ${same} 内容相同`);
    let date: DateChoice;
    try {
      date = raw.dateChoice ?? chooseDate({ source: raw.source, text, today: localDateTime(addedAt, this.options.timezone ?? 'Asia/Shanghai').date });
    } catch (err) {
      if (err instanceof ImpossibleDate) throw new ArticleRefused(raw.source, err.reason);
      throw err;
    }
    const warnings: string[] = date.warning ? [`${raw.source}: ${date.warning}`] : [];
    let built: Report;
    try {
      built = buildReport([{ source: raw.source, text, date: date.date }], this.referenceData(), (w) => warnings.push(w));
    } catch {
      throw new ArticleRefused(raw.source, `没能从中找出任何段落${warnings.length ? `（${warnings[warnings.length - 1]}）` : ''}`);
    }
    let article: Article = { ...(built.articles[0] as Article), addedAt: new Date(addedAt).toISOString() };
    let sections: readonly Section[] = built.sections;
    const replaces = updatedArticle(before.report, article, sections, sentencesBy(before.report, this.sentences));
    if (replaces) {
      // An older version coming in after a newer one (files dropped by hand, read in name order): the newer stays.
      if (replaces.addedAt && Date.parse(replaces.addedAt) > addedAt) throw new ArticleRefused(raw.source, `是已收录的 ${replaces.source} 的旧版本，没有替换它`);
      // The correction takes the earlier version's id, so its sections' ids (and the digest history and alert
      // ledger that point at them) stay where the text did not change.
      ({ article, sections } = renamed(article, sections, replaces.id));
      article = { ...article, updatedAt: article.addedAt! };
    } else if (before.report.articles.some((a) => a.id === article.id)) {
      throw new ArticleRefused(raw.source, `文章编号 ${article.id} 已被占用，请换个文件名`);
    }
    return { source: raw.source, text, fingerprint, article, sections, warnings, date, replaces, addedAt };
  }

  /**
   * Take in one article: `stage` it, then swap in the new report and engine. A correction (same headline and date,
   * or at least 80% of its sentences the same as an article in service) replaces that article (`replaced`).
   */
  add(raw: Incoming, addedAt = (this.options.now ?? Date.now)(), origin: ArticleOrigin = 'local'): Added {
    const staged = this.stage(raw, addedAt);
    const before = this.snap;
    const t0 = performance.now();
    const { article, sections, replaces } = staged;
    const report = replaces ? withReplaced(before.report, replaces.id, article, sections) : withArticle(before.report, article, sections);
    // Appending extends the engine; a replacement is not an append, and extendEngine builds afresh.
    const engine = extendEngine(before.engine, report);
    // The swap: one assignment. A query running now has its snapshot; the next one gets the new.
    this.snap = Object.freeze({ report, engine, lastAddedAt: addedAt });
    const added: Added = { article, sections, warnings: staged.warnings, swapMs: performance.now() - t0, text: staged.text, origin, date: staged.date, replaced: replaces };
    if (replaces) for (const [fp, source] of this.fingerprints) if (source === replaces.source) this.fingerprints.delete(fp);
    this.fingerprints.set(staged.fingerprint, raw.source);
    if (replaces) this.texts.delete(replaces.source);
    this.sentences.delete(article.id);
    this.texts.set(raw.source, staged.text);
    this.options.onAdded?.(added, this.snap);
    return added;
  }

  /** Take an added article out again (the undo button); the engine is rebuilt without it. False when it is not there. */
  remove(articleId: string): boolean {
    const before = this.snap;
    const article = before.report.articles.find((a) => a.id === articleId);
    if (!article || before.report.articles.length === 1) return false;
    const articles = before.report.articles.filter((a) => a.id !== articleId);
    const face = articles.reduce((a, b) => ((b.date ?? '') > (a.date ?? '') || ((b.date ?? '') === (a.date ?? '') && b.source > a.source) ? b : a));
    const report: Report = { ...before.report, title: face.title, subtitle: face.subtitle, reporters: face.reporters, articles, sections: before.report.sections.filter((s) => s.articleId !== articleId) };
    // Not an append: extendEngine builds afresh (seconds on a huge report, rare: an undo).
    const engine = extendEngine(before.engine, report);
    this.snap = Object.freeze({ report, engine, lastAddedAt: before.lastAddedAt });
    for (const [fp, source] of this.fingerprints) if (source === article.source) this.fingerprints.delete(fp);
    this.texts.delete(article.source);
    this.sentences.delete(articleId);
    return true;
  }
}
