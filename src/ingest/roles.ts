/**
 * Job titles that sit between an organisation and a person's name in Chinese news
 * (`…处处长钟某`, `…党组书记、主任刘某`). Longer titles first so the regex prefers them.
 */
const TITLES = [
  '总经理助理', '高级工程师', '副总经理', '总工程师', '正高级工程师', '副秘书长', '秘书长', '理事长', '董事长', '总经理',
  '工程师', '研究员', '副书记', '书记', '副主任', '主任', '副处长', '处长', '副部长', '部长', '副校长', '校长', '副院长', '院长',
  '副局长', '局长', '副主席', '主席', '副区长', '区长', '副县长', '县长', '副镇长', '镇长', '乡长', '副市长', '市长',
  '副所长', '所长', '站长', '科长', '馆长', '园长', '会长', '行长', '社长', '队长', '主编', '总编辑', '教授', '经理', '村支书', '委员',
  // People quoted as themselves rather than by office.
  '第一书记', '人大代表', '党代表', '政协委员', '代表', '负责人', '创始人', '技术员', '网格员', '志愿者', '村民', '市民', '居民',
  '教师', '老师', '医生', '护士', '民警', '职工', '工人', '农民', '学生',
];
/** Party-committee prefixes that combine with a title (`党委书记`, `党组书记`). */
const PREFIXES = ['党组', '党委', '党工委', '党总支', '党支部', '支部', '纪委', '常务'];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (a: string, b: string) => b.length - a.length;

/** One title with an optional party prefix: `党组书记`, `副主任`, `高级工程师`. */
export const TITLE_PATTERN = `(?:(?:${PREFIXES.sort(byLength).map(escape).join('|')}))?(?:${TITLES.sort(byLength).map(escape).join('|')})`;
/** A role: one or more titles joined by `、` (`党组书记、主任`). */
export const ROLE_PATTERN = `${TITLE_PATTERN}(?:、${TITLE_PATTERN})*`;
// Two-character surnames, which make four-character names (`欧阳明月`).
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '令狐', '夏侯', '宇文', '司徒', '端木'];
/** Starts with a two-character surname. */
export const COMPOUND_SURNAME = new RegExp(`^(?:${COMPOUND_SURNAMES.join('|')})`, 'u');
/** A Chinese personal name as it follows a title: two or three Han characters, or four with a two-character surname. */
export const NAME_PATTERN = `(?:(?:${COMPOUND_SURNAMES.join('|')})[\\u4e00-\\u9fff]{1,2}|[\\u4e00-\\u9fff]{2,3})`;

const HEADING_SPEAKER = new RegExp(`^(.*?)(${ROLE_PATTERN})(${NAME_PATTERN})$`, 'u');

/** Split `机构职务姓名` (`某某区发展改革委党组书记、主任张三`) into org, role and name, or null if it is not one. */
export function splitSpeaker(text: string): { org: string; role: string; name: string } | null {
  const m = HEADING_SPEAKER.exec(text.trim());
  if (!m) return null;
  const [, org = '', role = '', name = ''] = m;
  if (org.length < 1) return null;
  return { org, role, name };
}
