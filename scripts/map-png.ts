/**
 * `npm run map:png`: draw the seed report's /map into docs/map-seed.png, the picture the README shows and the
 * golden image tests/render/map.test.ts compares against. Run it after changing how the map is drawn (and bump
 * MAP_RENDER_VERSION in src/render/map-png.ts), then look at the picture before committing it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { GazetteerSchema } from '../src/core/gazetteer.ts';
import { buildMapSpec } from '../src/core/map.ts';
import { loadEngine } from '../src/load-engine.ts';
import { readJsonFile } from '../src/read-json.ts';
import { createMapRenderer } from '../src/render/map-png.ts';

const names = readJsonFile('data/chongqing-divisions.json', GazetteerSchema).divisions.filter((d) => d.level === 'county').map((d) => d.name);
const { report } = loadEngine();
const rendered = createMapRenderer().render(buildMapSpec(report, names, null));
if (rendered.missing.length > 0) throw new Error(`the font lacks ${rendered.missing.join('')}: npm run map:font`);
mkdirSync('docs', { recursive: true });
writeFileSync('docs/map-seed.png', rendered.png);
console.log(`docs/map-seed.png: ${rendered.png.length} bytes`);
