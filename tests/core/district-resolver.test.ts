import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { DistrictResolver, isInDivision, type PlaceMatch } from '../../src/core/district-resolver.ts';
import { ChinaDivisionsSchema, DivisionIndex } from '../../src/core/divisions.ts';
import { GazetteerSchema, PlaceAliasesSchema } from '../../src/core/gazetteer.ts';

const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync('data/chongqing-divisions.json', 'utf8')));
const aliases = PlaceAliasesSchema.parse(JSON.parse(readFileSync('data/place-aliases.json', 'utf8'))).aliases;
const resolver = new DistrictResolver(gazetteer, aliases);

function districtOf(m: PlaceMatch): string | null {
  return m.status === 'found' ? m.place.district : null;
}

describe('When a user names a district the way people type it', () => {
  it.each([
    ['潼南', '潼南区'],
    ['潼南区', '潼南区'],
    ['tongnan', '潼南区'],
    ['Tongnan', '潼南区'],
    ['tong nan', '潼南区'],
    ['TongNanQu', '潼南区'],
    ['九龍坡', '九龙坡区'],
    ['開州', '开州区'],
    ['沙坪壩', '沙坪坝区'],
    ['潼楠', '潼南区'],
    ['武龙', '武隆区'],
    ['开县', '开州区'],
    ['大足县', '大足区'],
    ['永川市', '永川区'],
    ['满月镇', '开州区'],
    ['仙女山', '武隆区'],
    ['磁器口', '沙坪坝区'],
    ['西永', '沙坪坝区'],
    ['九龙滩', '九龙坡区'],
    ['石柱', '石柱土家族自治县'],
    ['石柱县', '石柱土家族自治县'],
    ['潼南区发展改革委', '潼南区'],
    ['kaixian', '开州区'],
    ['shapingba', '沙坪坝区'],
  ])('%s resolves to %s', (query, district) => {
    expect(districtOf(resolver.resolve(query))).toBe(district);
  });

  it('says which rule matched, so the reply can say what was understood', () => {
    expect(resolver.resolve('潼楠')).toMatchObject({ how: 'homophone' });
    expect(resolver.resolve('tongnan')).toMatchObject({ how: 'pinyin' });
    expect(resolver.resolve('开县')).toMatchObject({ how: 'former' });
  });

  it('keeps townships and landmarks as what they are, inside their district', () => {
    expect(resolver.resolve('满月镇')).toMatchObject({ status: 'found', place: { kind: 'township', name: '满月镇', district: '开州区' } });
    expect(resolver.resolve('仙女山')).toMatchObject({ status: 'found', place: { kind: 'landmark', district: '武隆区' } });
  });
});

describe('When the name is not one district', () => {
  it('finds 城口 (a real county the report may not cover)', () => {
    expect(districtOf(resolver.resolve('城口'))).toBe('城口县');
  });

  it('tells 北京 apart from Chongqing instead of guessing 北碚', () => {
    expect(resolver.resolve('北京')).toEqual({ status: 'not_chongqing', name: '北京' });
    expect(resolver.resolve('成都市').status).toBe('not_chongqing');
    expect(resolver.resolve('beijing')).toEqual({ status: 'not_chongqing', name: '北京' });
  });

  it('asks which 走马 was meant: three townships in three districts share the name', () => {
    const m = resolver.resolve('走马');
    expect(m.status).toBe('ambiguous');
    if (m.status === 'ambiguous') expect(new Set(m.candidates.map((c) => c.district)).size).toBe(3);
  });

  it('takes the district when a township shares its short name (江北, 云阳)', () => {
    expect(resolver.resolve('江北')).toMatchObject({ status: 'found', place: { kind: 'district', name: '江北区' } });
    expect(resolver.resolve('云阳')).toMatchObject({ status: 'found', place: { kind: 'district', name: '云阳县' } });
  });

  it('resolves every ambiguous short name in the gazetteer either to a district or to a question', () => {
    for (const name of Object.keys(gazetteer.meta.ambiguous_short_names)) {
      const m = resolver.resolve(name);
      expect(['found', 'ambiguous'], name).toContain(m.status);
      if (m.status === 'found' && m.place.kind === 'township') {
        // Only when every township of that name lies in one district.
        expect(m.place.district, name).toBeTruthy();
      }
    }
  });

  it('does not guess on nonsense, markup or emoji', () => {
    for (const q of ['hello', '<b>潼</b>x', '😀', '', '   ', '东京']) expect(resolver.resolve(q).status, q).toBe('unknown');
  });

  it('does not fuzzily match a two-character name that differs by a non-homophone', () => {
    expect(resolver.resolve('潼北').status).toBe('unknown');
  });
});

