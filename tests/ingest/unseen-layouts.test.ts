import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/ingest/build.ts';
import { readReferenceData } from '../../src/ingest/files.ts';

// Invented articles in layouts the corpus does not show, each a variant of a structure it does show: the rules must
// follow the structure (who is introduced, which lines repeat a pattern), not one article's markers.
const refs = readReferenceData('data');
const ingest = (...paragraphs: string[]) => {
  const warnings: string[] = [];
  const report = buildReport([{ source: '2031-01-01-invented.txt', text: `${paragraphs.join('\n\n')}\n` }], refs, (w) => warnings.push(w));
  return { sections: report.sections, warnings };
};
const who = (s: { speaker: { name: string; role: string; org: string } | null }) => (s.speaker ? `${s.speaker.name}/${s.speaker.role}/${s.speaker.org}` : null);

describe('A question-and-answer interview marked 问/答, its guest introduced in the first paragraph', () => {
  const { sections } = ingest(
    '东港如何拼经济（访谈）',
    '本报记者  王  五',
    '日前，本报记者专访了江南省东港市市长林一川。',
    '问：今年东港经济有哪些亮点？',
    '答：我们的地区生产总值增长了6%，新兴产业贡献了一半。',
    '问：下一步怎么做？',
    '答：要加快发展新质生产力，把创新落到产业上。',
  );

  it('opens a section for each answer, in the voice of the person interviewed; questions stay before', () => {
    expect(sections.map((s) => s.paragraphs[0]!.slice(0, 6))).toEqual(['日前，本报记', '我们的地区生', '要加快发展新']);
    expect(sections.slice(1).map(who)).toEqual(['林一川/市长/江南省东港市', '林一川/市长/江南省东港市']);
    expect(sections[1]!.paragraphs).toContain('问：下一步怎么做？');
  });
});

describe('A round table whose guests are introduced only in the lead, with a moderator asking', () => {
  const { sections } = ingest(
    '乡村振兴怎么干（圆桌）',
    '本报记者  王五',
    '本期圆桌邀请北川大学农学院教授林一川、东港市白沙村党支部书记马春花和江南农业公司总经理张三丰，共话乡村振兴。',
    '主持人：乡村振兴的关键是什么？',
    '林一川：关键在产业，要因地制宜发展特色产业。',
    '马春花：我们村靠种茶致富，去年人均收入增长了一成。',
    '张三丰：企业要把更多利益留给农民。',
    '主持人：人才从哪里来？',
    '林一川：要让年轻人愿意回来、留得下来。',
  );

  it('gives each turn its guest, with the post the lead gives them', () => {
    expect(sections.map(who)).toEqual([
      null,
      '林一川/教授/北川大学农学院',
      '马春花/党支部书记/东港市白沙村',
      '张三丰/总经理/江南农业公司',
      '林一川/教授/北川大学农学院',
    ]);
    expect(sections[0]!.paragraphs).toContain('主持人：乡村振兴的关键是什么？');
  });
});

describe('A composite page whose reports each open with the person\'s post and name before the headline', () => {
  const { sections } = ingest(
    '代表委员履职记',
    '全国人大代表、东港市白沙村党支部书记  马春花',
    '把村民的事办好',
    '本报记者  王五',
    '白沙村的茶园里，马春花正和村民一起采茶。',
    '“村民的事就是我的事。”马春花说。',
    '全国政协委员、北川大学教授  林一川',
    '为科技创新建言',
    '本报记者  赵六',
    '林一川的实验室里灯火通明。',
    '“科技创新要久久为功。”林一川说。',
  );

  it('makes each report a section in that person\'s voice', () => {
    expect(sections.map(who)).toEqual(['马春花/党支部书记/东港市白沙村', '林一川/教授/北川大学']);
    expect(sections.map((s) => s.headline)).toEqual(['把村民的事办好', '为科技创新建言']);
  });
});

