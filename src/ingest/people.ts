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
/** Job titles written after a name and before what reads as its end (`王五主任说`). */
const TITLE_AFTER_NAME =
  /([\u4e00-\u9fff]{2,3}?)(书记|主任|主席|市长|县长|区长|镇长|乡长|村长|局长|厅长|部长|处长|科长|院长|校长|所长|站长|总经理|经理|董事长|教授|老师|医生|院士)(?=说|表示|介绍|认为|指出|坦言|告诉|透露|强调|建议|提出|还说|也说|[，。：；！？、])/gu;
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
  // Where the last name found ends: a list of people (`某某教授张三、某某书记李四和某某经理王五`) gives each their own post.
  let lastNameEnd = 0;
  for (let end = 2; end < text.length; end++) {
    const before = text.slice(Math.max(0, end - 12), end);
    const title = titleLengthAtEnd(before);
    if (title === 0) continue;
    const name = nameAt(text, end);
    if (!name) continue;
    const post = postBefore(text, end, lastNameEnd);
    if (post) add({ name, ...post });
    lastNameEnd = end + name.length;
  }
  // A post in brackets after the name (`张三（某某公司董事长）介绍`).
  for (const m of text.matchAll(/(?:^|[，。；：！？“”‘’\s])([\u4e00-\u9fff]{2,3}?)(?:代表|委员)?[（(]([^（）()\n]{2,40})[）)]/gu)) {
    const post = SURNAMES.has(m[1]![0]!) && isName(m[1]!) ? parseDescriptor(m[2]!) : null;
    if (post) add({ name: m[1]!, ...post });
  }
  // A title after the name (`王五主任说`, `李四书记表示`), the way a colleague or a reporter names an official.
  for (const m of text.matchAll(TITLE_AFTER_NAME)) {
    const at = m.index;
    if (at > 0 && !DESCRIPTOR_START.test(text[at - 1]!)) continue;
    if (SURNAMES.has(m[1]![0]!) && isName(m[1]!) && !people.has(m[1]!)) add({ name: m[1]!, role: m[2]!, org: '' });
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

/** Verbs that introduce a person (`本期圆桌邀请某某大学教授某某`): the descriptor starts after them. */
const INTRODUCED_BY = /^.*(?:邀请了?|请来了?|采访了?|专访了?|走访了?|拜访了?|连线了?|对话了?|来到|见到了?|找到了?|遇到了?)/u;

/** The organisation and role written right before position `end` (where a name starts), not reaching back past `floor`. */
function postBefore(text: string, end: number, floor = 0): { org: string; role: string } | null {
  let start = end;
  // Back to the start of the descriptor; `、` joins posts (`某委副书记、市长`), so it is crossed.
  while (start > floor && end - start < 48 && !DESCRIPTOR_START.test(text[start - 1]!)) start--;
  const descriptor = text
    .slice(start, end)
    .replace(/^[和与及、]/u, '')
    .replace(INTRODUCED_BY, '')
    .replace(LEADING_WORDS, '');
  return parseDescriptor(descriptor);
}

/** The post the text gives `name` (`…厅厅长张三` → 厅 / 厅长), from its first mention with a title. */
export function describe(name: string, text: string): { org: string; role: string } | null {
  // Read as findPeople reads the text first, so a list of people gives each their own post.
  if (described?.text !== text) described = { text, people: findPeople(text) };
  const known = described.people.find((p) => p.name === name && (p.role || p.org));
  if (known) return { org: known.org, role: known.role };
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (titleLengthAtEnd(text.slice(Math.max(0, at - 12), at)) === 0) continue;
    const post = postBefore(text, at);
    if (post) return post;
  }
  return null;
}
// The last text describe() read, with its people: one article's turns ask about the same text many times.
let described: { text: string; people: Person[] } | null = null;

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}
