import { join } from 'node:path';
import { GazetteerSchema, type Division } from './core/gazetteer.ts';
import { buildMapSpec } from './core/map.ts';
import type { Report } from './core/report.ts';
import type { Logger } from './logger.ts';
import { readJsonFile } from './read-json.ts';
import { createMapRenderer, MAP_RENDER_VERSION, type MapRenderer } from './render/map-png.ts';

/** What /map needs from the data folder: the 38 districts, and a renderer (null when it could not be loaded). */
export interface LoadedMap {
  districts: readonly Division[];
  renderer: MapRenderer | null;
  renderVersion: string;
  /** Draw one map and throw it away, so the first /map does not pay for the renderer's first run (about 0.5 s). */
  warm(report: Report): void;
}

/**
 * Load the gazetteer's districts and the map renderer (boundaries, font). A renderer that fails to load is logged
 * and left out: the bot still starts, and /map answers with its text.
 */
export function loadMap(dataDir: string, logger: Logger): LoadedMap {
  const districts = readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema).divisions.filter((d) => d.level === 'county');
  let renderer: MapRenderer | null = null;
  try {
    renderer = createMapRenderer({ dataDir });
  } catch (err) {
    logger.error({ err }, 'map renderer not loaded; /map will answer in text');
  }
  return {
    districts,
    renderer,
    renderVersion: MAP_RENDER_VERSION,
    warm(report) {
      if (!renderer) return;
      try {
        const { ms } = renderer.render(buildMapSpec(report, districts.map((d) => d.name), null));
        logger.info({ ms: Math.round(ms) }, 'map renderer warmed up');
      } catch (err) {
        logger.error({ err }, 'map warm-up render failed; /map will answer in text when it fails again');
      }
    },
  };
}
