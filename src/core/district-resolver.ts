import Fuse from 'fuse.js';
import type { DivisionIndex, Unit, UnitLevel } from './divisions.ts';
import type { Gazetteer, PlaceAlias } from './gazetteer.ts';
import { foldChar, foldersOf, type FoldChar } from './normalize.ts';
import { latinKey, pinyinKeys, syllables } from './pinyin.ts';

/** A place the query named: a district/county unit, a township in one, or a landmark in one. */
export interface PlaceCandidate {
  kind: 'district' | 'township' | 'landmark';
  /** As the gazetteer or alias list writes it: `潼南区`, `满月镇`, `仙女山`. */
  name: string;
  /** Full name of the district/county unit it lies in (itself for a district), or `重庆市` for the city. */
  district: string;
}

/** An official division outside Chongqing that a query names (`成都` → 四川省成都市). */
export interface DivisionCandidate {
  /** Its own official name: `成都市`, `湖北省`, `鼓楼区`. */
  name: string;
  /** Official full name, which is what the answer says it understood: `四川省成都市`. */
  division: string;
  /** NBS code; a section's place lies inside when its code starts with this one. */
  code: string;
  level: UnitLevel;
}

/** What a place query resolved to; `how` says which rule matched, for the user message and tests. */
export type PlaceMatch =
  | { status: 'found'; place: PlaceCandidate; how: 'exact' | 'former' | 'contains' | 'pinyin' | 'pinyin-typo' | 'homophone' | 'typo' }
  | { status: 'ambiguous'; candidates: PlaceCandidate[] }
  /**
   * A place outside Chongqing. With the national divisions loaded, `divisions` says which one(s) it can be:
   * one for `成都`, `湖北省`, `宁波江北`; several, highest level first, for a shared name (`鼓楼`).
   */
  | { status: 'not_chongqing'; name: string; divisions?: DivisionCandidate[] }
  | { status: 'unknown' };

/** True when a place (by its NBS code) lies in `division` or is it: `510112` (龙泉驿区) is in `5101` (成都市). */
export function isInDivision(place: { code: string }, division: { code: string }): boolean {
  return place.code.startsWith(division.code);
}

/**
 * Former names of Chongqing's district/county units that a suffix swap (`大足县` → `大足区`) cannot derive:
 * renamed units and merged districts. Gazetteer knowledge, not article knowledge.
 */
const FORMER_NAMES: Readonly<Record<string, string>> = Object.freeze({
  开县: '开州区',
  万县: '万州区',
  万县市: '万州区',
  涪陵市: '涪陵区',
  黔江土家族苗族自治县: '黔江区',
  双桥区: '大足区',
  双桥: '大足区',
  万盛区: '綦江区',
  万盛: '綦江区',
  万盛经济技术开发区: '綦江区',
  石柱县: '石柱土家族自治县',
  秀山县: '秀山土家族苗族自治县',
  酉阳县: '酉阳土家族苗族自治县',
  彭水县: '彭水苗族土家族自治县',
});

/**
 * Provincial-level divisions and major cities outside Chongqing, so that `北京` is told "not a Chongqing district"
 * instead of being fuzzily matched to `北碚`. Checked only after every Chongqing rule failed exactly.
 */
const OUTSIDE_CHONGQING: readonly string[] = [
  '北京', '天津', '上海', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西',
  '山东', '河南', '湖北', '湖南', '广东', '广西', '海南', '四川', '贵州', '云南', '西藏', '陕西', '甘肃', '青海',
  '宁夏', '新疆', '香港', '澳门', '台湾', '石家庄', '太原', '呼和浩特', '沈阳', '长春', '哈尔滨', '南京', '杭州',
  '合肥', '福州', '南昌', '济南', '郑州', '武汉', '长沙', '广州', '南宁', '海口', '成都', '贵阳', '昆明', '拉萨',
  '西安', '兰州', '西宁', '银川', '乌鲁木齐', '深圳', '苏州', '青岛', '大连', '宁波', '厦门', '遂宁', '绵阳',
  '德阳', '乐山', '宜宾', '泸州', '南充', '达州', '广安', '内江', '自贡', '眉山', '资阳', '雅安', '遵义',
];

// Suffixes people add or drop: the longest first so `自治县` wins over `县`.
const COUNTY_SUFFIXES = ['土家族苗族自治县', '苗族土家族自治县', '土家族自治县', '自治县', '区', '县', '市'];
const TOWNSHIP_SUFFIXES = ['民族乡', '街道办事处', '街道', '镇', '乡'];

function stripSuffix(key: string, suffixes: readonly string[]): string {
  for (const s of suffixes) if (key.length > s.length + 1 && key.endsWith(s)) return key.slice(0, -s.length);
  return key;
}