describe('A composite page whose reports open straight under the headline with a signed quote', () => {
  const { sections, warnings } = ingest(
    '两会好声音',
    '让老人安享晚年',
    '本报记者  王五',
    '“养老服务要更贴心，让老人在家门口安享晚年。”',
    '——全国人大代表、东港市养老院院长马春花',
    '马春花说，她今年带来了关于发展社区养老的建议。',
    '（本报记者王五）',
    '让科技为民所用',
    '本报记者  赵六',
    '“科技创新要让老百姓用得上、用得起。”',
    '——林一川委员（北川大学教授）',
    '林一川建议加大基础研究投入。',
    '（本报记者赵六）',
  );

  it('makes the signer the speaker of the report the quote opens, and the report goes on in one section', () => {
    expect(sections.map(who)).toEqual(['马春花/院长/东港市养老院', '林一川/教授/北川大学']);
    expect(sections.map((s) => s.paragraphs.length)).toEqual([2, 2]);
    expect(warnings.filter((w) => w.includes('dropped'))).toEqual([]);
  });
});

describe('People named in running text in the ways titles are written', () => {
  const { sections } = ingest(
    '茶园里的新变化',
    '清晨，农场负责人李四带着工人采茶。张三（东港茶业公司董事长）介绍，今年的茶叶卖得很好。',
    '“订单多了，收入也多了。”王五主任说。王五主任还说，明年要扩种。',
  );

  it('finds a post before the name, a post in brackets after it, and a title after the name', () => {
    const people = sections.flatMap((s) => [...(s.speaker ? [s.speaker] : []), ...s.people]).map((p) => `${p.name}/${p.role}/${p.org}`);
    expect(people).toEqual(expect.arrayContaining(['李四/负责人/农场', '张三/董事长/东港茶业公司', '王五/主任/']));
  });
});

describe('An interview named in its title, its turns written with the surname and title', () => {
  const { sections } = ingest(
    '专访东港市市长林一川：把创新落到产业上',
    '本报记者  王五',
    '东港是江南的工业重镇。',
    '记者：东港的创新有什么特点？',
    '林市长：企业是创新的主体，我们的研发投入年年增长。',
    '记者：下一步呢？',
    '林市长：把更多的实验室建到园区里去。',
  );

  it('reads the interviewee from the title, and `林市长：` as their turn', () => {
    expect(sections.map(who)).toEqual(['林一川/市长/东港市', '林一川/市长/东港市', '林一川/市长/东港市']);
    expect(sections[1]!.paragraphs[0]).toBe('企业是创新的主体，我们的研发投入年年增长。');
  });
});

describe('A dialogue whose guests are listed with no label, a sub-heading right under the list', () => {
  const { sections } = ingest(
    '数字乡村怎么建（圆桌）',
    '本报记者  王五',
    '数字乡村建设正在提速，我们请来两位嘉宾。',
    '林一川  北川大学教授',
    '马春花  东港市白沙村党支部书记',
    '网络进村入户',
    '林一川：网络是数字乡村的路，路通了，产业才进得来。',
    '马春花：我们村已经通了千兆光纤，直播卖茶成了新农活。',
  );

  it('reads the list as the guests, not the last guest as a report\'s speaker', () => {
    expect(sections.map(who)).toEqual([null, '林一川/教授/北川大学', '马春花/党支部书记/东港市白沙村']);
    expect(sections.flatMap((s) => s.captions ?? [])).toEqual(['林一川  北川大学教授', '马春花  东港市白沙村党支部书记']);
    expect(sections.flatMap((s) => s.paragraphs).join('')).not.toContain('北川大学教授');
  });
});

describe('A page that opens with a photo and a chart before its text', () => {
  const { sections } = ingest(
    '创新成果加速涌现',
    '在东港市高新区，工人正在调试新设备。',
    '王  五摄（人民视觉）',
    '数据来源：东港市统计局',
    '东港市统计局',
    '去年，东港市高新技术企业数量增长了两成。',
  );

  it('keeps the chart\'s label with the captions, so the section starts with its text', () => {
    expect(sections).toHaveLength(1);
    expect(sections[0]!.paragraphs).toEqual(['去年，东港市高新技术企业数量增长了两成。']);
    expect(sections[0]!.captions).toContain('东港市统计局');
  });
});
