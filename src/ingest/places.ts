import { CHONGQING, DivisionIndex, isWithin, type ChinaDivisions, type Unit } from '../core/divisions.ts';
import type { Gazetteer, PlaceAlias } from '../core/gazetteer.ts';
import type { Place } from '../core/report.ts';

export const CITY = CHONGQING;

/** What the finder needs: the two gazetteers, Chongqing landmarks, and short names that are everyday words. */
export interface PlaceData {
  gazetteer: Gazetteer;
  china: ChinaDivisions;
  aliases: readonly PlaceAlias[];
  /** Short names that are everyday words too (`长寿`, `南岸`, `安康`): see data/place-aliases.json. */
  wordLikeShortNames: readonly string[];
}

/** How a name in the text points at a unit. */
type Form = 'full' | 'short' | 'landmark';

interface Entry {
  unit: Unit;
  form: Form;
}

/** A place accepted in the text. */
interface Hit {
  at: number;
  end: number;
  name: string;
  unit: Unit;
  /** A landmark or zone named after the unit (`果园港`, `成都高新区`): its division is the unit's. */
  landmark: boolean;
  /** A township outside Chongqing, named after its county: only its name is known. */
  township?: string;
}

/** What the whole article says, for deciding names that one sentence leaves open. */
interface ArticleContext {
  /** Units the article names with local evidence (a full name, a chain, a list…). */
  named: Set<Unit>;
  /** The article names Chongqing or a place in it. */
  chongqing: boolean;
}

const EMPTY_CONTEXT: ArticleContext = { named: new Set(), chongqing: false };

// What may follow a short name to mark it as a place: `永川境内`, `巫溪籍`, `东山岛`.
const PLACE_SUFFIX = /^(?:境内|籍|全境|城区|县城|岛)/u;
// A development zone or port named after the place before it (`成都高新区`, `钦州港区`, `郑州航空港区`, `盐田港`).
const ZONE_SUFFIX = /^(?:高新技术产业开发区|经济技术开发区|经济开发区|高新区|经开区|开发区|航空港区|航空港|综合保税区|保税区|自贸片区|港区|港)/u;
// A township right after its county (`永嘉县岩坦镇`, `荔湾区金花街道`); outside Chongqing only its name is known.
const TOWNSHIP = /^([\u4e00-\u9fff]{2,5}?)(街道|镇|乡)/u;
// Words that look like a township after a county but are not one (`县城乡建设`, `区特色小镇`).
const NOT_TOWNSHIP = /(?:城乡|城镇|乡镇|村镇|集镇|小镇|古镇|全镇|全乡|本镇|本乡|各镇|各乡|重镇|名镇|强镇|城街道)$|^(?:特色|重点|美丽|和美|全国|各|全|本)|[到在的和与及县省]/u;
// A company's registered name starting with a place (`某省某某科技有限公司`): the place is part of the name.
const COMPANY_AFTER = /^[\u4e00-\u9fff]{2,10}?(?:股份有限公司|有限责任公司|有限公司|集团|律师事务所)/u;
// A school named after its county (`某某中学校`): the school's name, not the county.
const SCHOOL_AFTER = /^(?:中学|小学|学校|职业中学)/u;
// A short name before a form of address is a person's name (`吴忠同志`).
const PERSON_AFTER = /^(?:同志|先生|女士|老师)/u;
// A democratic party's provincial committee (`民盟某省委会`): a post the truth drops, not a place.
const PARTY_BEFORE = /(?:民革|民盟|民建|民进|农工党|致公党|九三学社|台盟)$/u;
// A project or enterprise after a word-like county name (`长寿高性能锂离子电池项目`, `石柱某某景区`) makes it the county.
const PROJECT_AFTER = /^(?:[^，。；！？、\n]{0,14}?(?:项目|基地|园区|产业园|工业园|景区|公司|企业|工厂|集团|经开区|高新区)|[\u4e00-\u9fff]{1,4}?(?:寨|村|古镇|湖|水库|湿地|公园))/u;
// A quoted name followed by a vessel's or train's word (`“新扬州”轮`, `“某某”号`) names the vessel, not the place.
const VESSEL = /“[^“”\n]{0,8}$/u;
const VESSEL_AFTER = /^[^“”\n]{0,8}”(?:轮|号|舰|列车)/u;
// Characters after which a name starts a new word: punctuation and common one-character function words (`如城口…`).
const LEFT_BOUNDARY = /[\s，。、；：！？“”‘’《》（）()—…·在于自从到是和与及对向为将把让由往赴至了的如或经去同沿据]/u;
// Separators of a list of places (`城口、巫山`, `哈密—重庆`).
const LIST_SEPARATOR = /[、—－/／]/u;

