/**
 * The map picture: every district has its polygon in its shade, every label is made of real glyphs, no character
 * goes without one, and the seed report's map still looks like docs/map-seed.png (npm run map:png redraws it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import opentype from 'opentype.js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GazetteerSchema } from '../../src/core/gazetteer.ts';
import { buildMapSpec, mapBins, type MapSpec } from '../../src/core/map.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { readJsonFile } from '../../src/read-json.ts';
import { containsPoint, districtShapes, RawGeoJsonSchema } from '../../src/render/map-geo.ts';
import { MISSING_GLYPH } from '../../src/render/map-font.ts';
import { CORE_DISTRICTS, districtColour, MAP_FIXED_TEXT, MAP_HEIGHT, MAP_WIDTH } from '../../src/render/map-option.ts';
import { createMapRenderer, type MapRenderer } from '../../src/render/map-png.ts';

const counties = readJsonFile('data/chongqing-divisions.json', GazetteerSchema).divisions.filter((d) => d.level === 'county');
const raw = readJsonFile('data/map/chongqing.geojson', RawGeoJsonSchema);
const { report } = loadEngine();
const names = counties.map((d) => d.name);
const seedSpec = buildMapSpec(report, names, null);
/** Every shading class in use: district i has i % 7 sections. */
const variedSpec: MapSpec = { ...seedSpec, counts: names.map((district, i) => ({ district, count: i % 7 })), bins: mapBins(6) };

let renderer: MapRenderer;
/** Each district's label point in pixels: on the whole map, and in the inset for the city centre's. */
const at = new Map<string, { map: [number, number]; inset: [number, number] }>();
beforeAll(() => {
  renderer = createMapRenderer();
  const points = renderer.shapes.map((s) => s.labelPoint);
  const onMap = renderer.toPixels(points);
  const inInset = renderer.toPixels(points, true);
  renderer.shapes.forEach((s, i) => at.set(s.name, { map: onMap[i]!, inset: inInset[i]! }));
});

