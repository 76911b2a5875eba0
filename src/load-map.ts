import { join } from 'node:path';
import { GazetteerSchema, type Division } from './core/gazetteer.ts';
import { buildMapSpec, type MapSpec } from './core/map.ts';
import type { Report } from './core/report.ts';
import type { Logger } from './logger.ts';
import { readJsonFile } from './read-json.ts';
import { MAP_RENDER_VERSION } from './render/map-option.ts';
import type { MapRenderer, RenderedMap } from './render/map-png.ts';

/**
 * What /map needs from the data folder: the 38 districts at once, and the renderer (ECharts, resvg, boundaries,
 * font) loaded in the background on first use, so that importing ECharts (seconds on a busy machine) never delays
 * the bot's start. A renderer that fails to load is logged once; /map then answers with its text.
 */
export class MapAssets {
  readonly districts: readonly Division[];
  readonly renderVersion = MAP_RENDER_VERSION;
  private renderer: Promise<MapRenderer | null> | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.districts = readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema).divisions.filter((d) => d.level === 'county');
  }

  /** The renderer, loading it the first time; null when it cannot be loaded. */
  load(): Promise<MapRenderer | null> {
    this.renderer ??= import('./render/map-png.ts')
      .then((m) => m.createMapRenderer({ dataDir: this.dataDir }))
      .catch((err: unknown) => {
        this.logger.error({ err }, 'map renderer not loaded; /map will answer in text');
        return null;
      });
    return this.renderer;
  }

  /** Draw `spec`; throws when the renderer could not be loaded (the bot then sends the text). */
  async render(spec: MapSpec): Promise<RenderedMap> {
    const renderer = await this.load();
    if (!renderer) throw new Error('the map renderer is not loaded');
    return renderer.render(spec);
  }

  /** Load the renderer and draw one map to throw away, so the first /map does not pay for either (about 1 s). */
  async warm(report: Report): Promise<void> {
    const renderer = await this.load();
    if (!renderer) return;
    try {
      const { ms } = renderer.render(buildMapSpec(report, this.districts.map((d) => d.name), null));
      this.logger.info({ ms: Math.round(ms) }, 'map renderer warmed up');
    } catch (err) {
      this.logger.error({ err }, 'map warm-up render failed; /map will answer in text when it fails again');
    }
  }
}
