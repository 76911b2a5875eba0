import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../src/core/report.ts';
import { bySpeaker, realReport, textOf } from './helpers.ts';

const report = realReport();
const speakers = report.sections.filter((s) => s.kind === 'speaker');
const continuations = report.sections.filter((s) => s.kind === 'continuation');
const allText = report.sections.map(textOf).join('\n');

describe('The seed article, ingested', () => {
  it('has the title, the subtitle without its dash and the twelve reporters of the byline', () => {
    expect(report.title).toBe('凝心聚力抓发展 接续奋斗谱新篇');
    expect(report.subtitle).toBe('市第六次党代会精神在全市广大党员干部群众中引发热烈反响');
    expect(report.reporters).toEqual(['张莎', '颜若雯', '王翔', '何春雨', '周尤', '申晓佳', '赵伟平', '罗芸', '廖雪梅', '陈维灯', '杨敏', '夏元']);
  });

  it('is exactly what is committed in data/report.json', () => {
    expect(JSON.parse(readFileSync('data/report.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('opens with a lead whose unheaded speaker is found in the text', () => {
    const lead = report.sections[0]!;
    expect(lead.kind).toBe('lead');
    expect(lead.heading).toBeNull();
    expect(lead.speaker).toEqual({ name: '吴超', role: '党委书记', org: '沙坪坝区磁器口古镇' });
    expect(lead.districts).toEqual(['沙坪坝区', '重庆市']); // 磁器口古镇, and 重庆 named in its text
  });

  it('has twelve headed speakers, each split into org, role and name', () => {
    expect(speakers.map((s) => s.speaker)).toEqual([
      { org: '市经信委规划投资处', role: '处长', name: '钟熙' },
      { org: '市农业农村委人居环境和社会事业处', role: '处长', name: '刘明' },
      { org: '市生态环境局水生态环境处', role: '处长', name: '刘明' },
      { org: '潼南区发展改革委', role: '党组书记、主任', name: '刘红光' },
      { org: '武隆区仙女山街道办事处', role: '主任', name: '李鹏程' },
      { org: '通用技术集团中国汽研安全技术中心商用车碰撞试验', role: '高级工程师', name: '崔淑娟' },
      { org: '重庆铁路口岸物流开发有限责任公司', role: '总经理助理', name: '崔松柏' },
      { org: '西永微电园电子产业园区开发有限公司综合部', role: '部长', name: '金海军' },
      { org: '九龙坡区住房城乡建委', role: '副主任', name: '黄发文' },
      { org: '重庆市人民小学', role: '党委书记、校长', name: '杨浪浪' },
      { org: '开州区满月镇', role: '党委书记', name: '向东海' },
      { org: '大足区纪委监委、党风政风监督室', role: '主任', name: '方强' },
    ]);
    expect(speakers.every((s) => s.heading?.includes('：') && s.headline && !s.headline.includes('：'))).toBe(true);
    expect(bySpeaker(report, '刘红光').headline).toBe('全力打造成渝中部产城景融合发展桥头堡城市');
  });

  it('keeps the two people named 刘明 apart, each with their own section, org and id', () => {
    const farm = bySpeaker(report, '刘明', '农业农村委');
    const water = bySpeaker(report, '刘明', '生态环境局');
    expect(farm.id).not.toBe(water.id);
    expect(textOf(farm)).toContain('富春山居图');
    expect(textOf(water)).toContain('大陆溪河');
    expect(textOf(farm)).not.toContain('大陆溪河');
  });

  it('gives every section a unique, stable slug id', () => {
    const ids = report.sections.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(bySpeaker(report, '刘红光').id).toBe('2022-06-03-cqrb-party-congress-reactions-liu-hong-guang');
    expect(bySpeaker(report, '刘明', '生态环境局').id).toBe('2022-06-03-cqrb-party-congress-reactions-liu-ming-2');
  });

  describe('page breaks', () => {
    it.each([
      ['归原小镇小仙原，小朋友', '归原小'],
      ['助力全市打通各个环节难点', '助力'],
      ['解放小学、曾家岩小学、大田湾小学', '解放小学、'],
      ['数字化变革，并通过', '数字化变'],
      ['实施方案》，促进农村人居环境整治', '实施方案》'],
    ])('stitches "%s" back into one sentence', (joined, brokenEnd) => {
      expect(allText).toContain(joined);
      expect(report.sections.flatMap((s) => s.paragraphs).some((p) => p.endsWith(brokenEnd))).toBe(false);
    });

    it('drops the characters the page break repeated', () => {
      expect(allText).not.toContain('方案》方案》');
      expect(allText).not.toContain('实施方案》\n方案》');
    });

    it('leaves no paragraph starting with the orphaned rest of a sentence', () => {
      const starts = report.sections.flatMap((s) => s.paragraphs.map((p) => p.slice(0, 4)));
      for (const orphan of ['镇小仙原', '全市打通', '曾家岩小', '革，并通', '方案》，', '容，与学', '握大会对']) expect(starts).not.toContain(orphan);
    });
  });

  describe('continuation fragments', () => {
    it('are three continuation sections in the order they start, without the （上接1版） mark', () => {
      expect(continuations).toHaveLength(3);
      expect(continuations.map((s) => s.continuesFrom)).toEqual(['1版', '1版', '1版']);
      expect(continuations[0]!.paragraphs[0]).toMatch(/^自觉强化理论武装/);
      expect(continuations[1]!.paragraphs[0]).toMatch(/^会议强调，传达学习好/);
      expect(continuations[2]!.paragraphs[0]).toMatch(/^对外返乡农民工/);
      expect(allText).not.toContain('上接');
    });

    it('joins each displaced piece to the fragment whose ending it repeats', () => {
      expect(textOf(continuations[0]!)).toContain('作为理论学习的重要内容，与学习贯彻习近平新时代中国特色社会主义思想结合起来');
      expect(textOf(continuations[1]!)).toContain('深刻领悟、准确把握大会对全市政协工作提出的要求');
      expect(textOf(continuations[0]!)).not.toContain('政协');
      expect(textOf(continuations[1]!)).not.toContain('人大常委会党组');
    });

    it('keeps the employment fragment\'s inline sub-heading apart from its running text', () => {
      const jobs = continuations[2]!;
      expect(jobs.subheadings).toEqual(['技能培训 将围绕重点产业、33条产业链精准培训25万人次以上']);
      expect(jobs.paragraphs).toContain('技能培训 将围绕重点产业、33条产业链精准培训25万人次以上');
      expect(jobs.paragraphs.some((p) => p.startsWith('人社领域的一项重要服务'))).toBe(true);
      expect(jobs.people.map((p) => p.name)).toEqual(['黎勇']);
    });
  });

  describe('places', () => {
    const districtsOf = (name: string, org = '') => bySpeaker(report, name, org).districts;

    it('maps each speaker section to the districts its text names, the subject first', () => {
      expect(districtsOf('钟熙')).toEqual(['重庆市']);
      expect(districtsOf('刘明', '农业农村委')).toEqual(['重庆市', '巴南区']);
      expect(districtsOf('刘明', '生态环境局')).toEqual(['重庆市', '永川区']);
      expect(districtsOf('刘红光')).toEqual(['潼南区', '重庆市']);
      expect(districtsOf('李鹏程')).toEqual(['武隆区']);
      expect(districtsOf('金海军')).toEqual(['沙坪坝区', '重庆市']); // 西永; 西部（重庆）科学城 spans several districts
      expect(districtsOf('黄发文')).toEqual(['九龙坡区', '重庆市']);
      expect(districtsOf('杨浪浪')).toEqual(['重庆市', '巫溪县', '垫江县']);
      expect(districtsOf('向东海')).toEqual(['开州区']);
      expect(districtsOf('方强')).toEqual(['大足区']);
      // A fragment that names no place is about no district, not the whole city.
      expect(continuations.map((c) => c.districts)).toEqual([[], ['重庆市'], []]);
    });

    it('maps townships and landmarks to their district', () => {
      const places = report.sections.flatMap((s) => s.places);
      expect(places).toContainEqual({ name: '满月镇', district: '开州区', division: '重庆市开州区满月镇', code: '500154126' });
      expect(places).toContainEqual({ name: '高升镇', district: '大足区', division: '重庆市大足区高升镇', code: '500111118' });
      expect(places).toContainEqual({ name: '仙女山街道', district: '武隆区', division: '重庆市武隆区仙女山街道', code: '500156003' });
      expect(places).toContainEqual(expect.objectContaining({ name: '圣灯山镇', district: '巴南区' }));
      expect(places).toContainEqual({ name: '磁器口', district: '沙坪坝区', division: '重庆市沙坪坝区', code: '500106' });
      expect(places).toContainEqual(expect.objectContaining({ name: '西永综合保税区', district: '沙坪坝区' }));
      expect(places).toContainEqual(expect.objectContaining({ name: '九龙滩', district: '九龙坡区' }));
      expect(places).toContainEqual({ name: '永川', district: '永川区', division: '重庆市永川区', code: '500118' });
      expect(places).toContainEqual({ name: '西部（重庆）科学城', district: '重庆市', division: '重庆市', code: '50' });
    });

    it('does not read districts or townships into ordinary words', () => {
      const all = report.sections.flatMap((s) => s.districts);
      expect(all).not.toContain('渝中区'); // 成渝中部
      expect(all).not.toContain('綦江区'); // 全市打通 is not 打通镇
      const names = report.sections.flatMap((s) => s.places.map((p) => p.name));
      for (const word of ['渝中', '打通', '曾家', '青山', '胜利']) expect(names).not.toContain(word);
    });
  });

  describe('figures', () => {
    const figures = report.sections.flatMap((s) => s.figures);
    const find = (text: string) => {
      const f = figures.find((x) => x.text === text);
      if (!f) throw new Error(`no figure "${text}" in ${figures.map((x) => x.text).join(' ')}`);
      return f;
    };

    it.each([
      ['2.6万亿元', 2.6e12, '元'],
      ['3369亿元', 3369e8, '元'],
      ['28.9%', 28.9, '%'],
      ['42.1%', 42.1, '%'],
      ['7316台', 7316, '台'],
      ['200万人次', 2e6, '人次'],
      ['5.4万人次', 54000, '人次'],
      ['121个', 121, '个'],
      ['三名', 3, '名'],
      ['30分钟', 30, '分钟'],
      ['5公里', 5, '公里'],
      ['数百名', 100, '名'],
    ])('reads %s as %d %s', (text, value, unit) => {
      const f = find(text);
      expect(f.value).toBeCloseTo(value, 6);
      expect(f.unit).toBe(unit);
    });

    it('reads fractions, ranges and lower bounds', () => {
      expect(find('三分之一').value).toBeCloseTo(1 / 3, 10);
      expect(find('2/3以上')).toMatchObject({ qualifier: 'atLeast' });
      expect(find('2/3以上').value).toBeCloseTo(2 / 3, 10);
      expect(find('3—5个')).toMatchObject({ value: 3, valueMax: 5, unit: '个', qualifier: 'range' });
      expect(find('200万人次').qualifier).toBe('approx');
    });

    it('does not take calendar dates, years or grades for figures', () => {
      const texts = figures.map((f) => f.text);
      for (const t of texts) expect(t).not.toMatch(/月|日$|^\d{4}年$|5A/);
    });

    it('gives each figure its whole sentence as context, found in its section', () => {
      for (const s of report.sections) {
        for (const f of s.figures) {
          expect(s.paragraphs.some((p) => p.includes(f.context))).toBe(true);
          expect(f.context).toContain(f.text);
        }
      }
      expect(find('7316台').context).toBe('在整车进口板块，从一年进口96台，到2021年实现年进口7316台，实现了跨越式发展。');
    });
  });

  it('tags each section with topics, strongest first', () => {
    const first = (name: string, org = '') => bySpeaker(report, name, org).topics[0];
    expect(first('钟熙')).toBe('manufacturing');
    expect(first('刘明', '生态环境局')).toBe('ecology');
    expect(first('崔松柏')).toBe('opening-up');
    expect(first('黄发文')).toBe('urban-renewal');
    expect(first('杨浪浪')).toBe('education');
    expect(first('方强')).toBe('discipline');
    expect(continuations[2]!.topics[0]).toBe('employment');
    expect(continuations[1]!.topics).toContain('cppcc');
    expect(continuations[0]!.topics[0]).toBe('npc');
    expect(bySpeaker(report, '刘红光').topics).toContain('rural-revitalization'); // 乡村振兴示范引领区
    expect(bySpeaker(report, '方强').topics).not.toContain('education'); // 警示教育 is discipline, not schooling
    expect(report.sections.every((s) => s.topics.length > 0)).toBe(true);
  });

  it('validates against the report schema', () => {
    expect(() => parseReport(JSON.parse(JSON.stringify(report)))).not.toThrow();
  });
});
