// /district: a district, township or landmark, resolved by the shared resolver, then the sections about it, subject first.
import type { Answer, Resolved } from '../answer.ts';
import type { Section } from '../report.ts';
import { isInDivision, type DivisionCandidate, type PlaceCandidate } from '../district-resolver.ts';
import { districtsNamed, kindRank, makeAnswer, makeResult, sectionsHoldingWords, sentenceCounts, sentencesMentioning, type EngineContext } from './context.ts';

interface DistrictEntry {
  section: number;
  /** The section is about the district (its first district, or named in its heading or speaker's org). */
  subject: boolean;
  score: number;
}

/** What /district looks up, built once per report. */
export interface DistrictIndex {
  /** Per district, the sections naming it, best first. */
  sections: Map<string, DistrictEntry[]>;
  /** Per district, the folded words that name it in the text: its short name, its places, its landmarks. */
  terms: Map<string, Set<string>>;
}

/** Rank once, per district, the sections that are about it or mention it. */
export function indexDistricts(ctx: EngineContext): DistrictIndex {
  const { sections, resolver, fnorm } = ctx;
  const districtSections = new Map<string, DistrictEntry[]>();
  const districtTerms = new Map<string, Set<string>>();
  sections.forEach((s, i) => {
    for (const d of districtsNamed(s)) {
      const short = resolver.shortName(d);
      const subject = isSubject(s, d, short);
      const list = districtSections.get(d) ?? [];
      list.push({ section: i, subject, score: 0 });
      districtSections.set(d, list);
      const terms = districtTerms.get(d) ?? new Set([fnorm(short)]);
      for (const p of s.places) if (p.district === d) terms.add(fnorm(p.name));
      districtTerms.set(d, terms);
    }
  });
  for (const a of ctx.opts.placeAliases) districtTerms.get(a.district)?.add(fnorm(a.name));
  for (const [d, list] of districtSections) {
    const short = fnorm(resolver.shortName(d));
    const named = sentenceCounts(ctx, [short]);
    const mentions = sentenceCounts(ctx, districtTerms.get(d) ?? []);
    // Subject first; naming the district outright counts more than naming a landmark in it.
    for (const e of list) e.score = districtScore(e.subject, named.get(e.section) ?? 0, mentions.get(e.section) ?? 0);
    list.sort((a, b) => b.score - a.score || kindRank(sections[a.section]) - kindRank(sections[b.section]) || a.section - b.section);
  }
  return { sections: districtSections, terms: districtTerms };
}

/** The section is about the district: its first district, or named in its heading or its speaker's organisation. */
export function isSubject(s: Section, district: string, short: string): boolean {
  return s.districts[0] === district || (s.heading?.includes(short) ?? false) || (s.speaker?.org.includes(short) ?? false);
}

/**
 * How strongly a section is about a district: its subject first; naming the district outright (sentences, up to 10)
 * counts more than naming a place or landmark in it (up to 20). Shared with extend.ts, which ranks added sections.
 */
export function districtScore(subject: boolean, named: number, mentions: number): number {
  return (subject ? 100 : 0) + 5 * Math.min(named, 10) + Math.min(mentions, 20);
}

function placeLabel(p: PlaceCandidate): string {
  return p.kind === 'district' ? p.name : `${p.name}（${p.district}）`;
}