function sameCandidate(a: PlaceCandidate, b: PlaceCandidate): boolean {
  return a.kind === b.kind && a.name === b.name && a.district === b.district;
}

/** Resolves what people type for a place (`潼南`, `tong nan`, `開州`, `潼楠`, `开县`, `满月镇`, `仙女山`) to a Chongqing unit. */
export class DistrictResolver {
  /** Full names of the 38 district/county units, gazetteer order. */
  readonly districts: readonly string[];
  private readonly exact = new Map<string, PlaceCandidate[]>();
  private readonly latin = new Map<string, PlaceCandidate[]>();
  private readonly counties: { short: string; name: string; syl: string[] }[] = [];
  private readonly shortOf = new Map<string, string>();
  private readonly outside = new Set(OUTSIDE_CHONGQING);
  /** Pinyin of places outside Chongqing (`beijing`), for the same "not a Chongqing district" answer. */
  private readonly outsideLatin = new Map<string, string>();
  private readonly fuse: Fuse<{ name: string; full: string; initials: string }>;

  private readonly nameKey: (text: string) => string;
  /** Where the national divisions come from: the index, or a function that makes it when a query first needs it. */
  private readonly divisions: DivisionIndex | (() => DivisionIndex) | undefined;
  /**
   * Divisions outside Chongqing by folded full and short name (`成都市`, `成都`, `湖北`), and provinces/cities by
   * pinyin. Built on first use: most queries are about Chongqing and resolve before any national name is looked at,
   * so a start (and a one-shot `npm run ask`) does not fold three thousand names it may never need.
   */
  private nationalMaps: { byName: Map<string, Unit[]>; byLatin: Map<string, Unit[]> } | null = null;

  /**
   * `divisions` (optional) adds every division of China, so `/district 成都` can say it means 四川省成都市; without it
   * places outside Chongqing are told apart only from a short built-in list.
   */
  constructor(gazetteer: Gazetteer, aliases: readonly PlaceAlias[] = [], fold: FoldChar = foldChar, divisions?: DivisionIndex | (() => DivisionIndex)) {
    this.nameKey = foldersOf(fold).key;
    this.divisions = divisions;
    const nameKey = this.nameKey;
    const byCode = new Map(gazetteer.divisions.map((d) => [d.code, d]));
    const countyRows = gazetteer.divisions.filter((d) => d.level === 'county');
    this.districts = countyRows.map((d) => d.name);
    const city = gazetteer.divisions.find((d) => d.level === 'province');
    if (city) {
      const c: PlaceCandidate = { kind: 'district', name: city.name, district: city.name };
      this.add(city.name, c);
      if (city.short) this.add(city.short, c);
      this.addLatin(pinyinKeys(city.short ?? city.name).full, c);
    }
    const fuseRows: { name: string; full: string; initials: string }[] = [];
    for (const d of countyRows) {
      const c: PlaceCandidate = { kind: 'district', name: d.name, district: d.name };
      const short = d.short ?? stripSuffix(d.name, COUNTY_SUFFIXES);
      this.shortOf.set(d.name, short);
      this.add(d.name, c);
      this.add(short, c);
      // Units renamed from 县 or county-level 市 to 区 are still typed the old way (`大足县`, `永川市`).
      for (const s of ['区', '县', '市']) this.add(short + s, c);
      const keys = d.pinyin ? { full: d.pinyin.replace(/\s+/g, ''), initials: d.pinyin.split(/\s+/).map((s) => s[0] ?? '').join('') } : pinyinKeys(short);
      this.addLatin(keys.full, c);
      this.addLatin(keys.full + (d.type === '区' ? 'qu' : 'xian'), c);
      this.counties.push({ short: nameKey(short), name: d.name, syl: d.pinyin ? d.pinyin.split(/\s+/) : syllables(short) });
      fuseRows.push({ name: d.name, full: keys.full, initials: keys.initials });
    }
    for (const [former, current] of Object.entries(FORMER_NAMES)) {
      if (!this.districts.includes(current)) continue;
      const c: PlaceCandidate = { kind: 'district', name: current, district: current };
      this.add(former, c);
      if (!this.latin.has(pinyinKeys(former).full)) this.addLatin(pinyinKeys(former).full, c);
    }
    for (const name of OUTSIDE_CHONGQING) this.outsideLatin.set(pinyinKeys(name).full, name);
    for (const d of gazetteer.divisions) {
      if (d.level !== 'township') continue;
      const parent = d.parent ? byCode.get(d.parent) : undefined;
      if (!parent) continue;
      const c: PlaceCandidate = { kind: 'township', name: d.name, district: parent.name };
      this.add(d.name, c);
      if (d.short && d.short.length >= 2) this.add(d.short, c);
      for (const alt of d.alt ?? []) {
        this.add(alt, c);
        const altShort = stripSuffix(alt, TOWNSHIP_SUFFIXES);
        if (altShort.length >= 2) this.add(altShort, c);
      }
      // Township pinyin only for names of three or more characters: two-syllable pinyin collides too often.
      const short = d.short ?? d.name;
      if (short.length >= 3) this.addLatin(pinyinKeys(short).full, c);
    }
    for (const a of aliases) {
      const district = this.resolveAliasDistrict(a.district);
      const c: PlaceCandidate = { kind: 'landmark', name: a.name, district };
      this.add(a.name, c);
      if (a.name.length >= 3) this.addLatin(pinyinKeys(a.name).full, c);
    }
    this.fuse = new Fuse(fuseRows, { keys: ['full', 'initials'], threshold: 0.25, ignoreLocation: true, includeScore: true });
  }

