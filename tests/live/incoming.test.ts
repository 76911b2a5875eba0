/**
 * Articles in the forms editors have them, taken in through the same path as `npm run add` and an admin's document:
 * encodings, an HTML page, Markdown from the archive, refusals naming the accepted types, and the article's date.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRawArticles } from '../../src/ingest/files.ts';
import { arrivalLines, prepareArticle } from '../../src/live/incoming.ts';
import { ArticleRefused, Library } from '../../src/live/library.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { readReferenceData } from '../../src/ingest/files.ts';

const refs = readReferenceData('data');
const TODAY = '2030-04-01';
const QIANJIANG = readFileSync('tests/fixtures/formats/qianjiang.txt', 'utf8');
const PAGE = readFileSync('tests/fixtures/formats/2030-03-05-page.html');
const MARKDOWN = readFileSync('tests/fixtures/formats/2030-03-06-archive.md');

function setup() {
  return new Library(loadEngine('data'), { refs, now: () => Date.parse('2030-04-01T02:00:00Z') }, readRawArticles('data'));
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ArticleRefused) return err.reason;
    throw err;
  }
  throw new Error('not refused');
}

/** GB18030 bytes for `text`, from the decoder itself (Node has no GB18030 encoder): every two-byte code, reversed. */
function gb18030(text: string): Uint8Array {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) {
    if (b === 0x7f) continue;
    const ch = decoder.decode(new Uint8Array([a, b]));
    if ([...ch].length === 1 && !table.has(ch)) table.set(ch, [a, b]);
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no two-byte GB18030 code for ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

describe('An article sent as a file', () => {
  it('in GB18030/GBK is decoded, taken in as the same article, and the reply says what it was converted from', () => {
    const prepared = prepareArticle({ bytes: gb18030(QIANJIANG) }, '2030-03-05-qianjiang.txt', TODAY);
    expect(prepared.incoming.text).toBe(QIANJIANG);
    expect(arrivalLines(prepared).join('\n')).toContain('GB18030/GBK 编码');
    const added = setup().add(prepared.incoming);
    expect(added.article.title).toBe('黔江榨菜喜获丰收 带动农户增收');
  });

  it('in UTF-16 with a BOM (both byte orders), or UTF-8 with a BOM and CRLF, reads as the same text', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(QIANJIANG, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!];
    const crlf = Buffer.from(`\uFEFF${QIANJIANG.replace(/\n/gu, '\r\n')}`, 'utf8');
    for (const bytes of [le, be, crlf]) expect(prepareArticle({ bytes }, 'a.txt', TODAY).incoming.text).toBe(QIANJIANG);
    expect(arrivalLines(prepareArticle({ bytes: le }, 'a.txt', TODAY)).join('\n')).toContain('UTF-16LE 编码');
  });

  it('as an HTML page saved from a news site: headline, kicker, subtitle, byline, paragraphs and caption; no markup, script, style, navigation or comments', () => {
    const prepared = prepareArticle({ bytes: PAGE }, 'page.html', TODAY);
    const { text } = prepared.incoming;
    expect(text.split('\n')[0]).toBe('黔江榨菜喜获丰收 带动农户增收');
    expect(text).toContain('特色产业助力乡村振兴——\n\n全区种植面积达到12万亩，产值突破8亿元\n\n本报记者  张  三\n\n本报重庆3月4日电  连日来');
    expect(text).toContain('\n\n图为黔江区小南海镇村民在采收青菜头。李  四摄\n\n');
    for (const junk of ['<', 'tracker', '统计代码', '不应出现', 'font-size', '首页', '体育新闻', '页面注释', '网友评论', '版权所有']) expect(text).not.toContain(junk);
    expect(prepared.incoming.dateChoice).toMatchObject({ date: '2030-03-05', from: 'metadata' });
    expect(prepared.provenance).toMatchObject({ file: 'page.html', format: 'html', url: 'https://news.example.cn/2030/0305/qianjiang.html' });
    const added = setup().add(prepared.incoming);
    expect(added.article).toMatchObject({ title: '黔江榨菜喜获丰收 带动农户增收', date: '2030-03-05' });
    expect(added.sections.flatMap((s) => s.captions ?? []).join('\n')).toContain('图为黔江区小南海镇村民在采收青菜头');
    expect(added.sections.some((s) => s.districts.includes('黔江区'))).toBe(true);
  });

  it('as Markdown from the archive: front matter gives date and URL, `#` title first, kicker and subtitle after it, byline from the provenance line, no markers', () => {
    const prepared = prepareArticle({ bytes: MARKDOWN }, '2030-03-06-archive.md', TODAY);
    const { text } = prepared.incoming;
    expect(text.startsWith('山城步道串起老街新景\n\n城市更新见闻——\n\n渝中区建成山城步道20条，总长超过40公里\n\n本报记者  王  平\n\n本报重庆3月5日电  春日')).toBe(true);
    expect(text).toContain('\n\n一步一景\n\n老街焕新\n\n');
    expect(text).not.toMatch(/[#*]|《人民日报》|^---|source_url/mu);
    expect(prepared.incoming).toMatchObject({ source: '2030-03-06-archive.txt', dateChoice: { date: '2030-03-06', from: 'metadata', warning: null } });
    expect(prepared.provenance.url).toBe('https://paper.example.cn/2030/03/06/content_1.html');
    expect(setup().add(prepared.incoming).article.title).toBe('山城步道串起老街新景');
  });

  it('pasted as HTML is converted too', () => {
    expect(prepareArticle({ text: PAGE.toString('utf8') }, undefined, TODAY).incoming.text.split('\n')[0]).toBe('黔江榨菜喜获丰收 带动农户增收');
  });

  it.each([
    ['a PDF', 'report.pdf', Buffer.from(`%PDF-1.7\n${'x'.repeat(300)}`), /PDF/],
    ['a Word file', 'report.docx', Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Array(300).fill(0)]), /Word/],
    ['an image', 'photo.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array(300).fill(7)]), /图片/],
  ])('as %s is refused, naming the accepted types', (_what, name, bytes, kind) => {
    const reason = refusal(() => prepareArticle({ bytes }, name, TODAY));
    expect(reason).toMatch(kind);
    expect(reason).toContain('.html');
    expect(reason).toContain('.md');
  });

  it('binary noise is still refused', () => {
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37) % 256));
    expect(refusal(() => prepareArticle({ bytes: noise }, 'noise.txt', TODAY))).toMatch(/二进制|不像/);
  });
});

