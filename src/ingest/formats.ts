// Articles in the forms editors have them → the clean text ingest reads (the corpus README's form: title on line 1,
// kicker and subtitle, byline, body; paragraphs separated by one blank line). Plain text in UTF-8 (BOM, CRLF),
// GB18030/GBK or UTF-16 with a BOM; an HTML page saved from a news site (the article found by Mozilla's Readability
// over linkedom); Markdown as the People's Daily archive stores it (YAML front matter, `#` headings, `**bold**`).
// Anything else (PDF, Word, images, binary) is refused with the types that are accepted.
import { createRequire } from 'node:module';
import type { Readability as ReadabilityClass } from '@mozilla/readability';
import type matterFn from 'gray-matter';
import type { parseHTML as parseHTMLFn } from 'linkedom';

// The HTML and Markdown libraries are loaded at the first page or Markdown file, not at every start: linkedom alone
// takes about half a second to load, and most runs (the bot starting, `npm run ask`) never convert anything.
const requireLazily = createRequire(import.meta.url);
let libs: { Readability: typeof ReadabilityClass; matter: typeof matterFn; parseHTML: typeof parseHTMLFn } | null = null;
function lib() {
  libs ??= {
    Readability: (requireLazily('@mozilla/readability') as { Readability: typeof ReadabilityClass }).Readability,
    matter: requireLazily('gray-matter') as typeof matterFn,
    parseHTML: (requireLazily('linkedom') as { parseHTML: typeof parseHTMLFn }).parseHTML,
  };
  return libs;
}

/** Why a file is not an article we can read, in one Chinese sentence for the person who sent it. */
export class FormatError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FormatError';
  }
}

/** The file types accepted, for refusals and usage lines. */
export const ACCEPTED_TYPES = '.txt 文本（UTF-8、GB18030/GBK 或带 BOM 的 UTF-16）、.html 网页、.md Markdown';

export type ArticleFormat = 'text' | 'html' | 'markdown';
export type TextEncoding = 'UTF-8' | 'GB18030' | 'UTF-16LE' | 'UTF-16BE';

/** What came in and what it became. */
export interface Converted {
  /** The clean text, `\n` line ends, one blank line between paragraphs, ending with a newline. */
  text: string;
  format: ArticleFormat;
  encoding: TextEncoding;
  /** Metadata the file carried besides the text (front matter, the page's meta tags). */
  meta: { title: string | null; date: string | null; url: string | null };
  /** What was converted, for the add reply (`GB18030 编码`, `HTML 网页`), or null for plain UTF-8 text. */
  convertedFrom: string | null;
}

const HAN = /\p{Script=Han}/gu;

/** Known binary formats by their first bytes, named as a user knows them. */
const MAGIC: Array<[number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46], 'PDF 文件'],
  [[0x50, 0x4b, 0x03, 0x04], 'Word（.docx）或其他压缩文件'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'Word（.doc）文件'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'RTF 文件'],
  [[0x89, 0x50, 0x4e, 0x47], '图片（PNG）'],
  [[0xff, 0xd8, 0xff], '图片（JPEG）'],
  [[0x47, 0x49, 0x46, 0x38], '图片（GIF）'],
  [[0x52, 0x49, 0x46, 0x46], '图片或音视频文件'],
];

const REFUSED_EXTENSIONS: Record<string, string> = {
  pdf: 'PDF 文件', doc: 'Word（.doc）文件', docx: 'Word（.docx）文件', wps: 'WPS 文件', rtf: 'RTF 文件', odt: 'ODT 文件',
  png: '图片', jpg: '图片', jpeg: '图片', gif: '图片', webp: '图片', bmp: '图片', heic: '图片', zip: '压缩文件', rar: '压缩文件',
};

/** A refusal naming what the file is and what is accepted. */
function notAccepted(what: string): FormatError {
  return new FormatError(`是${what}，不能直接收录；请发送 ${ACCEPTED_TYPES}`);
}

/** The share of non-space characters that are Han: how we tell a right decoding from a wrong one. */
function hanShare(text: string): number {
  const han = text.match(HAN)?.length ?? 0;
  const visible = text.replace(/\s+/gu, '').length;
  return visible === 0 ? 0 : han / visible;
}

/** Enough Han characters, few replacement or control characters: reads as Chinese text. */
function readsAsChinese(text: string): boolean {
  const bad = text.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/gu)?.length ?? 0;
  return hanShare(text) >= 0.3 && bad <= Math.max(4, text.length / 1000);
}

/**
 * Decode an article file: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK and
 * GB2312) when the result reads as Chinese. PDF, Word, images and other binary files are refused by what they are.
 */
