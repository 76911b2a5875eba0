import { z } from 'zod';
import type { Gazetteer } from './gazetteer.ts';

/** One row of data/china-divisions.json: a province, a prefecture-level city or a county-level unit. */
export const ChinaDivisionRowSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  short: z.string().min(1),
  pinyin: z.string(),
  level: z.enum(['province', 'city', 'county']),
  parent: z.string().nullable(),
});
export type ChinaDivisionRow = z.infer<typeof ChinaDivisionRowSchema>;

/** data/china-divisions.json: every province-, prefecture- and county-level division (xiangyuecn, MIT). */
export const ChinaDivisionsSchema = z.object({
  meta: z.object({}).loose(),
  divisions: z.array(ChinaDivisionRowSchema).min(1),
});
export type ChinaDivisions = z.infer<typeof ChinaDivisionsSchema>;

export type UnitLevel = 'province' | 'city' | 'county' | 'township';

/** An official division with its place in the hierarchy. */
export interface Unit {
  /** NBS code: 2 digits province, 4 city, 6 county, 9 township. */
  code: string;
  /** Official name of the unit itself: `龙泉驿区`. */
  name: string;
  /** Common short name: `龙泉驿`, `成都`, `湖北`; the name itself when there is none. */
  short: string;
  /** Toneless pinyin of `short`, syllables run together (`chengdu`), when the data gives it. */
  pinyin?: string;
  level: UnitLevel;
  parent: Unit | null;
  /** Official full name down from the province, as people write it: `四川省成都市龙泉驿区`, `北京市海淀区`, `湖北省`. */
  division: string;
  /** For a unit in Chongqing: its district/county full name (`潼南区`), or `重庆市` for the city itself. */
  chongqing?: string;
}

/** A unit as plain data, its parent by position in the list: the index built once at build time (src/core/derived.ts). */
export type UnitRow = Omit<Unit, 'parent'> & { parent: number | null };

export const CHONGQING = '重庆市';
const CHONGQING_CODE = '50';

/**
 * China's divisions as a tree: provinces, prefecture-level cities and counties from data/china-divisions.json,
 * and Chongqing's townships from data/chongqing-divisions.json. Pure: built from parsed data.
 */
export class DivisionIndex {
  readonly units: readonly Unit[];
  private readonly byName = new Map<string, Unit[]>();
  private readonly byShort = new Map<string, Unit[]>();
  private readonly byDivision = new Map<string, Unit>();

  constructor(china: ChinaDivisions | { units: readonly Unit[] }, chongqing?: Gazetteer) {
    if ('units' in china) {
      this.units = china.units;
      this.indexUnits();
      return;
    }
    const rows = china.divisions.filter((r) => r.code !== '0' && r.name !== '国外');
    const codeCount = new Map<string, number>();
    for (const r of rows) codeCount.set(`${r.level}:${r.code}`, (codeCount.get(`${r.level}:${r.code}`) ?? 0) + 1);
    const units: Unit[] = [];
    const provinces = new Map<string, Unit>();
    const cities = new Map<string, Unit>();
    for (const r of rows.filter((r) => r.level === 'province')) {
      const u: Unit = { code: r.code, name: r.name, short: r.short, ...pinyinOf(r), level: 'province', parent: null, division: r.name };
      if (r.code === CHONGQING_CODE) u.chongqing = CHONGQING;
      provinces.set(r.code, u);
      units.push(u);
    }
    for (const r of rows.filter((r) => r.level === 'city')) {
      const province = r.parent ? provinces.get(r.parent) : undefined;
      if (!province) continue;
      // Rows that only group counties (`重庆城区`, and the 省直辖 rows that share one code) are not places:
      // their counties hang under the province. A municipality's city row is the municipality itself.
      if (r.code.startsWith(CHONGQING_CODE) || (codeCount.get(`city:${r.code}`) ?? 0) > 1) continue;
      if (r.name === province.name) {
        cities.set(r.code, province);
        continue;
      }
      const u: Unit = { code: r.code, name: r.name, short: r.short, ...pinyinOf(r), level: 'city', parent: province, division: province.name + r.name };
      cities.set(r.code, u);
      units.push(u);
    }
    for (const r of rows.filter((r) => r.level === 'county')) {
      const province = provinces.get(r.code.slice(0, 2));
      if (!province) continue;
      const city = r.parent && (codeCount.get(`city:${r.parent}`) ?? 0) === 1 ? cities.get(r.parent) : undefined;
      const parent = city ?? province;
      // A city without counties lists itself again as its only county (`东莞市`): one unit, not two.
      if (parent.name === r.name) continue;
      const u: Unit = { code: r.code, name: r.name, short: r.short, ...pinyinOf(r), level: 'county', parent, division: parent.division + r.name };
      if (province.code === CHONGQING_CODE) u.chongqing = r.name;
      units.push(u);
    }
    if (chongqing) {
      const counties = new Map(units.filter((u) => u.level === 'county' && u.chongqing).map((u) => [u.code, u]));
      for (const d of chongqing.divisions) {
        if (d.level !== 'township' || !d.parent) continue;
        const county = counties.get(d.parent);
        if (!county) continue;
        units.push({ code: d.code, name: d.name, short: d.short ?? d.name, level: 'township', parent: county, division: county.division + d.name, chongqing: county.name });
      }
    }
    this.units = units;
    this.indexUnits();
  }

  /** The index again from `toRows()`'s output, without the national rows' parsing and linking. */
  static fromRows(rows: readonly UnitRow[]): DivisionIndex {
    const units: Unit[] = rows.map((r) => ({ ...r, parent: null }));
    rows.forEach((r, i) => { if (r.parent !== null) units[i]!.parent = units[r.parent] ?? null; });
    return new DivisionIndex({ units });
  }

  /** The units as plain data (parents by position), for `fromRows`. */
  toRows(): UnitRow[] {
    const position = new Map(this.units.map((u, i) => [u, i]));
    return this.units.map((u) => ({ ...u, parent: u.parent ? position.get(u.parent) ?? null : null }));
  }

  private indexUnits(): void {
    for (const u of this.units) {
      push(this.byName, u.name, u);
      if (u.short !== u.name) push(this.byShort, u.short, u);
      if (!this.byDivision.has(u.division)) this.byDivision.set(u.division, u);
    }
  }

  /** Units whose official name is `name` (`鼓楼区` → four of them). */
  named(name: string): readonly Unit[] {
    return this.byName.get(name) ?? [];
  }

  /** Units whose short name is `short` (`成都`, `江北` → 重庆 and 宁波). */
  withShort(short: string): readonly Unit[] {
    return this.byShort.get(short) ?? [];
  }

  /** The unit of an official full name (`四川省成都市`), if any. */
  byFullName(division: string): Unit | undefined {
    return this.byDivision.get(division);
  }

  /** The unit with this code, if any. */
  byCode(code: string): Unit | undefined {
    return this.units.find((u) => u.code === code);
  }
}

/** The row's pinyin as one key (`cheng du` → `chengdu`), if it has one: the data's, so nothing is computed at start. */
function pinyinOf(r: ChinaDivisionRow): { pinyin?: string } {
  return r.pinyin ? { pinyin: r.pinyin.replace(/\s+/gu, '').toLowerCase() } : {};
}

/** True when `unit` is `ancestor` or lies inside it. */
export function isWithin(unit: Unit, ancestor: Unit): boolean {
  for (let u: Unit | null = unit; u; u = u.parent) if (u === ancestor) return true;
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
