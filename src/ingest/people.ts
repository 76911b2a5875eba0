/**
 * People named in running text: `某某公司董事长张三说`, `一旁的某某厅厅长李四`, `某某委员认为`, `张三总书记强调`.
 * A name counts when a title stands right before it and what follows reads as the end of a name (a speech verb,
 * `代表`, punctuation), or the text names it again.
 */
import type { Person } from '../core/report.ts';
import { isName, parseDescriptor, titleLengthAtEnd } from './roles.ts';

// Surnames (the common few hundred): a name in running text starts with one, so `职工纷纷表示` names nobody.
// Names read from a heading (`…研究员某某：`) need no such check: the layout says where the name is.
export const SURNAMES = new Set(
  [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由代'],
);
/** What may follow a name: a speech verb, how deputies are named, or punctuation. */
const AFTER_NAME = /^(?:代表|委员|说|表示|介绍|认为|指出|坦言|告诉|透露|强调|称|谈|道|回忆|感慨|建议|提出|补充|解释|分析|看来|发言|直言|笑|[，。、；：！？”’（(\s])/u;
/** Words that often follow a name but also a name's first two characters: trusted after the text agrees. */
const AFTER_NAME_WEAK = /^(?:在|等|正|也|就|和|与|同|对|带|的|一|将|还|接|刚|又|已|曾|早|每|先|便|把|给|从|向|频|率|领|亲|更|都|却|才|总|最|不|并|很|特|常|经|作|所|这|那|用|被|让|为|老|收|掏|拿|翻|指|看|点|走|站|坐|带|拍|握|举|讲|写|回|答|打|忙)/u;
/** Where a descriptor starts: after punctuation, or after `的` or `是` (`一旁的某某厅厅长`, `嘉宾是某某大学教授`). */
const DESCRIPTOR_START = /[，。；：！？“”‘’《》（）()\s的是—]/u;
/** Words that introduce a person rather than name their body (`记者同某某市委书记`). */
const LEADING_WORDS = /^(?:记者同|记者与|记者和|记者向|专访|访|同|与|跟|由|据|经|在|是|让|请|当|据悉)/u;
/** Titles written after the name (`张三总书记`). */
const TITLE_AFTER = /([\u4e00-\u9fff]{2,3})(?=总书记|总理|委员长)/gu;
/** The first part of a transliterated name whose parts are joined by `·` (`某某·某某某`). */
const DOTTED = /^[\u4e00-\u9fff]{2,6}·/u;

/** People named in a section's text, in order of first mention, each once. */
export function findPeople(text: string): Person[] {
  const people = new Map<string, Person>();
  const add = (p: Person) => {
    const seen = people.get(p.name);
    // A later mention with a title completes an earlier bare one.
    if (!seen) people.set(p.name, p);
    else if (!seen.role && p.role) people.set(p.name, p);
  };
  for (let end = 2; end < text.length; end++) {
    const before = text.slice(Math.max(0, end - 12), end);
    const title = titleLengthAtEnd(before);
    if (title === 0) continue;
    const name = nameAt(text, end);
    if (!name) continue;
    const post = postBefore(text, end);
    if (post) add({ name, ...post });
  }
  for (const m of text.matchAll(TITLE_AFTER)) {
    const at = m.index;
    // After punctuation, or after the dash of an attribution (`——某某总书记指出`).
    if (at > 0 && !DESCRIPTOR_START.test(text[at - 1]!) && text[at - 1] !== '—') continue;
    const role = /^总书记|^总理|^委员长/u.exec(text.slice(at + m[1]!.length))![0];
    if (isName(m[1]!)) add({ name: m[1]!, role, org: '' });
  }
  // Bare names before a speech verb that the text uses again (`”某某透露，`).
  for (const m of text.matchAll(/(?:^|[，。；：！？“”‘’（）\s])([\u4e00-\u9fff]{2,3})(?=说|表示|介绍|透露|指出|认为|强调|坦言|告诉|称)/gu)) {
    const name = m[1]!;
    if (!SURNAMES.has(name[0]!) || people.has(name) || countOf(text, name) < 2) continue;
    add({ name, role: '', org: '' });
  }
  return [...people.values()];
}

/** The name that starts at `at`, right after a title, or null when what is there does not read as one. */
export function nameAt(text: string, at: number): string | null {
  const dotted = DOTTED.exec(text.slice(at));
  if (dotted) {
    // The last part ends where a verb or punctuation starts; three characters when nothing tells.
    const from = at + dotted[0].length;
    const fits = (re: RegExp) => [2, 3, 4].find((n) => /^[\u4e00-\u9fff]+$/u.test(text.slice(from, from + n)) && re.test(text.slice(from + n)));
    const n = fits(AFTER_NAME) ?? fits(AFTER_NAME_WEAK) ?? 3;
    return text.slice(at, from + n);
  }
  const candidate = (n: number) => {
    const c = text.slice(at, at + n);
    return c.length === n && isName(c) && SURNAMES.has(c[0]!) && !titleLengthAtEnd(c) ? c : null;
  };
  const two = candidate(2);
  const three = candidate(3);
  for (const c of [two, three]) if (c && AFTER_NAME.test(text.slice(at + c.length))) return c;
  // The text names the person again: the form it repeats most is the name (`张三提…张三说` is 张三).
  if (two && three) {
    const [n2, n3] = [countOf(text, two), countOf(text, three)];
    if (n3 >= 2 && n3 === n2) return three;
    if (n2 >= 2 && n2 > n3) return two;
  }
  for (const c of [two, three]) if (c && AFTER_NAME_WEAK.test(text.slice(at + c.length))) return c;
  return null;
}

/** The organisation and role written right before position `end` (where a name starts). */
function postBefore(text: string, end: number): { org: string; role: string } | null {
  let start = end;
  // Back to the start of the descriptor; `、` joins posts (`某委副书记、市长`), so it is crossed.
  while (start > 0 && end - start < 48 && !DESCRIPTOR_START.test(text[start - 1]!)) start--;
  const descriptor = text.slice(start, end).replace(LEADING_WORDS, '');
  return parseDescriptor(descriptor);
}

/** The post the text gives `name` (`…厅厅长张三` → 厅 / 厅长), from its first mention with a title. */
export function describe(name: string, text: string): { org: string; role: string } | null {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (titleLengthAtEnd(text.slice(Math.max(0, at - 12), at)) === 0) continue;
    const post = postBefore(text, at);
    if (post) return post;
  }
  return null;
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}
