import { describe, expect, it } from 'vitest';
import { ChinaDivisionsSchema, DivisionIndex } from '../../src/core/divisions.ts';
import { createEngine } from '../../src/core/engine.ts';
import { buildReport } from '../../src/ingest/build.ts';
import { readReferenceData } from '../../src/ingest/files.ts';
import { readJsonFile } from '../../src/read-json.ts';

// Two invented articles, one a dialogue, one a page of headed speakers, answered as the bot answers them.
const refs = readReferenceData('data');
const dialogue = {
  source: '2031-04-01-dialogue.txt',
  text: [
    '人工智能如何加速跑（议政）',
    '近日，人工智能大模型受到广泛关注，成都和武汉的企业纷纷布局。',
    '对话嘉宾：',
    '林一川  全国政协委员、北川大学计算机学院教授',
    '马春花  全国政协委员、东港科学院自动化研究所研究员',
    '林一川：当前，相关技术和产业蓬勃发展，算力需求很大。',
    '马春花：人才是创新的第一资源。',
    '林一川：建议探索多场景应用，做大市场份额。',
  ].join('\n\n'),
};
const voices = {
  source: '2031-04-02-voices.txt',
  text: [
    '代表之声',
    '记者采访了几位代表。',
    '全国人大代表、重庆市江北区某某街道社区党委书记周小梅：',
    '满足养老需求',
    '社区食堂让老人吃上热饭，今年将新建3处。',
    '全国人大代表、湖北省交通运输厅厅长吴大江：把农村公路修到家门口',
    '农村公路是致富路。杨文海在座谈会上也谈到了这一点。',
  ].join('\n\n'),
};
const divisions = new DivisionIndex(readJsonFile('data/china-divisions.json', ChinaDivisionsSchema), refs.gazetteer);
const report = buildReport([dialogue, voices], refs);
const engine = createEngine(report, refs.gazetteer, { placeAliases: refs.aliases, divisions });
const first = (command: Parameters<typeof engine.answer>[0], q: string) => report.sections.find((s) => s.id === engine.answer(command, q).results[0]?.sectionId);

describe('Answers over several articles', () => {
  it('gives a speaker\'s first turn first, not their last', () => {
    expect(first('person', '林一川')?.paragraphs[0]).toBe('当前，相关技术和产业蓬勃发展，算力需求很大。');
  });

  it('finds a person the text names although ingest did not list them', () => {
    const answer = engine.answer('person', '杨文海');
    expect(answer.status).toBe('ok');
    expect(answer.message).toContain('杨文海');
    expect(first('person', '杨文海')?.speaker?.name).toBe('吴大江');
  });

  it('searches headlines: a heading\'s words find its section', () => {
    expect(first('search', '满足养老需求')?.speaker?.name).toBe('周小梅');
  });

  it('says which article each result comes from', () => {
    expect(engine.answer('person', '吴大江').results[0]?.article).toBe('2031-04-02 《代表之声》');
  });

  it('answers /district for a place outside Chongqing and says which division it means', () => {
    const answer = engine.answer('district', '湖北');
    expect(answer.status).toBe('ok');
    expect(answer.message).toContain('湖北省');
    expect(first('district', '湖北')?.speaker?.name).toBe('吴大江');
    expect(engine.answer('district', '成都').message).toContain('四川省成都市');
  });

  it('reads a name Chongqing shares as the Chongqing place', () => {
    const answer = engine.answer('district', '江北');
    expect(answer.resolved?.label).toBe('江北区');
    expect(first('district', '江北')?.speaker?.name).toBe('周小梅');
  });

  it('says a place outside Chongqing the report never names is not covered', () => {
    expect(engine.answer('district', '哈尔滨').status).toBe('not_chongqing');
  });
});

describe('The number of results', () => {
  it('is the engine\'s cap unless a call asks for more (inline mode pages through up to 100)', () => {
    const many = createEngine(report, refs.gazetteer, { placeAliases: refs.aliases, divisions, maxResults: 1 });
    expect(many.answer('search', '林一川').results).toHaveLength(1);
    expect(many.answer('search', '林一川', 5).results.length).toBeGreaterThan(1);
  });
});