/** Answer /district: the sections about a place, or why there are none (outside Chongqing, ambiguous, unknown, not covered). */
export function answerDistrict(ctx: EngineContext, dx: DistrictIndex, q: string): Answer {
  const { resolver, index, coveredDistricts } = ctx;
  const districtSuggestions = (): string[] => coveredDistricts.map((d) => resolver.shortName(d));
  const m = resolver.resolve(q);
  if (m.status === 'not_chongqing') {
    const outside = answerOutside(ctx, q, m.divisions ?? []);
    if (outside) return outside;
    const which = m.divisions?.length === 1 ? `（${m.divisions[0]!.division}）` : '';
    // The report names no such place, but may use the words otherwise (a village of that name): point to full text.
    const sections = sectionsHoldingWords(ctx, q);
    if (sections > 0) {
      const search = `/search ${q}`;
      return makeAnswer('district', q, 'no_match', `没有找到叫“${q}”的重庆区县、镇街或地标${which ? `（${which.slice(1, -1)}不在报道中）` : ''}，但报道中有 ${sections} 段提到“${q}”。可以试试 ${search}。`, {
        suggestions: [search, ...districtSuggestions()],
      });
    }
    return makeAnswer('district', q, 'not_chongqing', `“${q}”${which}不是重庆的区县，报道也没有提到那里。报道涉及的区县有：${coveredDistricts.join('、')}。`, { suggestions: districtSuggestions() });
  }
  if (m.status === 'ambiguous') {
    // Suggest forms that resolve unambiguously: the district name in front of the place.
    const suggestions = m.candidates.map((c) => (c.kind === 'district' ? c.name : `${c.district}${c.name}`));
    return makeAnswer('district', q, 'ambiguous', `“${q}”有 ${m.candidates.length} 处：${m.candidates.map(placeLabel).join('、')}。请说明是哪一个。`, { suggestions });
  }
  if (m.status === 'unknown') {
    // No place by that name, but the report uses the words (`甘泉`, `滩子村`, `两江`): point to full text.
    const sections = sectionsHoldingWords(ctx, q);
    if (sections > 0) {
      const search = `/search ${q}`;
      return makeAnswer('district', q, 'no_match', `没有找到叫“${q}”的重庆区县、镇街或地标，但报道中有 ${sections} 段提到“${q}”。可以试试 ${search}。`, {
        suggestions: [search, ...districtSuggestions()],
      });
    }
    return makeAnswer('district', q, 'no_match', `没有找到叫“${q}”的重庆区县、镇街或地标。可以试试：${districtSuggestions().slice(0, 8).join('、')}。`, { suggestions: districtSuggestions() });
  }
  const place = m.place;
  const resolved: Resolved = { kind: place.kind, id: place.kind === 'district' ? place.district : place.name, label: placeLabel(place) };
  const note = m.how === 'homophone' || m.how === 'typo' || m.how === 'pinyin' || m.how === 'pinyin-typo' || m.how === 'former' ? `（按“${placeLabel(place)}”查找）` : '';
  const list = dx.sections.get(place.district) ?? [];
  if (list.length === 0) {
    const msg = `报道没有涉及${placeLabel(place)}${note}。报道涉及的区县有：${coveredDistricts.join('、')}。`;
    return makeAnswer('district', q, 'no_coverage', msg, { resolved, suggestions: districtSuggestions() });
  }
  const terms = [...(dx.terms.get(place.district) ?? [])];
  let ranked = list;
  let unnamed = '';
  if (place.kind !== 'district') {
    // A township or landmark query: sections naming that place first.
    const specific = ctx.fnorm(place.name);
    terms.unshift(specific);
    const naming = new Set(index.sentencesWith(specific).map((id) => index.sectionOf(id)));
    // Naming the place itself outranks anything else a section does for its district, and the score says so.
    const NAMES_PLACE = 1000;
    ranked = list
      .map((e) => ({ ...e, score: e.score + (naming.has(e.section) ? NAMES_PLACE : 0) }))
      .sort((a, b) => b.score - a.score);
    if (!list.some((e) => naming.has(e.section))) unnamed = `报道没有直接提到${place.name}，以下是${place.district}的内容。`;
  }
  const results = ranked
    .slice(0, ctx.opts.maxResults)
    .map((x) => makeResult(ctx, x.section, x.score, sentencesMentioning(ctx, x.section, terms), terms, { mark: 'exact' }));
  const more = list.length > results.length ? `（显示前 ${results.length} 段）` : '';
  return makeAnswer('district', q, 'ok', `${unnamed}${placeLabel(place)}${note}：报道中有 ${list.length} 段相关内容${more}。`, { resolved, results });
}

/**
 * A place outside Chongqing (`成都`, `湖北`): the sections naming it or a place inside it, those naming it outright
 * first. Of several divisions sharing the name (`鼓楼`), the ones the report names; null when it names none of them.
 */
function answerOutside(ctx: EngineContext, q: string, divisions: readonly DivisionCandidate[]): Answer | null {
  const hits = divisions
    .map((d) => ({
      d,
      sections: ctx.sections.flatMap((s, i) => {
        const inside = s.places.filter((p) => isInDivision(p, d));
        return inside.length ? [{ i, names: [...new Set(inside.map((p) => p.name))], direct: inside.some((p) => p.code === d.code) }] : [];
      }),
    }))
    .filter((h) => h.sections.length > 0);
  if (hits.length === 0) return null;
  if (hits.length > 1) {
    const labels = hits.map((h) => h.d.division);
    return makeAnswer('district', q, 'ambiguous', `“${q}”有 ${hits.length} 处：${labels.join('、')}。请说明是哪一个。`, { suggestions: labels });
  }
  const { d, sections } = hits[0]!;
  const ranked = [...sections].sort((a, b) => Number(b.direct) - Number(a.direct) || a.i - b.i);
  const results = ranked.slice(0, ctx.opts.maxResults).map((x, k) => {
    const terms = x.names.map(ctx.fnorm);
    return makeResult(ctx, x.i, ranked.length - k, sentencesMentioning(ctx, x.i, terms), x.names, { mark: 'exact' });
  });
  const resolved: Resolved = { kind: 'district', id: d.code, label: d.division };
  const more = sections.length > results.length ? `（显示前 ${results.length} 段）` : '';
  return makeAnswer('district', q, 'ok', `${d.division}（不在重庆）：报道中有 ${sections.length} 段相关内容${more}。`, { resolved, results });
}
