/**
 * Draw the map: ECharts renders the option (src/render/map-option.ts) to SVG on the server, resvg turns the SVG into
 * a PNG with the project's own font and no system font. Loaded once (boundaries registered, font read); each render
 * is then pure CPU, about 100–300 ms.
 */
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { join } from 'node:path';
import type { MapSpec } from '../core/map.ts';
import { GazetteerSchema } from '../core/gazetteer.ts';
import { readJsonFile } from '../read-json.ts';
import { districtShapes, RawGeoJsonSchema, toGeoJson, type DistrictShape } from './map-geo.ts';
import { loadMapFont, type MapFont } from './map-font.ts';
import { CORE_DISTRICTS, CORE_MAP_NAME, MAP_HEIGHT, MAP_NAME, MAP_WIDTH, mapOption } from './map-option.ts';

export { MAP_RENDER_VERSION } from './map-option.ts';

export interface RenderedMap {
  png: Buffer;
  /** Characters of the title or filter the font has no glyph for (drawn as □). */
  missing: string[];
  ms: number;
}

export interface MapRenderer {
  readonly shapes: readonly DistrictShape[];
  readonly font: MapFont;
  /** The PNG of `spec`; `labels: false` leaves the district names out. */
  render(spec: MapSpec, options?: { labels?: boolean }): RenderedMap;
  /** The SVG ECharts draws for `spec`, before rasterising (tests look at its text). */
  svg(spec: MapSpec, options?: { labels?: boolean }): { svg: string; missing: string[] };
  /** The picture as RGBA pixels, row by row (tests sample colours from it). */
  raster(spec: MapSpec, options?: { labels?: boolean }): { width: number; height: number; pixels: Buffer };
  /** Pixel positions of [longitude, latitude] points on the whole map (`inset`: in the city-centre inset). */
  toPixels(points: ReadonlyArray<readonly [number, number]>, inset?: boolean): Array<[number, number]>;
}

export interface MapRendererOptions {
  dataDir?: string;
  /** Another font file (tests render with a blank font to prove labels are real glyphs). */
  fontFile?: string;
}

/** Load boundaries, gazetteer and font from `dataDir` and register the maps with echarts. Throws, naming the file, on bad data. */
export function createMapRenderer(options: MapRendererOptions = {}): MapRenderer {
  const dataDir = options.dataDir ?? 'data';
  const gazetteer = readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema);
  const raw = readJsonFile(join(dataDir, 'map', 'chongqing.geojson'), RawGeoJsonSchema);
  const shapes = districtShapes(raw, gazetteer.divisions.filter((d) => d.level === 'county'));
  const font = loadMapFont(options.fontFile ?? join(dataDir, 'map', 'NotoSansSC-Regular-subset.ttf'));
  // Registered under fixed names; registering again replaces (same data every time).
  echarts.registerMap(MAP_NAME, toGeoJson(shapes) as never);
  echarts.registerMap(CORE_MAP_NAME, toGeoJson(shapes.filter((s) => CORE_DISTRICTS.includes(s.name))) as never);

  function draw<T>(spec: MapSpec, labels: boolean, use: (chart: echarts.ECharts, missing: string[]) => T): T {
    const missing: string[] = [];
    const fit = (text: string) => {
      const r = font.fit(text);
      missing.push(...r.missing);
      return r.text;
    };
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: MAP_WIDTH, height: MAP_HEIGHT });
    try {
      chart.setOption(mapOption({ spec, shapes, fontFamily: font.family, fit, labels }));
      return use(chart, missing);
    } finally {
      chart.dispose();
    }
  }

  function svg(spec: MapSpec, opts: { labels?: boolean } = {}) {
    return draw(spec, opts.labels ?? true, (chart, missing) => ({ svg: chart.renderToSVGString(), missing: [...new Set(missing)] }));
  }

  function rasterise(svgText: string) {
    return new Resvg(svgText, {
      background: '#ffffff',
      fitTo: { mode: 'width', value: MAP_WIDTH },
      // Only the project's font: a server without CJK fonts draws the same picture as one with them.
      font: { loadSystemFonts: false, fontFiles: [font.path], defaultFontFamily: font.family, sansSerifFamily: font.family, serifFamily: font.family, monospaceFamily: font.family },
    }).render();
  }

  return {
    shapes,
    font,
    svg,
    render(spec, opts = {}) {
      const started = performance.now();
      const drawn = svg(spec, opts);
      const png = rasterise(drawn.svg).asPng();
      return { png, missing: drawn.missing, ms: performance.now() - started };
    },
    raster(spec, opts = {}) {
      const image = rasterise(svg(spec, opts).svg);
      return { width: image.width, height: image.height, pixels: image.pixels };
    },
    toPixels(points, inset = false) {
      // Any spec lays the map out the same way: the position depends on the layout, not on the counts.
      const spec: MapSpec = { title: '-', period: '', filter: null, sections: 0, counts: shapes.map((s) => ({ district: s.name, count: 0 })), bins: [{ min: 0, max: 0 }] };
      return draw(spec, false, (chart) => points.map((p) => chart.convertToPixel({ seriesIndex: inset ? 1 : 0 }, [p[0], p[1]]) as unknown as [number, number]));
    },
  };
}
