/**
 * Reading the descriptor in front of a name (`湖北省某某厅厅长`, `某某公司党委书记、董事长、总经理`) as organisation + role.
 * Roles are recognised by how Chinese titles are built (modifiers + a head word, or `X长` for the head of a body `X`),
 * not by a list of whole titles, so `厅长`, `关长`, `特聘教授` and `党总支书记` need no entry of their own.
 */

export interface Post {
  org: string;
  role: string;
}

/** Head words a title ends with. `X长` (head of a body) is recognised separately. */
const HEADS = [
  '书记', '主任', '主席', '主委', '委员', '常委', '总裁', '总监', '经理', '董事', '监事', '理事', '秘书', '助理', '顾问', '教授', '讲师',
  '研究员', '工程师', '技师', '医师', '药师', '护师', '教师', '律师', '会计师', '设计师', '规划师', '分析师', '科学家', '专家', '院士',
  '合伙人', '负责人', '创始人', '带头人', '传承人', '发起人', '主理人', '工作人员', '职工', '员工', '工人', '技术员', '网格员', '讲解员',
  '快递员', '辅导员', '指导员', '调解员', '志愿者', '村民', '居民', '市民', '农民', '牧民', '渔民', '党员', '绣娘', '老师', '医生', '护士',
  '民警', '警官', '法官', '检察官', '执行官', '学生', '博士', '主编', '编审', '总编辑', '编辑', '干部', '成员', '代表', '馆员', '队员',
  '校长', '社员', '店主', '种植户', '养殖户', '村支书', '总工程师', '总经济师', '总会计师', '参事', '巡视员', '调研员', '专员', '特派员',
  '董事长', '理事长', '秘书长', '检察长', '委员长', '护士长', '监事长', '总师', '评论员', '观察员', '驾驶员', '飞行员', '检验员',
  '公务员', '运动员', '演员', '播音员', '乘务员', '安全员', '信息员', '联络员', '宣讲员', '主持人', '管理员', '操作员', '研究生',
  '司机', '车主', '游客', '艺术家', '新农人', '厨师', '主播', '骑手', '外卖员', '摊主', '店员', '老板', '船长', '机长', '村医', '农户',
  '果农', '菜农', '茶农', '工匠', '匠人', '手艺人', '企业家', '作家', '画家', '书法家', '导演', '记者',
];
/** `X长`: the head of a body named by X (`厅长`, `局长`, `关长`, `镇长`). */
const BODY_CHARS = '厅局院所校馆站科处部社行会队组班村镇乡县市区省州关司署园庭团店场室厂台旗盟';
/** Words that qualify a head word: `副主任`, `党委书记`, `首席科学家`, `高级技师`, `主任医师`. */
const MODIFIERS = [
  '常务副', '副', '党组', '党委', '党工委', '党总支', '党支部', '总支', '支部', '纪委', '首席', '特聘', '高级', '正高级', '主任', '主治',
  '资深', '名誉', '原', '执行', '总', '专职', '驻村', '第一', '项目', '研发', '技能', '技术', '一级', '二级', '三级', '常务', '代理', '临时',
  '客座', '兼职', '分管', '首任', '终身', '创始', '联合', '名誉',
];
/** Bodies named relative to the one before them (`管委会主任`, `省大湾区办主任`): the same chain of posts. */
const RELATIVE_ORG = /^(?:省|市|区|县|州|镇|乡|村|该|本|管委会|村委会|居委会|党委|党工委|党组|董事会|监事会|理事会|工会|团委|妇联|纪委)/u;
/** Identities that are not posts (`全国人大代表`, `中国工程院院士`); kept only when nothing else describes the person. */
const IDENTITY = /^(?:全国|[省市区县])?(?:人大代表|政协委员|政协常委|党代表)$|院士$/u;
/** Posts in the democratic parties, dropped when the person has another post (`民盟湖南省委会副主委`). */
const PARTY_POST = /^(?:民革|民盟|民建|民进|农工党|致公党|九三学社|台盟)/u;

const heads = [...HEADS].sort((a, b) => b.length - a.length);
const modifiers = [...MODIFIERS].sort((a, b) => b.length - a.length);

/** Length of the title (modifiers + head word) that `text` ends with, or 0. */
export function titleLengthAtEnd(text: string): number {
  let head = heads.find((h) => text.endsWith(h))?.length ?? 0;
  if (!head && text.length >= 2 && text.endsWith('长') && BODY_CHARS.includes(text[text.length - 2]!)) head = 2;
  if (!head) return 0;
  let end = text.length - head;
  // An assistant or secretary to a post (`总经理助理`, `院长秘书`) carries that post in the title.
  if (/(?:助理|秘书)$/u.test(text) && head === 2) end -= titleLengthAtEnd(text.slice(0, end));
  for (;;) {
    const m = modifiers.find((mod) => text.slice(0, end).endsWith(mod));
    if (!m) break;
    end -= m.length;
  }
  return text.length - end;
}

