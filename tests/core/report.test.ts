import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReport, ReportValidationError } from '../../src/core/report.ts';

const valid = () => JSON.parse(readFileSync('data/report.json', 'utf8')) as Record<string, any>;

const errorOf = (data: unknown): string => {
  try {
    parseReport(data);
  } catch (err) {
    expect(err).toBeInstanceOf(ReportValidationError);
    return (err as Error).message;
  }
  throw new Error('expected the report to be rejected');
};

describe('Validating a report', () => {
  it('accepts the committed data/report.json', () => {
    expect(parseReport(valid()).sections.length).toBeGreaterThan(0);
  });

  it('names the path of a figure whose value is not a number', () => {
    const r = valid();
    r.sections[3].figures[0].value = '2.6万亿';
    expect(errorOf(r)).toContain('sections[3].figures[0].value');
  });

  it('names a missing field', () => {
    const r = valid();
    delete r.sections[1].paragraphs;
    expect(errorOf(r)).toContain('sections[1].paragraphs');
  });

  it('rejects duplicate section ids, unknown topics and figure contexts not in the text', () => {
    const r = valid();
    r.sections[2].id = r.sections[1].id;
    r.sections[4].topics = ['no-such-topic'];
    r.sections[3].figures[0].context = '这句话不在文中。';
    const message = errorOf(r);
    expect(message).toContain('sections[2].id: duplicate section id');
    expect(message).toContain('sections[4].topics[0]: unknown topic "no-such-topic"');
    expect(message).toContain('sections[3].figures[0].context');
  });

  it('rejects something that is not a report at all', () => {
    expect(errorOf('hello')).toMatch(/\(root\)/);
    expect(errorOf({})).toContain('title');
  });
});
