import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/ingest/build.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import { textOf } from './helpers.ts';

// A second invented article laid out unlike the seed: fragments first with their pieces after the speakers,
// a dateline instead of a byline, a four-character name, a heading with no speaker, a standalone sub-heading,
// a photo caption, a break after a quoted phrase, and everyday words that contain county names.
const warnings: string[] = [];
const report = buildReport(readRawArticles('tests/fixtures/fragments-first'), readReferenceData('data'), (w) => warnings.push(w));
const section = (pred: (s: (typeof report.sections)[number]) => boolean) => report.sections.find(pred)!;
const figures = report.sections.flatMap((s) => s.figures.map((f) => f.text));

describe('An article whose fragments come first', () => {
  const [cppcc, unions] = report.sections.filter((s) => s.kind === 'continuation');

  it('keeps the speakers\' paragraphs out of the open fragments and joins each piece to its own fragment', () => {
    expect(cppcc!.paragraphs).toEqual(['座谈会指出，各级政协组织要把学习成果转化为履职成效，围绕中心、服务大局，持续深化政协专门协商机构建设，为全市发展凝聚共识。']);
    expect(textOf(unions!)).toMatch(/^会议要求，全市各级工会组织要团结动员广大职工，坚定不移跟党走，奋力建功新时代。/);
    expect(unions!.people.map((p) => p.name)).toEqual(['杨九妹']);
  });

  it('reads the dateline as reporters and opens the lead with its speaker', () => {
    expect(report.reporters).toEqual(['欧阳雪', '孙一']);
    const lead = section((s) => s.kind === 'lead');
    expect(lead.speaker).toEqual({ name: '司马青', role: '党工委书记', org: '合川区钓鱼城街道' });
    expect(lead.paragraphs[0]).toMatch(/^3月1日，合川区/);
    expect(lead.subheadings).toEqual(['（图为钓鱼城古战场遗址。记者 孙一 摄）']);
  });

  it('splits a heading with a four-character name and a role not used in the seed', () => {
    const villager = section((s) => s.speaker?.name === '欧阳明月');
    expect(villager.speaker).toEqual({ name: '欧阳明月', role: '村民', org: '巴南区' });
    expect(textOf(villager)).toContain('为建设“智慧茶园”添砖加瓦。');
    expect(villager.subheadings).toEqual(['■ 产业升级']);
    expect(villager.districts).toEqual(['巴南区']); // not 南岸区 (长江南岸) nor 长寿区 (健康长寿)
  });

  it('opens a section for a heading whose prefix names no speaker, and warns about it', () => {
    const voices = section((s) => s.headline === '铜梁、大足两地干部群众热议');
    expect(voices.speaker).toBeNull();
    expect(voices.districts).toEqual(['铜梁区', '大足区']);
    expect(voices.warnings).toEqual([expect.stringContaining('来自基层的声音')]);
    expect(warnings).toHaveLength(3);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('来自基层的声音'),
        expect.stringContaining('杨九妹 is named without a role'),
        // The lead's speaker is read from its text, not from a heading: the editor hears of the guess.
        expect.stringContaining('speaker guessed as the one person the section names with a post: 司马青'),
      ]),
    );
  });

  it('reads percentage points and 百分之N, and leaves quoted slogans and calendar spans alone', () => {
    expect(report.sections.flatMap((s) => s.figures).find((f) => f.text === '3.2个百分点')).toMatchObject({ value: 3.2, unit: '个百分点' });
    expect(report.sections.flatMap((s) => s.figures).find((f) => f.text === '百分之三十')).toMatchObject({ value: 30, unit: '%' });
    expect(figures).toContain('300场');
    expect(figures).not.toContain('两个');
    expect(figures).not.toContain('5个月');
  });
});