/** One item of a descriptor (`中国某某研究院院长`) as organisation + title, or null when it holds no title. */
function splitItem(item: string): Post | null {
  const n = titleLengthAtEnd(item);
  if (n === 0) return null;
  return { org: item.slice(0, item.length - n), role: item.slice(item.length - n) };
}

/**
 * Organisation and role from a descriptor: `全国人大代表、湖北省某某厅厅长` → 湖北省某某厅 / 厅长.
 * Identities and democratic-party posts are dropped when there is a real post; posts in one chain
 * (`某高新区党委书记、管委会主任`, `某研究院院长、研究员`) make one role; posts in unrelated bodies give way to the one
 * next to the name (the last). Null when the descriptor names no post at all.
 */
export function parseDescriptor(descriptor: string): Post | null {
  const raw = descriptor.replace(/[\s\u3000]+/gu, '');
  if (!raw) return null;
  const items = raw.split(/(、|兼)/u);
  const parts: { text: string; sep: string }[] = [];
  for (let i = 0; i < items.length; i += 2) parts.push({ text: items[i]!, sep: items[i - 1] ?? '' });
  let posts = parts.filter((p) => p.text && !IDENTITY.test(p.text) && !PARTY_POST.test(p.text));
  // A post in a democratic party is kept when it is all that describes the person (`民盟四川省委会副主委`).
  if (posts.length === 0) posts = parts.filter((p) => PARTY_POST.test(p.text) && splitItem(p.text)).slice(-1);
  if (posts.length === 0) {
    // Only identities: a deputy is `全国人大` / `代表`, a member `全国政协` / `委员`.
    const only = parts.find((p) => IDENTITY.test(p.text));
    if (!only) return null;
    const m = /^(.*?)(代表|委员|常委|院士)$/u.exec(only.text);
    return m ? { org: m[1]!, role: m[2]! } : null;
  }
  // Walk back from the post next to the name while the posts belong to the same body.
  const chain: { text: string; sep: string; post: Post | null }[] = [];
  for (let i = posts.length - 1; i >= 0; i--) {
    const part = posts[i]!;
    const post = splitItem(part.text);
    chain.unshift({ ...part, post });
    if (post && post.org && !RELATIVE_ORG.test(post.org) && part.sep !== '兼') {
      // Bodies listed before it without a title of their own (`某区纪委监委、某室主任`) are part of its organisation.
      for (let j = i - 1; j >= 0 && !splitItem(posts[j]!.text) && posts[j + 1]!.sep === '、'; j--) chain.unshift({ ...posts[j]!, post: null });
      break;
    }
  }
  const headAt = chain.findIndex((c) => c.post);
  if (headAt < 0) return null;
  const head = chain[headAt]!.post!;
  const org = [...chain.slice(0, headAt).map((c) => c.text), head.org].join('、');
  const role = chain.slice(headAt).map((c, i) => (i === 0 ? head.role : `${c.sep}${c.text}`)).join('');
  return { org, role };
}

const SPEECH_END = /(?:说|表示|指出|强调|认为|介绍|透露|坦言|称|告诉|提出|建议|要求|希望)$/u;

/** `某某代表` / `某某委员`: how deputies and members are named after their name. */
export const DEPUTY_SUFFIX = /(?:代表|委员)$/u;

/**
 * `机构职务姓名` (a heading's prefix, `某某区发展改革委党组书记、主任张三`, `…研究员巴莫某某`) as org, role and name,
 * or null. The name is what follows the last title; it may be longer than three characters.
 */
export function splitSpeaker(text: string): { org: string; role: string; name: string } | null {
  const t = text.replace(/[\s\u3000]+/gu, '').replace(DEPUTY_SUFFIX, '');
  for (let n = 2; n <= 6 && n < t.length; n++) {
    const name = t.slice(t.length - n);
    if (!isName(name)) break;
    // `某某书记王某某表示：` is a sentence that quotes someone, not a speaker's heading.
    if (SPEECH_END.test(name)) continue;
    const descriptor = t.slice(0, t.length - n);
    if (titleLengthAtEnd(descriptor) === 0) continue;
    const post = parseDescriptor(descriptor);
    if (post) return { ...post, name };
  }
  return null;
}

/** Han characters only (a `·` may join the parts of a transliterated name), 2–8 characters. */
export function isName(text: string): boolean {
  return /^[\u4e00-\u9fff]{2,6}$|^[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,6}$/u.test(text) && !/^(?:副|总|党|首席|高级)/u.test(text);
}