describe("An article's date", () => {
  it('a Chinese file name keeps its date; the article is kept under a name starting with it', () => {
    const prepared = prepareArticle({ bytes: Buffer.from(QIANJIANG.replace('本报重庆3月4日电', '本报重庆2月9日电')) }, '2030-02-10-黔江 榨菜 丰收 copy.txt', TODAY);
    expect(prepared.incoming.dateChoice).toEqual({ date: '2030-02-10', from: 'file name', warning: null });
    expect(prepared.incoming.source).toMatch(/^2030-02-10-[0-9a-f]{10}\.txt$/u);
    expect(setup().add(prepared.incoming).article.date).toBe('2030-02-10');
  });

  it('a dateline that disagrees with the file name is named in the reply and as a warning', () => {
    const prepared = prepareArticle({ bytes: Buffer.from(QIANJIANG) }, '2030-02-10-黔江榨菜.txt', TODAY);
    expect(prepared.incoming.dateChoice.date).toBe('2030-02-10');
    expect(prepared.incoming.dateChoice.warning).toMatch(/电头是 3月4日.*文件名是 2030-02-10.*用了文件名/u);
    const added = setup().add(prepared.incoming);
    expect(added.warnings[0]).toContain('电头是 3月4日');
  });

  it('without a date in the name, the dateline gives it, with a warning that the year was assumed', () => {
    const prepared = prepareArticle({ bytes: Buffer.from(QIANJIANG) }, 'qianjiang.txt', TODAY);
    expect(prepared.incoming.dateChoice).toMatchObject({ date: '2030-03-04', from: 'dateline' });
    expect(prepared.incoming.dateChoice.warning).toContain('没有年份');
  });

  it('with no date anywhere, today is used and the warning says so (never silently)', () => {
    const prepared = prepareArticle({ bytes: Buffer.from(QIANJIANG.replace('本报重庆3月4日电  ', '')) }, 'qianjiang.txt', TODAY);
    expect(prepared.incoming.dateChoice).toMatchObject({ date: TODAY, from: 'today' });
    expect(prepared.incoming.dateChoice.warning).toContain('收录当天');
  });

  it('a date printed on its own near the top wins over the file name, and the warning names both', () => {
    const printed = QIANJIANG.replace('特色产业助力乡村振兴——', '2030年3月5日  星期二');
    const prepared = prepareArticle({ bytes: Buffer.from(printed) }, '2030-02-10-x.txt', TODAY);
    expect(prepared.incoming.dateChoice).toMatchObject({ date: '2030-03-05', from: 'printed' });
    expect(prepared.incoming.dateChoice.warning).toMatch(/2030-03-05.*文件名是 2030-02-10/u);
    // A sentence of the body that starts with a date is not a printed date.
    expect(prepareArticle({ bytes: Buffer.from(QIANJIANG) }, '2030-03-05-x.txt', TODAY).incoming.dateChoice.from).toBe('file name');
  });

  it('an impossible date in the file name is refused with the reason', () => {
    expect(refusal(() => prepareArticle({ bytes: Buffer.from(QIANJIANG) }, '2025-13-45-x.txt', TODAY))).toMatch(/2025-13-45 不存在.*月份/u);
    expect(refusal(() => prepareArticle({ bytes: Buffer.from(QIANJIANG) }, '2025-02-30-x.txt', TODAY))).toMatch(/2 月没有 30 日/u);
  });

  it('a file dropped into a folder with an impossible date is refused too, not taken in without a date', () => {
    expect(refusal(() => setup().add({ source: '2025-13-45-x.txt', text: QIANJIANG }))).toMatch(/不存在/);
  });
});
