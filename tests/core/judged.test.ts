// The judged query set: what a reader types, and the section that must come first in data/report.json.
// Sections are looked up by speaker, person or text, never by slug, so the set survives re-ingesting.
import { describe, expect, it } from 'vitest';
import type { AnswerStatus, SearchCommand } from '../../src/core/answer.ts';
import { findSection, realEngine, type SectionRef } from './engine-setup.ts';

type Judged = [SearchCommand, string, SectionRef | SectionRef[]];

const 刘红光 = { speaker: '刘红光' };
const 李鹏程 = { speaker: '李鹏程' };
const 向东海 = { speaker: '向东海' };
const 黄发文 = { speaker: '黄发文' };
const 吴超 = { kind: 'lead', text: '磁器口' } as const;
const 金海军 = { speaker: '金海军' };
const 方强 = { speaker: '方强' };
const 刘明农业 = { speaker: '刘明', org: '农业农村' };
const 刘明生态 = { speaker: '刘明', org: '生态环境' };
const 杨浪浪 = { speaker: '杨浪浪' };
const 钟熙 = { speaker: '钟熙' };
const 崔淑娟 = { speaker: '崔淑娟' };
const 崔松柏 = { speaker: '崔松柏' };
const 人大 = { kind: 'continuation', text: '人大' } as const;
const 政协 = { kind: 'continuation', text: '政协委员' } as const;
const 黎勇 = { person: '黎勇' };