describe('Every one of the 38 district/county units', () => {
  const s2t = OpenCC.Converter({ from: 'cn', to: 'tw' });
  const counties = gazetteer.divisions.filter((d) => d.level === 'county');

  it('is 38 units', () => {
    expect(counties).toHaveLength(38);
  });

  it.each(counties.map((d) => [d.name, d.short ?? '', d.pinyin ?? ''] as const))(
    '%s resolves from its full name, short name, traditional form and pinyin',
    (name, short, pinyin) => {
      for (const q of [name, short, s2t(name), s2t(short), pinyin, pinyin.toUpperCase(), pinyin.replace(/\s+/g, '')]) {
        expect(districtOf(resolver.resolve(q)), q).toBe(name);
      }
    },
  );
});

describe('National divisions given as a function (a start need not build them)', () => {
  const divisions = new DivisionIndex(ChinaDivisionsSchema.parse(JSON.parse(readFileSync('data/china-divisions.json', 'utf8'))), gazetteer);

  it('are made when a query first gets past the exact Chongqing names, once, and answer as the index itself', () => {
    let made = 0;
    const lazy = new DistrictResolver(gazetteer, aliases, undefined, () => { made++; return divisions; });
    for (const q of ['潼南', '潼南区', '大足县', '满月镇']) expect(lazy.resolve(q).status).toBe('found');
    expect(made).toBe(0);
    const eager = new DistrictResolver(gazetteer, aliases, undefined, divisions);
    for (const q of ['成都', 'chengdu', '宁波江北', '鼓楼', '北京']) expect(lazy.resolve(q)).toEqual(eager.resolve(q));
    expect(made).toBe(1);
  });
});

describe('When the national divisions are loaded, a place outside Chongqing', () => {
  const divisions = new DivisionIndex(ChinaDivisionsSchema.parse(JSON.parse(readFileSync('data/china-divisions.json', 'utf8'))), gazetteer);
  const national = new DistrictResolver(gazetteer, aliases, undefined, divisions);
  const meant = (q: string) => {
    const m = national.resolve(q);
    return m.status === 'not_chongqing' ? m.divisions?.map((d) => d.division) : m.status;
  };

  it.each([
    ['成都', ['四川省成都市']],
    ['成都市', ['四川省成都市']],
    ['湖北', ['湖北省']],
    ['湖北省', ['湖北省']],
    ['chengdu', ['四川省成都市']],
    ['宁波江北', ['浙江省宁波市江北区']],
    ['南京鼓楼', ['江苏省南京市鼓楼区']],
    ['龙泉驿区', ['四川省成都市龙泉驿区']],
  ])('%s says which division it means: %j', (query, expected) => {
    expect(meant(query)).toEqual(expected);
  });

  it('gives every division a shared name can be, the highest level first', () => {
    expect(meant('海南')).toEqual(['海南省', '青海省海南藏族自治州', '内蒙古自治区乌海市海南区']);
    expect(meant('鼓楼')).toHaveLength(4);
  });

  it('still reads a name Chongqing shares, or a Chongqing query, as Chongqing', () => {
    expect(districtOf(national.resolve('江北'))).toBe('江北区');
    expect(districtOf(national.resolve('江北区'))).toBe('江北区');
    expect(districtOf(national.resolve('潼楠'))).toBe('潼南区');
    expect(districtOf(national.resolve('潼南区发展改革委'))).toBe('潼南区');
  });

  it('tells whether a place named in a section lies inside the division asked about', () => {
    const sichuan = { code: '51' };
    expect(isInDivision({ code: '510112' }, sichuan)).toBe(true); // 龙泉驿区
    expect(isInDivision({ code: '500152' }, sichuan)).toBe(false); // 潼南区
  });
});
