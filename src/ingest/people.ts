import type { Person } from '../core/report.ts';
import { COMPOUND_SURNAME, NAME_PATTERN, ROLE_PATTERN } from './roles.ts';

// Common single-character surnames: a bare two- or three-character word before a speech verb that starts
// with one of these, and recurs, is taken for a person (`某某透露`, `某某介绍`).
const SURNAMES = new Set(
  [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤颜申向冉牟谌'],
);
const SPEECH = '(?:说|表示|介绍|透露|指出|认为|强调|坦言|告诉|称)';
const BOUNDARY = '(?:^|[，。；：！？“”‘’（）\\s])';

/** A person introduced inline: `…古镇党委书记某某提前做好…` (org, role, name). */
const INLINE = new RegExp(`${BOUNDARY}([^，。；：！？“”‘’（）\\s]{2,40}?)(${ROLE_PATTERN})(?=(${NAME_PATTERN}))`, 'gu');
/** A bare name before a speech verb: `”某某透露，`. */
const BARE = new RegExp(`${BOUNDARY}([\\u4e00-\\u9fff]{2,3})(?=${SPEECH})`, 'gu');

/**
 * People named in a section's text. A name counts when the text uses it again (so `张三提` is cut back to the
 * `张三` that recurs) or a speech verb follows it.
 */
export function findPeople(text: string): Person[] {
  const people = new Map<string, Person>();
  INLINE.lastIndex = 0;
  for (let m = INLINE.exec(text); m; m = INLINE.exec(text)) {
    const orgRaw = m[1]!;
    const role = m[2]!;
    const candidate = m[3]!;
    const name = confirmName(text, candidate, m.index + m[0].length);
    if (!name) continue;
    // `参加了…的某机构` → the org is what follows the last `的`.
    const org = orgRaw.slice(orgRaw.lastIndexOf('的') + 1);
    if (!people.has(name)) people.set(name, { name, role, org });
  }
  BARE.lastIndex = 0;
  for (let m = BARE.exec(text); m; m = BARE.exec(text)) {
    const name = m[1]!;
    if (!SURNAMES.has(name[0]!) || people.has(name)) continue;
    if (countOf(text, name) >= 2) people.set(name, { name, role: '', org: '' });
  }
  return [...people.values()];
}

/** The longest prefix (3 or 2 characters) of `candidate` that the text names again or that a speech verb follows. */
function confirmName(text: string, candidate: string, at: number): string | null {
  for (let len = Math.min(4, candidate.length); len >= 2; len--) {
    const name = candidate.slice(0, len);
    // Four characters only with a two-character surname (the name pattern allows nothing else).
    if (len === 4 ? !COMPOUND_SURNAME.test(name) : !SURNAMES.has(name[0]!) && !COMPOUND_SURNAME.test(name)) continue;
    if (countOf(text, name) >= 2 || new RegExp(`^${SPEECH}`, 'u').test(text.slice(at + len))) return name;
  }
  return null;
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}