/**
 * Finds the places an article names, in and outside Chongqing, and resolves each to its official division.
 * Full names always count; short names of provinces and prefecture-level cities unless they are everyday words;
 * short county names only with evidence (a chain under their parent, a list of places, a suffix, the article's other
 * places). A chain (`宁夏吴忠市红寺堡区红寺堡镇`) resolves each link under the one before.
 */
export class PlaceFinder {
  private readonly index: DivisionIndex;
  private readonly lexicon = new Map<string, Entry[]>();
  private readonly maxLength: number;
  private readonly wordLike: Set<string>;

  constructor(data: PlaceData) {
    this.index = new DivisionIndex(data.china, data.gazetteer);
    this.wordLike = new Set(data.wordLikeShortNames);
    const add = (name: string, entry: Entry) => {
      const list = this.lexicon.get(name) ?? [];
      if (!list.some((e) => e.unit === entry.unit && e.form === entry.form)) list.push(entry);
      this.lexicon.set(name, list);
    };
    const alts = new Map<string, string[]>();
    for (const d of data.gazetteer.divisions) if (d.alt) alts.set(d.code, d.alt);
    for (const unit of this.index.units) {
      add(unit.name, { unit, form: 'full' });
      for (const alt of alts.get(unit.code) ?? []) add(alt, { unit, form: 'full' });
      // Townships only by full name (`满月镇`): bare short names (`打通`, `曾家`) are ordinary words.
      if (unit.level === 'township') continue;
      if (unit.short !== unit.name) add(unit.short, { unit, form: 'short' });
      // `浦东新区`, `滨海新区` are written `浦东`, `天津滨海` too.
      if (unit.level === 'county' && unit.name.endsWith('新区') && unit.name.length >= 4) add(unit.name.slice(0, -2), { unit, form: 'short' });
    }
    const chongqing = this.index.units.filter((u) => u.chongqing);
    for (const a of data.aliases) {
      const unit = chongqing.find((u) => u.level !== 'township' && u.name === a.district);
      if (unit) add(a.name, { unit, form: 'landmark' });
    }
    this.maxLength = Math.max(...[...this.lexicon.keys()].map((k) => k.length));
  }

  /** Places named in `text` alone (no article around it), in order of first mention. */
  find(text: string): Place[] {
    return this.findInArticle([text])[0]!;
  }

  /**
   * Places named in each of an article's sections, in order of first mention. The article as a whole decides the
   * names one section leaves open (`鼓楼` where the article names 南京). `onWarning` hears each close call.
   */
  findInArticle(texts: readonly string[], onWarning: (message: string) => void = () => {}): Place[][] {
    // First the places the article names with evidence of their own, then each section read with them in mind.
    const whole = texts.join('\n');
    const first = this.scan(whole, EMPTY_CONTEXT, () => {});
    const context: ArticleContext = { named: new Set(first.map((h) => h.unit)), chongqing: first.some((h) => h.unit.chongqing) };
    const warned = new Set<string>();
    const warn = (message: string) => {
      if (warned.has(message)) return;
      warned.add(message);
      onWarning(message);
    };
    return texts.map((text) => toPlaces(this.scan(text, context, warn)));
  }

  private scan(text: string, ctx: ArticleContext, warn: (message: string) => void): Hit[] {
    const hits: Hit[] = [];
    let prev: Hit | null = null;
    for (let i = 0; i < text.length; ) {
      const chained: Hit | null = prev && prev.end === i ? prev : null;
      const township: Hit | null = chained ? this.townshipAfter(text, i, chained) : null;
      if (township) {
        hits.push(township);
        prev = township;
        i = township.end;
        continue;
      }
      const hit = this.match(text, i, chained, ctx, hits, warn);
      if (!hit) {
        i++;
        continue;
      }
      hits.push(hit);
      prev = hit;
      i = hit.end;
    }
    return hits;
  }