const judged: Judged[] = [
  // /district: every way of typing a place from the issue, and more
  ['district', '潼南', 刘红光],
  ['district', '潼南区', 刘红光],
  ['district', 'tongnan', 刘红光],
  ['district', 'Tongnan', 刘红光],
  ['district', 'tong nan', 刘红光],
  ['district', 'Tóngnán', 刘红光],
  ['district', 'Tóng Nán Qū', 刘红光],
  ['district', '潼楠', 刘红光],
  ['district', '潼南县', 刘红光],
  ['district', '武龙', 李鹏程],
  ['district', '武隆', 李鹏程],
  ['district', 'wulong', 李鹏程],
  ['district', '仙女山', 李鹏程],
  ['district', '開州', 向东海],
  ['district', '开县', 向东海],
  ['district', '满月镇', 向东海],
  ['district', 'kai zhou', 向东海],
  ['district', '九龍坡', 黄发文],
  ['district', '九龙滩', 黄发文],
  ['district', '沙坪壩', 吴超],
  ['district', '磁器口', 吴超],
  ['district', '西永', 金海军],
  ['district', '大足县', 方强],
  ['district', '大足', 方强],
  ['district', '永川', 刘明生态],
  ['district', '巴南', 刘明农业],
  ['district', '巫溪', 杨浪浪],
  ['district', '垫江县', 杨浪浪],
  // /topic: taxonomy names, synonyms, traditional, pinyin
  ['topic', '就业', 黎勇],
  ['topic', '就業', 黎勇],
  ['topic', 'jiuye', 黎勇],
  ['topic', 'JiùYè', 黎勇],
  ['topic', '技能培训', 黎勇],
  ['topic', '教育', 杨浪浪],
  ['topic', '反腐', 方强],
  ['topic', '纪检反腐', 方强],
  ['topic', '生态环境', 刘明生态],
  ['topic', '水质', 刘明生态],
  ['topic', '制造业', 钟熙],
  ['topic', '政协', 政协],
  ['topic', '人大', 人大],
  ['topic', '城市更新', [黄发文, 吴超]],
  ['topic', '文旅', [李鹏程, 吴超]],
  ['topic', '对外开放', [金海军, 崔松柏]],
  ['topic', '成渝双城经济圈', 刘红光],
  ['topic', '新能源车', 钟熙],
  ['topic', '乡村振心', [刘明农业, 向东海]],
  ['topic', '振兴', [刘明农业, 向东海]],
  ['topic', 'zhenxing', [刘明农业, 向东海]],
  ['topic', '双城', 刘红光],
  ['topic', '生态环竟', 刘明生态],
  // A synonym, or a phrase holding one, puts the sections using those very words first.
  ['topic', '外贸', 金海军],
  ['topic', '外贸进出口', 金海军],
  ['topic', '交通安全', 崔淑娟],
  ['topic', '乡村旅游', 李鹏程],
  // /person: speakers and quoted people, partial names, role words, pinyin, traditional
  ['person', '刘明', [刘明农业, 刘明生态]],
  ['person', '刘明 生态环境局', 刘明生态],
  ['person', '农业农村委刘明', 刘明农业],
  ['person', 'liuhongguang', 刘红光],
  ['person', 'Liú Hóngguāng', 刘红光],
  ['person', '刘红光主任', 刘红光],
  ['person', '红光', 刘红光],
  ['person', 'lhg', 刘红光],
  ['person', '黎勇', 黎勇],
  ['person', '吴超', 吴超],
  ['person', '楊浪浪', 杨浪浪],
  ['person', '向东海书记', 向东海],
  ['person', 'jin hai jun', 金海军],
  ['person', '方强', 方强],
  ['person', '崔淑娟', 崔淑娟],
  ['person', '钟熙', 钟熙],
  ['person', '黄发文', 黄发文],
  ['person', '李鹏程', 李鹏程],
  // /figures: by value however written, by text, by a word of the sentence
  ['figures', '7316', 崔松柏],
  ['figures', '7,316', 崔松柏],
  ['figures', '7316台', 崔松柏],
  ['figures', '3369亿', 金海军],
  ['figures', '26000亿', 钟熙],
  ['figures', '2.6万亿', 钟熙],
  ['figures', '42%', 金海军],
  ['figures', '三分之一', 金海军],
  ['figures', '进口', 崔松柏],
  ['figures', '28.9%', 钟熙],
  ['figures', '25万人次', 黎勇],
  ['figures', '23条', 黄发文],
  ['figures', '30分钟', 金海军],
  ['figures', '百分之四十二', 金海军],
  ['figures', '七千三百一十六', 崔松柏],
  ['figures', '三千三百六十九亿', 金海军],
  ['figures', '33%', 金海军],
  ['figures', '5A', 吴超],
  ['figures', '2021', [刘明生态, 崔松柏, 金海军]],
  ['figures', '100', 杨浪浪],
  // /search: free text, multi-word, stitched phrases, near misses, traditional
  ['search', '侧面碰撞', 崔淑娟],
  ['search', '侧面相撞', 崔淑娟],
  ['search', '磁器口古镇 5A', 吴超],
  ['search', '归原小镇', 李鹏程],
  ['search', '歸原小鎮', 李鹏程],
  ['search', '新能源车', 钟熙],
  ['search', '富春山居图', 刘明农业],
  ['search', '柠檬', 刘红光],
  ['search', '碧水保卫战', 刘明生态],
  ['search', '整车进口', 崔松柏],
  ['search', '儿童友好馆', 杨浪浪],
  ['search', '以案四说', 方强],
  ['search', '政协委员', 政协],
  ['search', '链长制', 钟熙],
  ['search', '公益性岗位', 黎勇],
  // one wrong character, often a homophone
  ['search', '归元小镇', 李鹏程],
  ['search', '新能源骑车', 钟熙],
  ['search', '碧水保位战', 刘明生态],
  ['search', '富春山居途', 刘明农业],
  // pasted passages of several sentences: scored per paragraph, not per sentence
  ['search', '一是深入打好碧水保卫战。二是扎实推进入河排污口整治。', 刘明生态],
  ['search', '在蓝染庄，孩子们学着用植物汁液染色；在齐民工坊，孩子们在静心学习加工木块、打磨小木件……同时，在归原小镇不远处的仙女山水果采摘园。', 李鹏程],
];

describe('The judged query set', () => {
  const { report, engine } = realEngine();

  it('has at least 60 queries over all five commands', () => {
    expect(judged.length).toBeGreaterThanOrEqual(60);
    expect(new Set(judged.map(([c]) => c)).size).toBe(5);
  });

  it.each(judged)('/%s %s puts the right section first', (command, query, ref) => {
    const expected = (Array.isArray(ref) ? ref : [ref]).map((r) => findSection(report, r).id);
    const answer = engine.answer(command, query);
    expect(answer.status, answer.message).toBe('ok');
    expect(expected).toContain(answer.results[0]?.sectionId);
  });
});