export function decodeArticle(bytes: Uint8Array, name = ''): { text: string; encoding: TextEncoding } {
  const ext = /\.([A-Za-z0-9]{1,5})$/u.exec(name)?.[1]?.toLowerCase();
  for (const [magic, what] of MAGIC) if (magic.every((b, i) => bytes[i] === b)) throw notAccepted(what);
  if (ext && REFUSED_EXTENSIONS[ext]) throw notAccepted(REFUSED_EXTENSIONS[ext]);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16BE' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    // Not UTF-8: a Chinese editor's other encoding is GB18030/GBK. Decoded only when the result is Chinese text, so
    // a binary file is not turned into a page of odd characters.
  }
  let gb: string;
  try {
    gb = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`像是二进制文件，不是文本；请发送 ${ACCEPTED_TYPES}`);
  }
  if (!readsAsChinese(gb)) throw new FormatError(`既不是 UTF-8 也不像 GB18030/GBK 编码的中文文本（可能是二进制文件）；请另存为 UTF-8 后再试`);
  return { text: gb, encoding: 'GB18030' };
}

/** Which form a decoded file is in: by its name first, then by how it starts. */
export function detectFormat(text: string, name = ''): ArticleFormat {
  if (/\.(html?|xhtml|mht)$/iu.test(name)) return 'html';
  if (/\.(md|markdown)$/iu.test(name)) return 'markdown';
  const head = text.replace(/^\uFEFF/u, '').trimStart().slice(0, 500).toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|meta|title)\b/u.test(head)) return 'html';
  if (/^---\r?\n[\s\S]*?\r?\n---\r?\n/u.test(text.replace(/^\uFEFF/u, '').trimStart())) return 'markdown';
  return 'text';
}

/** Plain text as the corpus has it: `\n` line ends, no BOM, no trailing spaces, one blank line between paragraphs. */
export function normaliseText(text: string): string {
  const lines = text.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n').split('\n').map((l) => l.replace(/[ \t]+$/u, ''));
  return paragraphs(lines.join('\n').split(/\n{2,}/u)).replace(/^\n+/u, '');
}

/** Paragraphs → the text: trimmed of blank lines around each, empty ones dropped, one blank line between, final newline. */
function paragraphs(parts: readonly string[]): string {
  const kept = parts.map((p) => p.replace(/^\n+|\n+$/gu, '')).filter((p) => p.trim() !== '');
  return kept.length === 0 ? '' : `${kept.join('\n\n')}\n`;
}

/** `2025-01-03`, a Date (YAML reads unquoted dates as dates) or a datetime → `yyyy-mm-dd` as written, or null. */
function isoDay(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return null;
  const m = /(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})/u.exec(value);
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : null;
}

const PROVENANCE = /^>\s*(.*?)《人民日报》（\d{4}年\d{1,2}月\d{1,2}日第\s*\d+\s*版）\s*$/u;

/**
 * Markdown as the People's Daily archive stores it → the corpus's clean text (its README, "How the texts were made"):
 * front matter, `#` markers, `**` markers and the provenance line go; the `#` title comes first, then the other
 * headings before the body (kicker, subtitle) in source order, then the byline from the provenance line, then the body.
 */
