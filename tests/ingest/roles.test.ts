import { describe, expect, it } from 'vitest';
import { parseDescriptor, splitSpeaker } from '../../src/ingest/roles.ts';
import { findPeople } from '../../src/ingest/people.ts';

// Invented descriptors and names, built the way Chinese news writes them.
describe('Reading a descriptor as organisation and role', () => {
  it('splits a title that is on no list by how it is built (the head of a body, a qualified head word)', () => {
    expect(parseDescriptor('江南省交通运输厅厅长')).toEqual({ org: '江南省交通运输厅', role: '厅长' });
    expect(parseDescriptor('东港海关关长')).toEqual({ org: '东港海关', role: '关长' });
    expect(parseDescriptor('北川大学文学院特聘教授')).toEqual({ org: '北川大学文学院', role: '特聘教授' });
    expect(parseDescriptor('青石村党支部书记')).toEqual({ org: '青石村', role: '党支部书记' });
    expect(parseDescriptor('云岭电缆有限公司高级技师')).toEqual({ org: '云岭电缆有限公司', role: '高级技师' });
  });

  it('drops identities and democratic-party posts when the person holds a real post', () => {
    expect(parseDescriptor('全国人大代表、江南省交通运输厅厅长')).toEqual({ org: '江南省交通运输厅', role: '厅长' });
    expect(parseDescriptor('民盟江南省委会副主委、江南省人民医院院长')).toEqual({ org: '江南省人民医院', role: '院长' });
    expect(parseDescriptor('中国工程院院士、北湖实验室主任')).toEqual({ org: '北湖实验室', role: '主任' });
    expect(parseDescriptor('全国人大代表')).toEqual({ org: '全国人大', role: '代表' });
  });

  it('keeps posts in one body as one role, and takes the post next to the name when the bodies differ', () => {
    expect(parseDescriptor('东港高新区党委书记、管委会主任')).toEqual({ org: '东港高新区', role: '党委书记、管委会主任' });
    expect(parseDescriptor('云岭集团党委书记、董事长、总经理')).toEqual({ org: '云岭集团', role: '党委书记、董事长、总经理' });
    expect(parseDescriptor('江南省发展改革委主任、省湾区办主任')).toEqual({ org: '江南省发展改革委', role: '主任、省湾区办主任' });
    expect(parseDescriptor('北川市人民医院副院长兼心脏中心主任')).toEqual({ org: '北川市人民医院', role: '副院长兼心脏中心主任' });
    expect(parseDescriptor('江南省政协副主席、北川市委书记')).toEqual({ org: '北川市委', role: '书记' });
    expect(parseDescriptor('东港职业学院教师、北川环保科技有限公司技术顾问')).toEqual({ org: '北川环保科技有限公司', role: '技术顾问' });
  });

  it('reads an assistant to a post as one title', () => {
    expect(parseDescriptor('云岭物流有限公司总经理助理')).toEqual({ org: '云岭物流有限公司', role: '总经理助理' });
  });
});

describe('Splitting 机构职务姓名', () => {
  it('takes everything after the last title as the name, however long', () => {
    expect(splitSpeaker('全国人大代表、北川社会科学院民俗研究所研究员阿依莫曲布')).toEqual({ org: '北川社会科学院民俗研究所', role: '研究员', name: '阿依莫曲布' });
    expect(splitSpeaker('东港区青石镇白沙村村民马春花')).toEqual({ org: '东港区青石镇白沙村', role: '村民', name: '马春花' });
  });

  it('is not fooled by a sentence that quotes someone', () => {
    expect(splitSpeaker('江南省委书记王一鸣表示')).toBeNull();
  });
});

describe('Finding people in running text', () => {
  it('reads organisation + role + name + speech verb as a whole, even after 委员会', () => {
    const people = findPeople('会上，北川市发展委员会主任谢一帆说，今年将新建项目。一旁的东港水利厅厅长邓小川也点头。');
    expect(people).toEqual([
      { name: '谢一帆', role: '主任', org: '北川市发展委员会' },
      { name: '邓小川', role: '厅长', org: '东港水利厅' },
    ]);
  });

  it('finds a two-character name before a verb and a transliterated name with its dot', () => {
    const people = findPeople('北川市民张靖掏出手机挂号。村民阿依古丽·吐尔逊收到包裹，阿依古丽很高兴。');
    expect(people.map((p) => p.name)).toEqual(['张靖', '阿依古丽·吐尔逊']);
  });

  it('finds the person named in an attribution line under a quotation, with the title after the name', () => {
    expect(findPeople('——林国栋总书记在全会上指出')).toEqual([{ name: '林国栋', role: '总书记', org: '' }]);
    expect(findPeople('，林国栋总理强调')).toEqual([{ name: '林国栋', role: '总理', org: '' }]);
  });

  it('finds nobody in everyday words that follow a title', () => {
    expect(findPeople('全市职工纷纷表示，要把会议精神落到实处。')).toEqual([]);
  });
});