  /** The longest name starting at `at`, resolved and checked; null when there is none or it is not a place here. */
  private match(text: string, at: number, chained: Hit | null, ctx: ArticleContext, hits: Hit[], warn: (message: string) => void): Hit | null {
    for (let len = Math.min(this.maxLength, text.length - at); len >= 2; len--) {
      const name = text.slice(at, at + len);
      const entries = this.lexicon.get(name);
      if (!entries) continue;
      const end = at + len;
      if (PARTY_BEFORE.test(text.slice(Math.max(0, at - 4), at))) return null;
      if (VESSEL.test(text.slice(Math.max(0, at - 8), at)) && VESSEL_AFTER.test(text.slice(at))) return null;
      // Chongqing's own companies are plainly local (`重庆…物流有限公司`); others' names are just names.
      if (!chained && COMPANY_AFTER.test(text.slice(end)) && entries.every((e) => e.form === 'short' && !e.unit.chongqing)) return null;
      const chosen = this.choose(name, entries, text, at, end, chained, ctx, hits, warn);
      if (!chosen) return null;
      const zone = chosen.form !== 'landmark' ? ZONE_SUFFIX.exec(text.slice(end)) : null;
      if (zone && chosen.unit.level !== 'township') {
        return { at, end: end + zone[0].length, name: name + zone[0], unit: chosen.unit, landmark: true };
      }
      return { at, end, name, unit: chosen.unit, landmark: chosen.form === 'landmark' };
    }
    return null;
  }

  /** Which of the units a name could be is meant here, if any. */
  private choose(
    name: string,
    entries: Entry[],
    text: string,
    at: number,
    end: number,
    chained: Hit | null,
    ctx: ArticleContext,
    hits: Hit[],
    warn: (message: string) => void,
  ): Entry | null {
    const after = text.slice(end);
    // A county's short name before 中学 names a school (`某某中学校`), not the county; any short name before 同志 a person.
    if (SCHOOL_AFTER.test(after)) entries = entries.filter((e) => !(e.form === 'short' && e.unit.level === 'county'));
    if (PERSON_AFTER.test(after)) entries = entries.filter((e) => e.form !== 'short');
    if (entries.length === 0) return null;
    // In a chain each link lies inside the one before: `宁波江北` is Ningbo's 江北, `北京朝阳` Beijing's 朝阳.
    if (chained) {
      const inside = entries.filter((e) => isWithin(e.unit, chained.unit) && (e.unit !== chained.unit || e.form === 'landmark'));
      if (inside.length > 0) return highest(inside);
      // A county's short name after a place it is not in (`湖州太平…`) is part of a company's name.
      if (entries.every((e) => e.form === 'short' && e.unit.level === 'county')) return null;
    }
    const before = text[at - 1] ?? '';
    const boundary = before === '' || LEFT_BOUNDARY.test(before);
    const prevHit = hits[hits.length - 1];
    const inList =
      (LIST_SEPARATOR.test(after[0] ?? '') && this.startsName(text, end + 1)) ||
      (LIST_SEPARATOR.test(before) && prevHit !== undefined && prevHit.end === at - 1);
    const suffix = PLACE_SUFFIX.test(after) || ZONE_SUFFIX.test(after) || (TOWNSHIP.test(after) && !NOT_TOWNSHIP.test(TOWNSHIP.exec(after)![0]));
    const wordLike = this.wordLike.has(name);
    const accepted = entries.filter((e) => {
      if (e.form === 'landmark') return true;
      const u = e.unit;
      if (u.level === 'township') {
        // A Chongqing township shared by several districts counts only after its district (a chain, above);
        // any Chongqing township only in an article that is about Chongqing.
        return ctx.chongqing && entries.filter((x) => x.unit.level === 'township').length === 1;
      }
      const strong = ctx.named.has(u) || inList || suffix;
      if (e.form === 'full' && name.length >= 3 && !wordLike) return true;
      if (u.level === 'province' || u.level === 'city') return !wordLike || strong;
      // A county's short name (or a two-character full name such as `城区`, `和县`).
      if (wordLike) {
        if (inList || suffix) return true;
        if (u.chongqing && boundary && PROJECT_AFTER.test(after)) {
          const otherDistricts = [...ctx.named].some((n) => n.chongqing && n !== u && n.level !== 'province');
          if (!otherDistricts) warn(`took ${name} for ${u.division}: a project or place follows it, though the article names no other district (${text.slice(at, end + 12)}…)`);
          return true;
        }
        if (ctx.named.has(u)) return true;
        if (u.chongqing && boundary && ctx.chongqing) warn(`left ${name} out as an everyday word, though it could be ${u.division} (${text.slice(Math.max(0, at - 6), end + 8)}…)`);
        return false;
      }
      if (strong) return true;
      if (u.chongqing) return boundary;
      if (name.length >= 3 && this.index.withShort(name).length + this.index.named(name).length === 1) return true;
      // The article names the county's city (`成都 … 金堂`).
      return u.parent !== null && u.parent.level === 'city' && ctx.named.has(u.parent);
    });
    if (accepted.length <= 1) return accepted[0] ?? null;
    // Several units answer to the name: Chongqing's reading first, then one inside a place the article names,
    // then the highest level (`海南` the province), else leave it out.
    const units = [...new Set(accepted.map((e) => e.unit))];
    const others = (u: Unit) => units.filter((x) => x !== u).map((x) => x.division).join('、');
    const pick = (e: Entry, why: string): Entry => {
      warn(`${name} could be ${others(e.unit)}; read as ${e.unit.division} (${why})`);
      return e;
    };
    const cq = accepted.filter((e) => e.unit.chongqing);
    if (cq.length > 0) return pick(highest(cq), 'Chongqing first');
    const near = accepted.filter((e) => [...ctx.named].some((n) => n !== e.unit && e.unit.parent !== null && isWithin(n, e.unit.parent) && n.level !== 'province'));
    if (near.length === 1) return pick(near[0]!, `the article names ${near[0]!.unit.parent!.name}`);
    const top = highest(accepted);
    if (accepted.filter((e) => e.unit.level === top.unit.level).length === 1) return pick(top, 'the higher level');
    warn(`left ${name} out: it could be ${units.map((u) => u.division).join('、')}`);
    return null;
  }