describe('The judged answers that are not results', () => {
  const { engine } = realEngine();
  const cases: [SearchCommand, string, AnswerStatus, RegExp][] = [
    ['district', '城口', 'no_coverage', /城口县/],
    ['district', '北京', 'not_chongqing', /不是重庆/],
    ['district', '走马', 'ambiguous', /九龙坡区/],
    ['topic', '疫情', 'no_match', /没有涉及/],
    ['person', '张三丰', 'no_match', /没有找到/],
    ['figures', '123456789', 'no_match', /没有/],
    ['search', 'zzzzqqq', 'no_match', /没有找到/],
  ];

  it.each(cases)('/%s %s answers %s and says why', (command, query, status, message) => {
    const answer = engine.answer(command, query);
    expect(answer.status).toBe(status);
    expect(answer.message).toMatch(message);
    expect(answer.results).toEqual([]);
    expect(answer.suggestions.length).toBeGreaterThan(0);
  });

  it('lists the covered districts when a district has no coverage', () => {
    const answer = engine.answer('district', '城口');
    expect(answer.message).toContain('潼南区');
    expect(answer.suggestions).toContain('潼南');
  });

  it('finds people by surname and title, as officials are referred to (刘主任, 刘处长)', () => {
    const director = engine.answer('person', '刘主任');
    expect(director.status).toBe('ok');
    expect(new Set(director.results.map((r) => r.speaker?.name))).toEqual(new Set(['刘红光']));
    const heads = engine.answer('person', '刘处长');
    expect(heads.results.map((r) => r.speaker?.name)).toEqual(['刘明', '刘明']);
    expect(heads.message).toMatch(/2 位/);
    // The surname must be the person's: nobody named 王 here.
    expect(engine.answer('person', '王主任').results.map((r) => r.speaker?.name)).not.toContain('刘红光');
  });

  it('lists both 刘明, told apart by org', () => {
    const answer = engine.answer('person', '刘明');
    expect(answer.results.slice(0, 2).map((r) => r.speaker?.org)).toEqual(
      expect.arrayContaining([expect.stringContaining('农业农村'), expect.stringContaining('生态环境')]),
    );
    expect(answer.message).toMatch(/2 位/);
  });

  it('keeps to the unit typed when that value exists in it (30分钟, not 30条)', () => {
    const answer = engine.answer('figures', '30分钟');
    const units = answer.results.flatMap((r) => r.figures.map((f) => f.unit));
    expect(units.length).toBeGreaterThan(0);
    expect(new Set(units)).toEqual(new Set(['分钟']));
  });

  it('does not take a rough amount for a plain one: 100 finds 100余所, not 数百名', () => {
    const answer = engine.answer('figures', '100');
    expect(answer.results.map((r) => r.figures.map((f) => f.text))).toEqual([['100余所']]);
  });

  it('finds a number no figure has where the text writes it (2021 in 2021年), and says it is no figure', () => {
    const answer = engine.answer('figures', '2021');
    expect(answer.status).toBe('ok');
    expect(answer.message).toMatch(/没有数值为“2021”的数字/);
    expect(answer.results).toHaveLength(3);
    for (const r of answer.results) expect(r.highlights.map(([a, b]) => r.excerpt.slice(a, b))).toContain('2021');
  });

  it('takes 5A as text and finds the 5A级景区 sentence', () => {
    const answer = engine.answer('figures', '5A');
    expect(answer.status).toBe('ok');
    const top = answer.results[0]!;
    expect(top.excerpt).toContain('5A级景区');
    expect(top.highlights.map(([a, b]) => top.excerpt.slice(a, b))).toEqual(['5A']);
  });

  it('reads 33% against the ratio 三分之一', () => {
    const answer = engine.answer('figures', '33%');
    expect(answer.message).toContain('最接近的是 三分之一');
    expect(answer.results[0]?.figures.map((f) => f.text)).toEqual(['三分之一']);
  });

  it('reads numbers written in Chinese: 七千三百一十六 is 7316台', () => {
    const answer = engine.answer('figures', '七千三百一十六');
    expect(answer.results[0]?.figures.map((f) => f.text)).toEqual(['7316台']);
  });

  it('does not take a number inside a longer one: 42 is not written in 42.1%', () => {
    const answer = engine.answer('figures', '42');
    expect(answer.message).toContain('最接近的是 42.1%');
  });

  it('names the nearest figure when none is exactly the value asked for', () => {
    const answer = engine.answer('figures', '42%');
    expect(answer.message).toContain('42.1%');
    expect(answer.results[0]?.figures.map((f) => f.text)).toContain('42.1%');
  });
});