function pixel(image: { width: number; pixels: Buffer }, [x, y]: readonly [number, number]): [number, number, number] {
  const at = (Math.round(y) * image.width + Math.round(x)) * 4;
  return [image.pixels[at]!, image.pixels[at + 1]!, image.pixels[at + 2]!];
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const close = (a: readonly number[], b: readonly number[], tolerance = 3) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

describe('the boundary file', () => {
  const shapes = districtShapes(raw, counties);

  it('has a shape for each of the 38 districts and counties, under the gazetteer\'s names', () => {
    expect(shapes.map((s) => s.name)).toEqual(names);
    expect(shapes.every((s) => s.polygons.length > 0 && s.polygons.every((p) => (p[0]?.length ?? 0) >= 3))).toBe(true);
  });

  it('reads 梁平县 and 武隆县 as today\'s 梁平区 and 武隆区', () => {
    expect(shapes.find((s) => s.name === '梁平区')?.sourceName).toBe('梁平县');
    expect(shapes.find((s) => s.name === '武隆区')?.sourceName).toBe('武隆县');
  });

  it('puts each label point inside its own district and in no other', () => {
    for (const s of shapes) {
      expect(containsPoint(s.polygons, s.labelPoint), s.name).toBe(true);
      expect(shapes.filter((o) => o !== s && containsPoint(o.polygons, s.labelPoint)).map((o) => o.name), s.name).toEqual([]);
    }
  });

  it('refuses a file that lacks a district, or names a place that is none, naming it', () => {
    const without = { ...raw, features: raw.features.filter((f) => f.properties.name !== '城口县') };
    expect(() => districtShapes(without, counties)).toThrow(/城口县/);
    const stranger = { ...raw, features: [...raw.features, { ...raw.features[0]!, properties: { name: '成都市' } }] };
    expect(() => districtShapes(stranger, counties)).toThrow(/成都市/);
  });
});

describe('the font', () => {
  it('has a glyph for every district name, the map\'s own words and the seed report\'s title and dates', () => {
    const text = [...names, ...counties.map((d) => d.short ?? ''), MAP_FIXED_TEXT, seedSpec.title, seedSpec.period].join('');
    expect([...text].filter((c) => !renderer.font.has(c))).toEqual([]);
    expect(renderer.svg(seedSpec).missing).toEqual([]);
  });

  it('draws □ for a character it lacks and says which', () => {
    expect(renderer.font.fit('潼南𠀀')).toEqual({ text: `潼南${MISSING_GLYPH}`, missing: ['𠀀'] });
    expect(renderer.render({ ...seedSpec, title: '𠀀报道' }).missing).toEqual(['𠀀']);
  });
});

describe('the picture', () => {
  it('is a PNG about 1280 px wide and under 300 KB', () => {
    const png = PNG.sync.read(renderer.render(seedSpec).png);
    expect([png.width, png.height]).toEqual([MAP_WIDTH, MAP_HEIGHT]);
    expect(renderer.render(variedSpec).png.length).toBeLessThan(300 * 1024);
  });

  it('fills every district with its shade: the pixel at its label point has the colour of its count', () => {
    for (const spec of [seedSpec, variedSpec]) {
      const image = renderer.raster(spec, { labels: false });
      for (const shape of renderer.shapes) {
        const count = spec.counts.find((c) => c.district === shape.name)!.count;
        const expected = rgb(districtColour(spec, count));
        expect(pixel(image, at.get(shape.name)!.map), `${shape.name} (${count})`).toSatisfy((p: number[]) => close(p, expected));
        if (CORE_DISTRICTS.includes(shape.name)) {
          expect(pixel(image, at.get(shape.name)!.inset), `${shape.name} in the inset`).toSatisfy((p: number[]) => close(p, expected));
        }
      }
    }
  });

  it('gives different counts different shades, darker for more', () => {
    const shades = variedSpec.bins.map((b) => rgb(districtColour(variedSpec, b.min)));
    expect(new Set(shades.map(String)).size).toBe(variedSpec.bins.length);
    const lightness = shades.map(([r, g, b]) => r + g + b);
    expect(lightness).toEqual([...lightness].sort((a, b) => b - a));
  });
});

describe('the labels', () => {
  let dir: string;
  let blank: MapRenderer;
  beforeAll(() => {
    // A font of the same family whose glyphs are all empty: text drawn with it leaves no mark.
    dir = mkdtempSync(join(tmpdir(), 'map-blank-font-'));
    const chars = [...new Set([...counties.map((d) => d.short ?? '').join(''), ...MAP_FIXED_TEXT, ...seedSpec.title, ...seedSpec.period])];
    const glyphs = [new opentype.Glyph({ name: '.notdef', unicode: 0, advanceWidth: 1000, path: new opentype.Path() }), ...chars.map((c, i) => new opentype.Glyph({ name: `g${i}`, unicode: c.codePointAt(0)!, advanceWidth: 1000, path: new opentype.Path() }))];
    const font = new opentype.Font({ familyName: renderer.font.family, styleName: 'Regular', unitsPerEm: 1000, ascender: 880, descender: -120, glyphs });
    writeFileSync(join(dir, 'blank.ttf'), Buffer.from(font.toArrayBuffer()));
    blank = createMapRenderer({ fontFile: join(dir, 'blank.ttf') });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every district\'s name with real glyphs: around each label the picture differs from one drawn with a blank font', () => {
    const real = renderer.raster(seedSpec);
    const empty = blank.raster(seedSpec);
    for (const shape of renderer.shapes) {
      const where = at.get(shape.name)!;
      const [cx, cy] = CORE_DISTRICTS.includes(shape.name) ? where.inset : where.map;
      let differing = 0;
      for (let y = cy - 8; y <= cy + 8; y++) {
        for (let x = cx - 14; x <= cx + 14; x++) {
          if (!close(pixel(real, [x, y]), pixel(empty, [x, y]), 48)) differing++;
        }
      }
      expect(differing, shape.name).toBeGreaterThan(20);
    }
  });
});

describe('the seed report\'s map', () => {
  it('looks like the golden image docs/map-seed.png (within a small tolerance)', () => {
    const golden = PNG.sync.read(readFileSync('docs/map-seed.png'));
    const now = renderer.raster(seedSpec);
    expect([golden.width, golden.height]).toEqual([now.width, now.height]);
    let differing = 0;
    for (let i = 0; i < now.pixels.length; i += 4) {
      if (!close([now.pixels[i]!, now.pixels[i + 1]!, now.pixels[i + 2]!], [golden.data[i]!, golden.data[i + 1]!, golden.data[i + 2]!], 40)) differing++;
    }
    // Anti-aliasing may move by a pixel between versions of resvg; a changed shade or label moves thousands.
    expect(differing / (now.width * now.height), 'the seed map changed: if data/report.json or the drawing changed on purpose, `npm run map:png` and look at docs/map-seed.png').toBeLessThan(0.002);
  });
});
