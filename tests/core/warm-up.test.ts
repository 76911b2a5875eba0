import { describe, expect, it } from 'vitest';
import { SearchCommandSchema } from '../../src/core/answer.ts';
import { warmUpQueries, warmUpSteps } from '../../src/core/warm-up.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { syllables } from '../../src/core/pinyin.ts';

describe('The warm-up queries made from the shipped report', () => {
  const errors: unknown[] = [];
  const { report, engine } = loadEngine('data', { onError: (err) => errors.push(err) });
  const queries = warmUpQueries(report);

  it('ask every command, as users type: names, pinyin, capitals, full-width digits, a typo, a passage, a miss', () => {
    expect(new Set(queries.map(([c]) => c))).toEqual(new Set(SearchCommandSchema.options));
    const typed = queries.map(([, q]) => q);
    expect(typed.some((q) => /^[a-z]+$/u.test(q))).toBe(true);
    expect(typed.some((q) => /^[A-Z ]+$/u.test(q))).toBe(true);
    expect(typed.some((q) => /[０-９]/u.test(q))).toBe(true);
    expect(typed.some((q) => q.length > 200)).toBe(true);
    // A district of the report is asked in full and without 区/县.
    const districts = queries.filter(([c]) => c === 'district').map(([, q]) => q);
    const named = report.sections.flatMap((s) => s.districts).find((d) => /[区县]$/u.test(d) && d.length > 2)!;
    expect(districts).toEqual(expect.arrayContaining([named, named.slice(0, -1)]));
  });

  it('also misspell names as users do: a character of the same sound, pinyin with a letter missing', () => {
    const districts = queries.filter(([c]) => c === 'district').map(([, q]) => q);
    const names = [...new Set(report.sections.flatMap((s) => s.districts))].map((d) => d.replace(/[区县]$/u, ''));
    const soundAlike = districts.filter((q) => /^\p{Script=Han}+$/u.test(q) && !names.includes(q) && names.some((n) => n.length === q.length && syllables(n).join('') === syllables(q).join('')));
    expect(soundAlike.length).toBeGreaterThan(0);
    const spoken = names.map((n) => syllables(n).join(''));
    expect(districts.some((q) => /^[a-z]+$/u.test(q) && !spoken.includes(q) && spoken.some((p) => p.length === q.length + 1))).toBe(true);
  });

  it('ask places of each kind the report names (a township, a landmark) and figures as people write them', () => {
    const places = report.sections.flatMap((s) => s.places);
    const asked = new Set(queries.filter(([c]) => c === 'district').map(([, q]) => q));
    expect(places.some((p) => p.code.length > 6 && asked.has(p.name))).toBe(true);
    expect(places.some((p) => p.district && !p.division.endsWith(p.name) && asked.has(p.name))).toBe(true);
    const figures = queries.filter(([c]) => c === 'figures').map(([, q]) => q);
    expect(figures.some((q) => /\d,\d{3}/u.test(q))).toBe(true);
    // One near a figure the text holds but not one of them: how a number half remembered is asked.
    const written = new Set(report.sections.flatMap((s) => s.figures.map((f) => f.text)));
    expect(figures.some((q) => /\d/u.test(q) && !/[０-９]/u.test(q) && /\D/u.test(q) && !written.has(q) && !q.includes(','))).toBe(true);
  });

  it('ask no query twice', () => {
    expect(new Set(queries.map(([c, q]) => `${c} ${q}`)).size).toBe(queries.length);
  });

  it('are answered without a bug, and most of them find something', () => {
    const answers = queries.map(([c, q]) => engine.answer(c, q));
    expect(errors).toEqual([]);
    expect(answers.filter((a) => a.status === 'ok').length / answers.length).toBeGreaterThan(0.8);
    expect(answers.some((a) => a.status === 'no_match')).toBe(true);
  });

  it('are made from the report given: one section gives its own district and speaker only', () => {
    const one = report.sections.find((s) => s.speaker && s.districts.length === 1 && s.districts[0] !== '重庆市')!;
    const small = { ...report, sections: [one] };
    const own = warmUpQueries(small);
    const districts = own.filter(([c]) => c === 'district').map(([, q]) => q);
    expect(districts[0]).toBe(one.districts[0]);
    const people = own.filter(([c]) => c === 'person').map(([, q]) => q);
    expect(people[0]).toBe(one.speaker!.name);
    for (const s of report.sections.filter((s) => s.speaker && s.speaker.name !== one.speaker!.name)) expect(people).not.toContain(s.speaker!.name);
  });
});

describe('warmUpSteps', () => {
  it('answers the queries round after round, one per step, as many as asked', () => {
    const asked: string[] = [];
    const steps = [...warmUpSteps((_c, q) => asked.push(q), [['district', 'a'], ['topic', 'b']], 5)];
    expect(steps).toHaveLength(5);
    expect(asked).toEqual(['a', 'b', 'a', 'b', 'a']);
  });

  it('gives nothing without queries', () => {
    expect([...warmUpSteps(() => {}, [], 100)]).toEqual([]);
  });
});
