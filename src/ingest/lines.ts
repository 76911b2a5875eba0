/**
 * What one line of a raw article is, read on its own: a caption, a byline, a dateline, a speaker heading, a line
 * opened by a speaker (`某某：…`), a kicker (`…——`), a signature (`——某某（…）`), a short sub-heading or running text.
 * segment.ts decides from the lines around it what each one does to the sections.
 */
import { endsSentence } from '../core/sentences.ts';
import { DEPUTY_SUFFIX, isName, parseDescriptor, splitSpeaker } from './roles.ts';
import type { RawPerson } from './segment.ts';

export type LineKind =
  | { kind: 'title' }
  | { kind: 'caption'; editorsNote: boolean; credit: boolean }
  | { kind: 'byline'; names: string[] }
  | { kind: 'closingByline'; names: string[]; author: string | null }
  | { kind: 'dateline'; names: string[]; rest: string }
  | { kind: 'fragment'; page: string; rest: string }
  | { kind: 'guests' }
  | { kind: 'linkMark' }
  | { kind: 'signature' }
  | { kind: 'subtitle'; text: string }
  | { kind: 'kicker'; text: string }
  | { kind: 'author'; person: RawPerson }
  | { kind: 'heading'; speaker: RawPerson | null; headline: string }
  | { kind: 'prefixed'; prefix: string; name: string; speaker: RawPerson | null; rest: string }
  | { kind: 'question'; rest: string }
  | { kind: 'answer'; rest: string }
  | { kind: 'short' }
  | { kind: 'body' };

