import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.ts';
import { aboutHtml, exampleCommands, helpHtml, htmlToPlain, reportFacts, startHtml, unknownHtml } from '../../src/render/replies.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { REPORT } from '../bot/support.ts';

describe('Fixed replies', () => {
  it('count sections, distinct speakers and figures, and list districts by coverage without the city', () => {
    const facts = reportFacts(REPORT);
    expect(facts).toMatchObject({ sections: 2, speakers: 2, figures: 1, districts: ['两江新区', '潼南区'], topics: ['制造业'] });
  });

  it('offer example commands that come from the report itself', () => {
    expect(exampleCommands(REPORT)).toEqual(['/district 两江新区', '/topic 制造业', '/person 钟熙']);
  });

  it('stay valid HTML when the report holds markup-like text', () => {
    const nasty: Report = { ...REPORT, title: '<script>&"标题"', subtitle: 'a < b', articles: REPORT.articles.map((a) => ({ ...a, source: '<x>.txt' })) };
    for (const html of [startHtml(nasty), aboutHtml(nasty), helpHtml([{ command: 'a_b', zh: '<i>说明</i>', usage: '/a_b <x>' }]), unknownHtml('<b>'.repeat(100))]) {
      expect(validateTelegramHtml(html)).toEqual([]);
    }
    expect(htmlToPlain(aboutHtml(nasty))).toContain('<script>&"标题"');
  });
});