  /** The national maps, built the first time a query gets past every exact Chongqing rule. */
  private national(): { byName: Map<string, Unit[]>; byLatin: Map<string, Unit[]> } {
    if (this.nationalMaps) return this.nationalMaps;
    const maps = { byName: new Map<string, Unit[]>(), byLatin: new Map<string, Unit[]>() };
    const divisions = typeof this.divisions === 'function' ? this.divisions() : this.divisions;
    for (const u of divisions?.units ?? []) {
      if (u.chongqing || u.level === 'township') continue;
      const add = (map: Map<string, Unit[]>, key: string) => {
        if (!key) return;
        const list = map.get(key) ?? [];
        if (!list.includes(u)) list.push(u);
        map.set(key, list);
      };
      add(maps.byName, this.nameKey(u.name));
      add(maps.byName, this.nameKey(u.short));
      // Pinyin only for provinces and cities: county syllables collide too often (`gulou` is four places).
      if (u.level !== 'county') add(maps.byLatin, u.pinyin ?? pinyinKeys(u.short).full);
    }
    this.nationalMaps = maps;
    return maps;
  }

  /** A place outside Chongqing by its name (`成都`, `湖北省`) or a chain of names (`宁波江北`, `江苏省南京市鼓楼区`). */
  private outsideDivision(key: string): Unit[] {
    const national = this.national().byName;
    const direct = national.get(key);
    if (direct) return direct;
    if (key.length > 24) return [];
    // A chain: the longest known name at the start, then the rest inside it.
    for (let len = key.length - 1; len >= 2; len--) {
      const parents = national.get(key.slice(0, len));
      if (!parents) continue;
      const rest = this.outsideDivision(key.slice(len));
      const inside = rest.filter((u) => parents.some((p) => u.code.startsWith(p.code) && u !== p));
      if (inside.length > 0) return inside;
    }
    return [];
  }

  private notChongqing(name: string, units: Unit[]): PlaceMatch {
    const rank = { province: 0, city: 1, county: 2, township: 3 } as const;
    const divisions = [...units]
      .sort((a, b) => rank[a.level] - rank[b.level])
      .map((u): DivisionCandidate => ({ name: u.name, division: u.division, code: u.code, level: u.level }));
    return { status: 'not_chongqing', name, divisions };
  }

  /** The short form of a district's full name (`潼南区` → `潼南`, `石柱土家族自治县` → `石柱`). */
  shortName(district: string): string {
    return this.shortOf.get(district) ?? stripSuffix(district, COUNTY_SUFFIXES);
  }

  private resolveAliasDistrict(name: string): string {
    const hits = this.exact.get(this.nameKey(name))?.filter((c) => c.kind === 'district');
    return hits?.[0]?.district ?? name;
  }

  private add(name: string, c: PlaceCandidate): void {
    const key = this.nameKey(name);
    if (!key) return;
    const list = this.exact.get(key);
    if (!list) this.exact.set(key, [c]);
    else if (!list.some((x) => sameCandidate(x, c))) list.push(c);
  }

  private addLatin(key: string, c: PlaceCandidate): void {
    if (!key) return;
    const list = this.latin.get(key);
    if (!list) this.latin.set(key, [c]);
    else if (!list.some((x) => sameCandidate(x, c))) list.push(c);
  }

