import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/ingest/build.ts';
import { readReferenceData } from '../../src/ingest/files.ts';
import { aboutHtml } from '../../src/render/replies.ts';

// Several invented articles in one report, as a newsroom adds them day by day.
const refs = readReferenceData('data');
const older = { source: '2031-01-02-older.txt', text: '旧的报道\n\n本报记者  王  五\n\n东港区白沙镇今年新建公路20公里。\n' };
const newer = { source: '2031-02-03-newer.txt', text: '新的报道\n\n本报记者  赵六\n\n北川县青石镇今年新建学校3所。\n' };

describe('A report of several articles', () => {
  it('keeps each article\'s own title, date and reporters', () => {
    const report = buildReport([older, newer], refs);
    expect(report.articles.map((a) => [a.date, a.title, a.reporters])).toEqual([
      ['2031-01-02', '旧的报道', ['王五']],
      ['2031-02-03', '新的报道', ['赵六']],
    ]);
  });

  it('shows its newest article as its face, whatever order the files come in', () => {
    expect(buildReport([older, newer], refs).title).toBe('新的报道');
    expect(buildReport([newer, older], refs).title).toBe('新的报道');
  });

  it('lists the articles newest first in /about', () => {
    const about = aboutHtml(buildReport([older, newer], refs));
    expect(about).toContain('共 2 篇报道');
    expect(about.indexOf('2031-02-03')).toBeLessThan(about.indexOf('2031-01-02'));
  });

  it('skips an article it cannot read, says so, and ingests the others', () => {
    const warnings: string[] = [];
    const report = buildReport([{ source: '2031-03-01-empty.txt', text: '\n\n' }, newer], refs, (w) => warnings.push(w));
    expect(report.articles.map((a) => a.source)).toEqual(['2031-02-03-newer.txt']);
    expect(warnings).toEqual([expect.stringMatching(/^2031-03-01-empty\.txt: skipped/u)]);
  });
});

describe('A speaker whose organisation is written relative to the article', () => {
  it('reads 区人大 as the article\'s own district\'s', () => {
    const text = '潼南区两会侧记\n\n潼南区今年新建学校3所，群众满意。\n\n区人大代表林小红：把好事办实\n\n潼南区的学校越办越好，家长很放心。\n';
    const report = buildReport([{ source: '2031-05-01-tongnan.txt', text }], refs);
    expect(report.sections.find((s) => s.speaker)?.speaker).toEqual({ name: '林小红', role: '代表', org: '潼南区人大' });
  });
});