const FRAGMENT_MARK = /^[（(]\s*上接\s*([0-9一二三四五六七八九十]+)\s*版\s*[）)]\s*/u;
/** `本报记者 张三 李四`, `本报首席记者张三`, `记者 张三 实习生 李四`, `本报记者` alone. */
const BYLINE = /^(?:本报|新华社|本台)?(?:首席|特约|实习)?记者(?=[\s\u3000]|$|[\u4e00-\u9fff]{2,4}(?:[\s\u3000、]|$))/u;
/** `（本报记者张三、李四参与采写）`, `（本报记者  王五采访整理）`. */
const CLOSING_BYLINE = /^[（(]\s*(?:本报|新华社)?(?:首席|特约|实习)?记者(.*)[）)]$/u;
/** `（作者为全国政协委员、某某法院副院长）`: the author's posts. */
const AUTHOR_NOTE = /^[（(]\s*作者(?:为|系|是)(.+)[）)]$/u;
/** `本报讯（记者 张三）…`, `本报南宁1月2日电  （记者庞革平）…`: a dateline that names the reporters. */
const DATELINE = /^(?:本报讯|(?:本报|新华社)[\u4e00-\u9fff]{0,8}?(?:\d{1,2}月\d{1,2}日)?电)[\s\u3000]*[（(]\s*(?:本报|首席|特约)?记者\s*([^）)]+)[）)][\s\u3000]*/u;
/** Photo captions, photo and data credits, layout credits, the editor's note: not running text. */
const CAPTION = /^图[①-⑳\d一二三四五六七八九十]*[为：:]|^(?:原标题|数据来源|资料来源|来源|本期统筹|版式设计|融媒合作|责任编辑|责编|编辑|审核|校对|监制|制图|设计|策划|统筹)[：:]|^核心阅读$/u;
/** `王  辰摄（人民视觉）`, `新华社记者  黄晓勇摄`, `某某管委会供图`, `资料图片`. */
const CREDIT = /^[^，。！？]{1,30}(?:摄|供图|制图)(?:[（(][^）)]*[）)])?$|^(?:资料图片|资料照片|视频截图|网络图片)$/u;
/** A caption printed with its credit after two ideographic spaces (`某某现场。　　本报记者  某某摄`). */
const CAPTION_WITH_CREDIT = /\u3000{2}[^\u3000，。！？]{1,30}(?:摄|供图)(?:[（(][^）)]*[）)])?$/u;
const EDITORS_NOTE = /^——\s*编\s*者$/u;
/** `——某某委员（某某大学教授）`: the signature under a quote. */
export const SIGNATURE = /^——[\s\u3000]*([\u4e00-\u9fff·]{2,10}?)[\s\u3000]*[（(]([^）)]+)[）)]$/u;
/** `某某代表（某某公司董事长）`: how a deputy or member is introduced before their words. */
const DEPUTY_PAREN = /^([\u4e00-\u9fff·]{2,8}?)(?:代表|委员)?[（(]([^）)]+)[）)]$/u;
/** Who asks in an interview: `记者：`, `问：`, `主持人：`, `网友提问：`, `记者问：`. */
const QUESTION = /^(?:记者|主持人|问|提问|[\u4e00-\u9fff]{1,6}?(?:提问|问))$/u;
/** Sentence punctuation never appears in a `机构职务姓名` heading prefix. */
const NOT_IN_PREFIX = /[，。！？；“”"《》]/u;
/** A title no longer than this, not ending a sentence, makes `某某：标题` a heading rather than a speaker's words. */
const MAX_HEADLINE = 40;

/** What `line` is, read on its own. */
export function classifyLine(line: string): LineKind {
  if (EDITORS_NOTE.test(line)) return { kind: 'caption', editorsNote: true, credit: false };
  if (CAPTION.test(line)) return { kind: 'caption', editorsNote: false, credit: false };
  if (CREDIT.test(line) && !/[：:]/u.test(line)) return { kind: 'caption', editorsNote: false, credit: true };
  if (CAPTION_WITH_CREDIT.test(line)) return { kind: 'caption', editorsNote: false, credit: false };
  const fragment = FRAGMENT_MARK.exec(line);
  if (fragment) return { kind: 'fragment', page: fragment[1]!, rest: line.slice(fragment[0].length) };
  const dateline = DATELINE.exec(line);
  if (dateline) return { kind: 'dateline', names: bylineNames(dateline[1]!), rest: line.slice(dateline[0].length) };
  const author = AUTHOR_NOTE.exec(line);
  if (author) return { kind: 'closingByline', names: [], author: author[1]! };
  const closing = CLOSING_BYLINE.exec(line);
  if (closing && !/[，。！？]/u.test(closing[1]!)) return { kind: 'closingByline', names: bylineNames(closing[1]!), author: null };
  if (BYLINE.test(line) && !/[，。！？：]/u.test(line)) return { kind: 'byline', names: bylineNames(line.replace(BYLINE, '')) };
  if (/^对话嘉宾[：:]?$/u.test(line)) return { kind: 'guests' };
  if (/^连线$/u.test(line)) return { kind: 'linkMark' };
  if (line.startsWith('——')) {
    if (SIGNATURE.test(line) || signer(line)) return { kind: 'signature' };
    return { kind: 'subtitle', text: line.replace(/^[—－-]+[\s\u3000]*/u, '') };
  }
  // A kicker is a label, never a sentence: `某某高新区——`, not `…之旅开始了——`.
  const kicker = /^([^，。！？；]{2,40}?)——$/u.exec(line);
  if (kicker) return { kind: 'kicker', text: kicker[1]!.trim() };
  const colon = /[：:]/u.exec(line);
  if (colon) {
    const prefix = compactName(line.slice(0, colon.index).trim());
    const rest = line.slice(colon.index + 1).trim();
    if (QUESTION.test(prefix)) return { kind: 'question', rest };
    if (prefix === '答') return { kind: 'answer', rest };
    const parsed = speakerLine(prefix, rest);
    if (parsed) return parsed;
  }
  const person = authorLine(line);
  if (person) return { kind: 'author', person };
  if (isShort(line)) return { kind: 'short' };
  return { kind: 'body' };
}

/** `机构职务姓名：标题` (a heading), `机构职务姓名：正文…` or `某某：正文…` (words opened by their speaker), or null. */
function speakerLine(prefix: string, rest: string): LineKind | null {
  if (prefix.length < 2 || prefix.length > 60 || NOT_IN_PREFIX.test(prefix) || QUESTION.test(prefix)) return null;
  const isHeading = rest.length <= MAX_HEADLINE && !endsSentence(rest) && !/[。！？]/u.test(rest);
  const deputy = DEPUTY_PAREN.exec(prefix);
  if (deputy && isName(deputy[1]!.replace(DEPUTY_SUFFIX, ''))) {
    const post = parseDescriptor(deputy[2]!);
    const speaker = { name: deputy[1]!.replace(DEPUTY_SUFFIX, ''), role: post?.role ?? '', org: post?.org ?? '' };
    return rest && !isHeading ? { kind: 'prefixed', prefix, name: speaker.name, speaker, rest } : { kind: 'heading', speaker, headline: rest };
  }
  const speaker = splitSpeaker(prefix);
  if (speaker) {
    return rest && !isHeading ? { kind: 'prefixed', prefix, name: speaker.name, speaker, rest } : { kind: 'heading', speaker, headline: rest };
  }
  const name = prefix.replace(DEPUTY_SUFFIX, '');
  // A bare name (`某某：…`): a dialogue turn, when the name is one of the guests.
  if (isName(name) && name.length <= 4 && rest && !isHeading) return { kind: 'prefixed', prefix, name, speaker: null, rest };
  // Shape alone: a name-like prefix (Han characters only) and a short title still open a section.
  if (/^[\u4e00-\u9fff、（）()]+$/u.test(prefix) && prefix.length >= 4 && prefix.length <= 40 && isHeading && rest) {
    return { kind: 'heading', speaker: null, headline: rest };
  }
  return null;
}

/**
 * `——全国人大代表、某某养老院院长某某`, `——某某代表`: a signature with the post before the name (no brackets), or null.
 * Not `——访某某` (an interview's subtitle) and never a sentence.
 */
export function signer(line: string): RawPerson | null {
  const text = line.replace(/^——[\s\u3000]*/u, '');
  if (text.length > 60 || /[，。！？；：“”]/u.test(text) || /^(?:专访|访谈|访|对话)/u.test(text)) return null;
  const deputy = /^([\u4e00-\u9fff·]{2,4}?)(?:代表|委员)$/u.exec(text);
  if (deputy && isName(deputy[1]!)) return { name: deputy[1]!, role: '', org: '' };
  return splitSpeaker(text);
}

/** `冯  帆` → `冯帆`: a short name the paper pads with spaces; anything longer is left alone. */
function compactName(text: string): string {
  const compact = text.replace(/[\s\u3000]+/gu, '');
  return compact.length <= 4 && /^[\u4e00-\u9fff]+$/u.test(compact) ? compact : text;
}

/**
 * A line that is a person and nothing else: `某某` or `湖北省某某市委书记  某某代表` (a byline naming the author) or
 * `某  某  全国政协委员、某某大学教授` (a guest list's line, name first).
 */
function authorLine(line: string): RawPerson | null {
  if (/[，。！？；：“”]/u.test(line)) return null;
  const compact = line.replace(/[\s\u3000]+/gu, '');
  if (isName(compact) && compact.length <= 3) return { name: compact, role: '', org: '' };
  if (!/[\s\u3000]/u.test(line)) return null;
  return splitSpeaker(line) ?? guestLine(line);
}

/** `某  某  全国政协委员、某某大学教授`, `某某某  本报评论员`: name first, then the post, apart by spaces. */
function guestLine(line: string): RawPerson | null {
  const parts = line.split(/[\s\u3000]+/u).filter(Boolean);
  // The paper pads a two-character name to three (`金  李`): two single characters in a row are one name.
  const padded = parts[0]?.length === 1 && parts[1]?.length === 1;
  const name = padded ? parts[0]! + parts[1]! : parts[0] ?? '';
  const descriptor = parts.slice(padded ? 2 : 1).join('');
  if (!isName(name) || name.length > 4 || !descriptor) return null;
  const post = parseDescriptor(descriptor);
  return post ? { name: name.replace(DEPUTY_SUFFIX, '') || name, ...post } : null;
}

/** A short line with no sentence punctuation (`■ 产业升级`, `（图片由某某提供）`): a sub-heading or caption. */
export function isShort(line: string): boolean {
  if (/^[（(][^（）()]*[）)]$/u.test(line)) return true;
  return line.length <= 30 && !/[，。！？；、,;]/u.test(line) && !/[\u4e00-\u9fff][》]$/u.test(line);
}

/** Names in a byline, without role words (`实习生`, `通讯员`) or what the reporters did (`参与采写`). */
function bylineNames(text: string): string[] {
  const words = text
    .replace(/(?:采访整理|参与采写|整理|采写|报道)$/u, '')
    .split(/[\s\u3000、，,]+/u)
    .map((w) => w.replace(/^(?:本报记者|实习生|通讯员|摄影|记者)/u, ''))
    .filter((w) => w && !/^(?:本报|记者|首席记者|特约记者|实习记者|实习生|通讯员|摄影|摄|报道|文|图)$/u.test(w));
  // The paper pads two-character names to three (`张  帆`): two single characters in a row are one name.
  const names: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (w.length === 1 && next?.length === 1) {
      names.push(w + next);
      i++;
    } else names.push(w);
  }
  return names;
}
