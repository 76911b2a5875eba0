import { describe, expect, it } from 'vitest';
import { bySpeaker, fixtureReport, textOf } from './helpers.ts';

// tests/fixtures/raw holds an invented article of the same genre, with every kind of break the seed has,
// so these tests show the rules are general rather than fitted to the seed.
const report = fixtureReport();
const figure = (text: string) => report.sections.flatMap((s) => s.figures).find((f) => f.text === text);

describe('An invented article of the same genre, ingested', () => {
  it('has its title, subtitle and reporters', () => {
    expect(report.title).toBe('守护一江碧水 建设美丽家园');
    expect(report.subtitle).toBe('市第九次党代会精神在基层干部群众中持续引发热议');
    expect(report.reporters).toEqual(['陈一鸣', '林小舟', '赵青']);
  });

  it('finds the lead\'s unheaded speaker and the three headed ones, keeping both 王建国 apart', () => {
    expect(report.sections.map((s) => s.kind)).toEqual(['lead', 'speaker', 'speaker', 'speaker', 'continuation', 'continuation']);
    expect(report.sections[0]!.speaker).toEqual({ name: '郑晓岚', role: '党委书记', org: '江津区白沙镇' });
    expect(bySpeaker(report, '王建国', '水利局').speaker).toEqual({ name: '王建国', role: '处长', org: '市水利局河湖管理处' });
    expect(bySpeaker(report, '王建国', '畜牧').speaker).toEqual({ name: '王建国', role: '主任', org: '荣昌区畜牧发展中心' });
    expect(bySpeaker(report, '李雨桐').speaker?.role).toBe('副主任');
  });

  it('stitches adjacent page breaks, dropping repeated characters', () => {
    const water = textOf(bySpeaker(report, '王建国', '水利局'));
    expect(water).toContain('三年行动计划》，推动河湖治理');
    expect(water).toContain('助力全市打通水生态保护');
    expect(textOf(bySpeaker(report, '王建国', '畜牧'))).toContain('推动产业数字化变革，让养殖户');
  });

  it('joins each out-of-order piece to the fragment it continues', () => {
    const [npc, jobs] = report.sections.filter((s) => s.kind === 'continuation');
    expect(textOf(npc!)).toContain('切实加强对代表履职的服务保障');
    expect(textOf(jobs!)).toContain('推动政策落地见效，让群众有实实在在的获得感');
    expect(jobs!.subheadings).toEqual(['创业担保 全年计划发放创业担保贷款10亿元']);
    expect(jobs!.people.map((p) => p.name)).toEqual(['周海涛']);
  });

  it('maps places to districts without false friends', () => {
    expect(report.sections[0]!.districts).toEqual(['江津区']);
    expect(bySpeaker(report, '王建国', '水利局').districts).toEqual(['重庆市', '綦江区']); // 横山镇; not 渝中 from 成渝中线, not 打通镇
    expect(bySpeaker(report, '王建国', '畜牧').districts).toEqual(['荣昌区']);
    expect(bySpeaker(report, '李雨桐').districts).toEqual(['江津区', '城口县', '巫山县']);
  });

  it('reads its figures with normalised values', () => {
    expect(figure('356亿元')?.value).toBe(356e8);
    expect(figure('98.5%')).toMatchObject({ value: 98.5, unit: '%' });
    expect(figure('五分之一')?.value).toBeCloseTo(0.2, 10);
    expect(figure('4.5万户')).toMatchObject({ value: 45000, unit: '户' });
    expect(figure('3—5千人次')).toMatchObject({ value: 3000, valueMax: 5000, unit: '人次', qualifier: 'range' });
    expect(figure('十余名')).toMatchObject({ value: 10, unit: '名', qualifier: 'atLeast' });
    expect(figure('2万个以上')).toMatchObject({ value: 20000, qualifier: 'atLeast' });
    expect(report.sections.flatMap((s) => s.figures).map((f) => f.text)).not.toContain('10日');
  });
});

describe('Raw text encodings', () => {
  it('reads the same report from a copy saved with a byte-order mark, CRLF line ends and full-width indents', async () => {
    const { readFileSync } = await import('node:fs');
    const { buildReport } = await import('../../src/ingest/build.ts');
    const { readReferenceData } = await import('../../src/ingest/files.ts');
    const source = '2030-01-15-invented-river-towns.txt';
    const text = readFileSync(`tests/fixtures/raw/${source}`, 'utf8');
    const windowsCopy = '\uFEFF' + text.split('\n').map((l) => (l ? `\u3000\u3000${l}` : l)).join('\r\n');
    expect(buildReport([{ source, text: windowsCopy }], readReferenceData('data'))).toEqual(report);
  });
});

describe('A report of several articles', () => {
  it('keeps every section id of an article when another article is added before it', async () => {
    const { buildReport } = await import('../../src/ingest/build.ts');
    const { readRawArticles, readReferenceData } = await import('../../src/ingest/files.ts');
    const refs = readReferenceData('data');
    const seed = readRawArticles('data');
    const invented = readRawArticles('tests/fixtures');
    const alone = buildReport(seed, refs);
    const both = buildReport([...invented, ...seed], refs);
    expect(both.articles).toHaveLength(2);
    expect(both.sections.filter((s) => s.articleId === alone.articles[0]!.id).map((s) => s.id)).toEqual(alone.sections.map((s) => s.id));
    expect(new Set(both.sections.map((s) => s.id)).size).toBe(both.sections.length);
  });
});
