import { describe, expect, it } from 'vitest';
import type { DigestFilter } from '../../src/core/digest.ts';
import { binOf, buildMapSpec, mapBins, mapKey, mapSpecFor, reportPeriod, topDistricts } from '../../src/core/map.ts';
import type { Report, Section } from '../../src/core/report.ts';

const NAMES = ['万州区', '涪陵区', '渝中区', '潼南区', ...Array.from({ length: 34 }, (_, i) => `区${i}`)];

function section(id: string, districts: string[], topics: string[] = [], text = '正文。'): Section {
  return { id, articleId: 'a1', kind: 'speaker', heading: null, headline: null, speaker: null, people: [], districts, places: [], topics, paragraphs: [text], figures: [] };
}

function report(sections: Section[], dates: Array<string | null> = ['2022-06-03']): Report {
  return {
    title: '标题',
    subtitle: null,
    reporters: [],
    articles: dates.map((date, i) => ({ id: `a${i + 1}`, source: `a${i + 1}.txt`, date, title: '标题', subtitle: null, reporters: [] })),
    topics: [{ id: 'jobs', name: '就业', synonyms: [] }],
    sections,
  };
}

describe('the map of a report', () => {
  const r = report([
    section('s1', ['潼南区', '重庆市', '潼南区'], ['jobs']),
    section('s2', ['潼南区', '万州区']),
    section('s3', ['渝中区'], ['jobs'], '招聘会。'),
    section('s4', []),
  ]);

  it('counts for each of the 38 districts the sections naming it, once per section, leaving the city as a whole out', () => {
    const spec = buildMapSpec(r, NAMES, null);
    expect(spec.counts).toHaveLength(38);
    expect(spec.counts.slice(0, 4)).toEqual([{ district: '万州区', count: 1 }, { district: '涪陵区', count: 0 }, { district: '渝中区', count: 1 }, { district: '潼南区', count: 2 }]);
    expect(spec.sections).toBe(4);
    expect(spec.bins).toEqual([{ min: 0, max: 0 }, { min: 1, max: 1 }, { min: 2, max: 2 }]);
  });

  it('counts only the sections a filter keeps, as /subscribe filters them', () => {
    const jobs: DigestFilter = { kind: 'topic', id: 'jobs', label: '就业' };
    const spec = buildMapSpec(r, NAMES, jobs);
    expect(spec).toMatchObject({ filter: '就业', sections: 2 });
    expect(topDistricts(spec)).toEqual([{ district: '渝中区', count: 1 }, { district: '潼南区', count: 1 }]);
    const notHiring: DigestFilter = { kind: 'terms', id: '就业 -招聘', label: '就业 -招聘', terms: [{ kind: 'topic', id: 'jobs', label: '就业', exclude: false }, { kind: 'word', id: '招聘', label: '招聘', exclude: true }] };
    expect(topDistricts(buildMapSpec(r, NAMES, notHiring))).toEqual([{ district: '潼南区', count: 1 }]);
  });

  it('lists the five named most, most first, ties in the gazetteer\'s order, none that no section names', () => {
    const many = report(NAMES.slice(0, 7).map((d, i) => section(`s${i}`, i === 6 ? [d, '万州区'] : [d])));
    expect(topDistricts(buildMapSpec(many, NAMES, null))).toEqual([
      { district: '万州区', count: 2 },
      { district: '涪陵区', count: 1 },
      { district: '渝中区', count: 1 },
      { district: '潼南区', count: 1 },
      { district: '区0', count: 1 },
    ]);
  });

  it('keys the picture by what it shows: the same report and filter give the same key, any change another', () => {
    const a = buildMapSpec(r, NAMES, null);
    expect(mapKey(a, 'v1')).toBe(mapKey(buildMapSpec(structuredClone(r), NAMES, null), 'v1'));
    expect(mapKey(a, 'v1')).toMatch(/^map:[A-Za-z0-9_-]{32}$/);
    expect(mapKey(a, 'v2')).not.toBe(mapKey(a, 'v1'));
    expect(mapKey(buildMapSpec(r, NAMES, { kind: 'topic', id: 'jobs', label: '就业' }), 'v1')).not.toBe(mapKey(a, 'v1'));
    expect(mapKey(buildMapSpec({ ...r, title: '新标题' }, NAMES, null), 'v1')).not.toBe(mapKey(a, 'v1'));
  });
});

describe('the map of a report snapshot, remembered', () => {
  it('is worked out once per snapshot and filter, and afresh for another snapshot', () => {
    const r = report([section('s1', ['潼南区'])]);
    const jobs: DigestFilter = { kind: 'topic', id: 'jobs', label: '就业' };
    expect(mapSpecFor(r, NAMES, null)).toBe(mapSpecFor(r, NAMES, null));
    expect(mapSpecFor(r, NAMES, jobs)).not.toBe(mapSpecFor(r, NAMES, null));
    const next = { ...r, sections: [...r.sections, section('s2', ['潼南区'])] };
    expect(mapSpecFor(next, NAMES, null).counts.find((c) => c.district === '潼南区')?.count).toBe(2);
    expect(mapSpecFor(next, NAMES, null)).toEqual(buildMapSpec(next, NAMES, null));
  });
});

describe('shading classes', () => {
  it('one class per count while they fit, else five equal ranges; class 0 is never named', () => {
    expect(mapBins(0)).toEqual([{ min: 0, max: 0 }]);
    expect(mapBins(5).map((b) => `${b.min}-${b.max}`)).toEqual(['0-0', '1-1', '2-2', '3-3', '4-4', '5-5']);
    expect(mapBins(12).map((b) => `${b.min}-${b.max}`)).toEqual(['0-0', '1-3', '4-6', '7-9', '10-12']);
    expect(binOf(mapBins(12), 0)).toBe(0);
    expect(binOf(mapBins(12), 5)).toBe(2);
    expect(binOf(mapBins(12), 12)).toBe(4);
  });
});

describe('the period', () => {
  it('says one date, or the range without repeating the year and month', () => {
    expect(reportPeriod(report([section('s', [])], ['2022-06-03']))).toBe('2022年6月3日');
    expect(reportPeriod(report([section('s', [])], ['2022-06-09', '2022-06-03']))).toBe('2022年6月3日—9日');
    expect(reportPeriod(report([section('s', [])], ['2022-06-03', '2022-07-01']))).toBe('2022年6月3日—7月1日');
    expect(reportPeriod(report([section('s', [])], ['2021-12-30', '2022-01-02']))).toBe('2021年12月30日—2022年1月2日');
    expect(reportPeriod(report([section('s', [])], [null]))).toBe('');
  });
});