export function markdownToText(source: string): { text: string; meta: Converted['meta'] } {
  let parsed: { data: Record<string, unknown>; content: string };
  try {
    // A fresh cache key each time: gray-matter caches by content, and we never want another file's data.
    parsed = lib().matter(source.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n'), {}) as unknown as { data: Record<string, unknown>; content: string };
  } catch (err) {
    throw new FormatError(`Markdown 开头的 YAML 信息（--- 之间）读不懂：${(err as Error).message.split('\n')[0]}`);
  }
  const data = parsed.data;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const blocks = parsed.content.split(/\n{2,}/u).map((b) => b.trim()).filter((b) => b !== '');
  let title: string | null = null;
  const before: string[] = [];
  let byline: string | null = null;
  const body: string[] = [];
  let inBody = false;
  for (const block of blocks) {
    const heading = /^(#{1,6})\s+(.*)$/u.exec(block);
    const provenance = PROVENANCE.exec(block);
    if (provenance) {
      byline = provenance[1]!.trim() || null;
      continue;
    }
    if (!inBody && heading) {
      const text = unbold(heading[2]!);
      if (heading[1] === '#' && title === null) title = text;
      else before.push(text);
      continue;
    }
    inBody = true;
    // Inside the body a heading or bold paragraph stays as its own paragraph, without its markers.
    body.push(unbold(heading ? heading[2]! : block));
  }
  title ??= str(data['title']);
  const text = paragraphs([...(title ? [title] : []), ...before, ...(byline ? [byline] : []), ...body]);
  return { text, meta: { title: str(data['title']) ?? title, date: isoDay(data['date']), url: str(data['source_url']) ?? str(data['url']) } };
}

/** `**bold**` → `bold`. */
function unbold(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/gu, '$1').replace(/__(.+?)__/gu, '$1').trim();
}

/** The little of the DOM used here (linkedom's types need the DOM lib, which this Node project does not load). */
interface DomNode {
  textContent: string | null;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode> & Iterable<DomNode>;
  getAttribute(name: string): string | null;
  remove(): void;
  replaceWith(node: string): void;
}

const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, blockquote, figcaption, pre, td, th, dt, dd';

/** The visible text of an element, whitespace folded (a `<br>` is a line break). */
function textOf(el: DomNode): string {
  for (const br of [...el.querySelectorAll('br')]) br.replaceWith('\n');
  // Runs of spaces stay: the paper's own double spaces (`本报记者  张  三`, `电  （记者…）`) are written as &nbsp;.
  return (el.textContent ?? '').replace(/\u00a0/gu, ' ').replace(/[ \t\r\f\v]*\n[ \t\r\f\v]*/gu, '\n').replace(/[\t\r\f\v]+/gu, ' ').trim();
}

/** The first `<meta>` content among `names` (name= or property=). */
function metaContent(doc: DomNode, names: readonly string[]): string | null {
  for (const n of names) {
    const el = doc.querySelector(`meta[name="${n}"], meta[property="${n}"], meta[itemprop="${n}"]`);
    const v = el?.getAttribute('content')?.trim();
    if (v) return v;
  }
  return null;
}

/**
 * An HTML page → the article's clean text: title, then the body's paragraphs in order (headings, paragraphs,
 * list items, captions each their own paragraph). Script, style, navigation, forms and comments never come through.
 */
export function htmlToText(html: string): { text: string; meta: Converted['meta'] } {
  const { parseHTML, Readability } = lib();
  // Typed as the little used here: another package's types may load the DOM lib, whose Document differs from linkedom's.
  const { document } = parseHTML(html.replace(/<!--[\s\S]*?-->/gu, '')) as unknown as { document: DomNode };
  for (const el of [...document.querySelectorAll('script, style, noscript, template, nav, form, iframe, svg, button, select')]) el.remove();
  const date = isoDay(metaContent(document, ['article:published_time', 'publishdate', 'PubDate', 'pubdate', 'date', 'datePublished', 'og:published_time']) ?? document.querySelector('time[datetime]')?.getAttribute('datetime') ?? '');
  const url = metaContent(document, ['og:url']) ?? document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? null;
  const h1s = [...document.querySelectorAll('h1')].map((h: DomNode) => textOf(h)).filter((t) => /\p{Script=Han}/u.test(t));
  const pageTitle = (document.querySelector('title')?.textContent ?? '').trim();
  const article = new Readability(document as unknown as ConstructorParameters<typeof ReadabilityClass>[0], { charThreshold: 100 }).parse();
  // The article's own headline: the page's one <h1> when there is one, else what Readability took from <title>.
  const title = h1s.length === 1 ? h1s[0]! : (article?.title?.trim() || pageTitle.split(/\s*[-_|—]\s*/u)[0] || null);
  let parts: string[] = [];
  let headings = 0;
  if (article?.content) {
    const { document: content } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`) as unknown as { document: DomNode };
    const blocks = [...content.querySelectorAll(BLOCKS)] as DomNode[];
    // Only the innermost blocks: a <li> holding a <p> gives the <p>.
    for (const block of blocks.filter((b) => !b.querySelector(BLOCKS))) {
      const lines = textOf(block).split(/\n+/u).map((t) => t.trim()).filter((t) => t !== '' && t !== title);
      // The headings before the first paragraph are the kicker and subtitle: they go right after the title.
      if (parts.length === headings && /^H[1-6]$/u.test((block as DomNode & { tagName?: string }).tagName ?? '')) headings += lines.length;
      parts.push(...lines);
    }
    if (parts.length === 0) parts = (article.textContent ?? '').split(/\n+/u).map((t) => t.trim()).filter((t) => t !== '' && t !== title);
  }
  // The byline Readability set apart (`本报记者  张  三`) goes where the corpus has it: after kicker and subtitle.
  const byline = article?.byline?.replace(/\u00a0/gu, ' ').trim();
  if (byline && !parts.includes(byline)) parts.splice(headings, 0, byline);
  return { text: paragraphs([...(title ? [title] : []), ...parts]), meta: { title, date: date ?? isoDay(article?.publishedTime ?? ''), url } };
}

/**
 * Read an article file of any accepted form into the clean text. Throws FormatError (with the reason in Chinese) for
 * files that are not articles we can read.
 */
export function convertArticle(bytes: Uint8Array, name = ''): Converted {
  const { text: decoded, encoding } = decodeArticle(bytes, name);
  return convertText(decoded, name, encoding);
}

/** The same for text already decoded (pasted into a message). */
export function convertText(decoded: string, name = '', encoding: TextEncoding = 'UTF-8'): Converted {
  const format = detectFormat(decoded, name);
  const converted = format === 'html' ? htmlToText(decoded) : format === 'markdown' ? markdownToText(decoded) : { text: normaliseText(decoded), meta: { title: null, date: null, url: null } };
  const what = [encoding !== 'UTF-8' ? `${encoding === 'GB18030' ? 'GB18030/GBK' : encoding} 编码` : null, format === 'html' ? 'HTML 网页' : format === 'markdown' ? 'Markdown' : null].filter(Boolean).join('的');
  return { text: converted.text, format, encoding, meta: converted.meta, convertedFrom: what || null };
}
