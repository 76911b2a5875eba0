/**
 * What the district map shows, decided from the report alone: how many sections name each of Chongqing's 38
 * districts and counties (all of them, or those a `/subscribe`-style filter keeps), the shading classes, the title
 * and dates. Pure; src/render/map-*.ts draws it and src/bot/map.ts sends it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { matchesFilter, type DigestFilter } from './digest.ts';
import type { Report } from './report.ts';

/** One shading class: counts from `min` to `max` (inclusive) share a colour; class 0 is "not named". */
export const MapBinSchema = z.object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() });
export type MapBin = z.infer<typeof MapBinSchema>;

export const MapSpecSchema = z.object({
  /** The report's title (its newest article's). */
  title: z.string().min(1),
  /** The dates the report's articles cover: `2022年6月3日`, `2022年6月3日—6月10日`; empty when none is known. */
  period: z.string(),
  /** The filter's label (`就业`, `潼南区 就业 -招聘`), null for the whole report. */
  filter: z.string().nullable(),
  /** Sections counted: all, or those the filter keeps. */
  sections: z.number().int().nonnegative(),
  /** Every district and county in the gazetteer's order, with the sections that name it. */
  counts: z.array(z.object({ district: z.string().min(1), count: z.number().int().nonnegative() })).length(38),
  /** Shading classes, lightest first: the first is always 0–0. */
  bins: z.array(MapBinSchema).min(1),
});
export type MapSpec = z.infer<typeof MapSpecSchema>;

/** How many districts the caption lists and get a button. */
export const TOP_DISTRICTS = 5;
/** Most shading classes above "not named" (a sequential palette reads well up to about five). */
export const MAX_BINS = 5;

/** Shading classes for counts up to `max`: one per count while they fit, else equal ranges (`1–3`, `4–6`…). */
export function mapBins(max: number): MapBin[] {
  const bins: MapBin[] = [{ min: 0, max: 0 }];
  if (max <= 0) return bins;
  const width = Math.ceil(max / MAX_BINS);
  for (let min = 1; min <= max; min += width) bins.push({ min, max: Math.min(max, min + width - 1) });
  return bins;
}

/** The index in `bins` of the class a count falls in. */
export function binOf(bins: readonly MapBin[], count: number): number {
  const i = bins.findIndex((b) => count >= b.min && count <= b.max);
  return i >= 0 ? i : bins.length - 1;
}

/** `2022-06-03` → `2022年6月3日`. */
function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The dates of the report's articles as one phrase (the year and month are not repeated when shared). */
export function reportPeriod(report: Report): string {
  const dates = report.articles.map((a) => a.date).filter((d): d is string => d !== null).sort();
  const first = dates[0];
  const last = dates.at(-1);
  if (!first || !last) return '';
  if (first === last) return chineseDate(first);
  const [fy, fm] = first.split('-');
  const [ly, lm, ld] = last.split('-').map(Number);
  const end = fy !== String(ly) ? chineseDate(last) : fm !== String(lm).padStart(2, '0') ? `${lm}月${ld}日` : `${ld}日`;
  return `${chineseDate(first)}—${end}`;
}

/**
 * The map of `report` under `filter` (null: every section): each of `districts` (the gazetteer's 38 official names,
 * in its order) with the number of sections that name it. A section naming a district twice counts once.
 */
export function buildMapSpec(report: Report, districts: readonly string[], filter: DigestFilter | null): MapSpec {
  const counts = new Map(districts.map((d) => [d, 0]));
  let sections = 0;
  for (const section of report.sections) {
    if (!matchesFilter(section, filter)) continue;
    sections++;
    for (const d of new Set(section.districts)) {
      const n = counts.get(d);
      if (n !== undefined) counts.set(d, n + 1);
    }
  }
  const max = Math.max(0, ...counts.values());
  return {
    title: report.title,
    period: reportPeriod(report),
    filter: filter ? filter.label : null,
    sections,
    counts: districts.map((district) => ({ district, count: counts.get(district)! })),
    bins: mapBins(max),
  };
}

/** Per report (a snapshot: the living report swaps whole ones), the maps of its most recent filters. */
const specCache = new WeakMap<Report, Map<string, MapSpec>>();
const SPEC_CACHE_SIZE = 64;

/**
 * `buildMapSpec`, remembered per report snapshot and filter: a repeat /map (sent by file_id) then costs a lookup
 * rather than a pass over every section, which on a report of thousands of articles is milliseconds.
 */
export function mapSpecFor(report: Report, districts: readonly string[], filter: DigestFilter | null): MapSpec {
  let cache = specCache.get(report);
  if (!cache) specCache.set(report, (cache = new Map()));
  const key = `${districts.join(',')}|${filter ? JSON.stringify(filter) : ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const spec = buildMapSpec(report, districts, filter);
  if (cache.size >= SPEC_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, spec);
  return spec;
}

/** The districts named most, most first (ties in the gazetteer's order), at most `n`, none that no section names. */
export function topDistricts(spec: MapSpec, n = TOP_DISTRICTS): Array<{ district: string; count: number }> {
  return spec.counts
    .map((c, i) => ({ ...c, i }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || a.i - b.i)
    .slice(0, n)
    .map(({ district, count }) => ({ district, count }));
}

/**
 * The key a rendered map is kept under (with its Telegram file_id): a hash of everything the picture shows and of
 * `renderVersion`, so the same report snapshot and filter reuse one upload on every instance, and any change to
 * the report, the filter or the drawing makes a new picture.
 */
export function mapKey(spec: MapSpec, renderVersion: string): string {
  const hash = createHash('sha256').update(renderVersion).update('\n').update(JSON.stringify(spec)).digest('base64url');
  return `map:${hash.slice(0, 32)}`;
}
