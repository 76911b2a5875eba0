// Invariants over the whole report rather than chosen examples: every person, district, topic and figure
// the report holds can be found by its own name.
import { describe, expect, it } from 'vitest';
import { realEngine } from './engine-setup.ts';

const { report, engine } = realEngine();

describe('Every person in the report', () => {
  const people = report.sections.flatMap((s) => [...(s.speaker ? [s.speaker] : []), ...s.people]);
  const names = [...new Set(people.map((p) => p.name))];

  it.each(names)('/person %s puts a section naming them first', (name) => {
    const answer = engine.answer('person', name);
    const top = report.sections.find((s) => s.id === answer.results[0]?.sectionId);
    expect(top?.speaker?.name === name || top?.people.some((p) => p.name === name)).toBe(true);
  });
});

describe('Every district the report covers', () => {
  const districts = [...new Set(report.sections.flatMap((s) => s.districts))].filter((d) => d !== '重庆市');

  it.each(districts)('/district %s answers with a section listing it first', (district) => {
    const answer = engine.answer('district', district);
    expect(answer.status).toBe('ok');
    const top = report.sections.find((s) => s.id === answer.results[0]?.sectionId);
    expect([...(top?.districts ?? []), ...(top?.places.map((p) => p.district) ?? [])]).toContain(district);
  });
});

describe('Every topic the report is tagged with', () => {
  const topics = report.topics.filter((t) => report.sections.some((s) => s.topics.includes(t.id)));

  it.each(topics.map((t) => [t.name, t.id] as const))('/topic %s answers with sections tagged %s', (name, id) => {
    const answer = engine.answer('topic', name);
    expect(answer.resolved?.id).toBe(id);
    for (const r of answer.results) expect(report.sections.find((s) => s.id === r.sectionId)?.topics).toContain(id);
  });
});

describe('Every figure in the report', () => {
  const figures = report.sections.flatMap((s) => s.figures.map((f) => ({ id: s.id, text: f.text })));

  it.each(figures.map((f) => [f.text, f.id] as const))('/figures %s finds it in %s', (text, id) => {
    const answer = engine.answer('figures', text);
    const found = answer.results.filter((r) => r.sectionId === id).flatMap((r) => r.figures.map((f) => f.text));
    expect(found).toContain(text);
  });
});