  /** Pick among candidates for one key: one place, the same district, or the district itself when a township shares its name. */
  private decide(cands: PlaceCandidate[], how: 'exact' | 'pinyin' | 'former'): PlaceMatch {
    const first = cands[0];
    if (!first) return { status: 'unknown' };
    if (cands.length === 1) return { status: 'found', place: first, how };
    // Someone typing `江北` or `云阳` means the district, not the 街道/镇 of the same name.
    const districts = cands.filter((c) => c.kind === 'district');
    if (districts.length === 1 && districts[0]) return { status: 'found', place: districts[0], how };
    const landmarks = cands.filter((c) => c.kind === 'landmark');
    if (landmarks.length === 1 && landmarks[0]) return { status: 'found', place: landmarks[0], how };
    // Two townships in the same district (`南坪街道`/`南坪镇`) answer the same /district question.
    if (cands.every((c) => c.district === first.district)) return { status: 'found', place: first, how };
    return { status: 'ambiguous', candidates: cands };
  }

  /** Resolve a place query; never throws. */
  resolve(query: string): PlaceMatch {
    const key = this.nameKey(query);
    if (!key) return { status: 'unknown' };
    const exact = this.exact.get(key);
    if (exact) return this.decide(exact, FORMER_NAMES[key] ? 'former' : 'exact');
    for (const suffixes of [COUNTY_SUFFIXES, TOWNSHIP_SUFFIXES]) {
      const stripped = stripSuffix(key, suffixes);
      const hit = stripped !== key ? this.exact.get(stripped) : undefined;
      if (hit) return this.decide(hit, 'exact');
    }
    // Names outside Chongqing, exactly: after every exact Chongqing rule (a Chongqing reading wins for 江北),
    // before the fuzzy ones (so 成都 is not read as a typo for a district).
    const outside = this.outsideDivision(key);
    if (outside.length > 0) return this.notChongqing(query.trim(), outside);
    const latin = latinKey(query);
    if (latin) {
      const hit = this.latin.get(latin);
      if (hit) return this.decide(hit, 'pinyin');
      const byLatin = this.national().byLatin;
      const national = byLatin.get(latin) ?? byLatin.get(latin.replace(/(shi|sheng)$/, ''));
      if (national) return this.notChongqing(national.length === 1 ? national[0]!.short : query.trim(), national);
      const outside = this.outsideLatin.get(latin) ?? this.outsideLatin.get(latin.replace(/(shi|sheng)$/, ''));
      if (outside) return { status: 'not_chongqing', name: outside };
      if (latin.length >= 5) {
        const best = this.fuse.search(latin)[0];
        const place = best ? { kind: 'district' as const, name: best.item.name, district: best.item.name } : null;
        if (place) return { status: 'found', place, how: 'pinyin-typo' };
      }
      return { status: 'unknown' };
    }
    const bare = stripSuffix(stripSuffix(key, COUNTY_SUFFIXES), ['省']);
    if (this.outside.has(bare) || this.outside.has(key)) return { status: 'not_chongqing', name: bare };
    // A longer phrase naming a unit (`永川区农业农村委`): the longest unit name inside it.
    let contained: PlaceCandidate | null = null;
    let containedLen = 0;
    for (const c of this.counties) {
      if (c.short.length > containedLen && c.short.length >= 2 && key.includes(c.short)) {
        contained = { kind: 'district', name: c.name, district: c.name };
        containedLen = c.short.length;
      }
    }
    if (contained) return { status: 'found', place: contained, how: 'contains' };
    return this.fuzzy(bare);
  }

  /** One wrong character: a homophone (`潼楠`, `武龙`) on any name, any character on names of three or more. */
  private fuzzy(key: string): PlaceMatch {
    const chars = [...key];
    if (chars.length < 2 || chars.length > 8) return { status: 'unknown' };
    const qSyl = syllables(key);
    const homophones: PlaceCandidate[] = [];
    const typos: PlaceCandidate[] = [];
    for (const c of this.counties) {
      const cChars = [...c.short];
      if (cChars.length !== chars.length) continue;
      let diff = 0;
      for (let i = 0; i < cChars.length; i++) if (cChars[i] !== chars[i]) diff++;
      const sameSound = c.syl.length === qSyl.length && c.syl.every((s, i) => s === qSyl[i]);
      const place: PlaceCandidate = { kind: 'district', name: c.name, district: c.name };
      if (sameSound && diff <= chars.length - 1) homophones.push(place);
      else if (diff === 1 && chars.length >= 3) typos.push(place);
    }
    if (homophones.length === 1 && homophones[0]) return { status: 'found', place: homophones[0], how: 'homophone' };
    if (homophones.length > 1) return { status: 'ambiguous', candidates: homophones };
    if (typos.length === 1 && typos[0]) return { status: 'found', place: typos[0], how: 'typo' };
    if (typos.length > 1) return { status: 'ambiguous', candidates: typos };
    return { status: 'unknown' };
  }
}