  /** True when a name from the lexicon starts at `at`. */
  private startsName(text: string, at: number): boolean {
    for (let len = 2; len <= this.maxLength && at + len <= text.length; len++) if (this.lexicon.has(text.slice(at, at + len))) return true;
    return false;
  }

  /** A township named right after its county outside Chongqing (`永嘉县岩坦镇`); Chongqing's are in the gazetteer. */
  private townshipAfter(text: string, at: number, county: Hit): Hit | null {
    if (county.unit.level !== 'county' || county.unit.chongqing || county.landmark) return null;
    const m = TOWNSHIP.exec(text.slice(at));
    if (!m || NOT_TOWNSHIP.test(m[0])) return null;
    return { at, end: at + m[0].length, name: m[0], unit: county.unit, landmark: false, township: m[0] };
  }
}

/** The entry of the highest level (province before city before county before township). */
function highest(entries: Entry[]): Entry {
  const rank = { province: 0, city: 1, county: 2, township: 3 } as const;
  return [...entries].sort((a, b) => rank[a.unit.level] - rank[b.unit.level])[0]!;
}

/**
 * Hits as places, each name and division once, in order of first mention. In a chain the province and city before
 * a deeper link only say where it is (`浙江省温州市永嘉县` names 永嘉县): the county and what lies in it are the places.
 */
function toPlaces(hits: Hit[]): Place[] {
  const seen = new Set<string>();
  const places: Place[] = [];
  for (const [i, h] of hits.entries()) {
    const next = hits[i + 1];
    const qualifier = next !== undefined && next.at === h.end && isWithin(next.unit, h.unit) && (next.unit !== h.unit || next.landmark);
    if (qualifier && !h.landmark && (h.unit.level === 'province' || h.unit.level === 'city')) continue;
    const division = h.township ? h.unit.division + h.township : h.unit.division;
    const key = `${h.name}|${division}`;
    if (seen.has(key)) continue;
    seen.add(key);
    places.push({ name: h.name, division, code: h.unit.code, ...(h.unit.chongqing ? { district: h.unit.chongqing } : {}) });
  }
  return places;
}

/** Distinct Chongqing districts of `places` (`潼南区`, or `重庆市` for the city), in order of first mention. */
export function districtsOf(places: Place[]): string[] {
  return [...new Set(places.flatMap((p) => (p.district ? [p.district] : [])))];
}
