/**
 * `npm run map:font`: rebuild data/map/NotoSansSC-Regular-subset.ttf, the font every map label is drawn with.
 *
 * It packs the OFL-licensed Noto Sans SC (Regular) from the npm registry (@expo-google-fonts/noto-sans-sc, the
 * Google Fonts build) into a temporary folder and keeps only the characters a map can draw: all of GB 2312 (the
 * 6,763 common hanzi, punctuation, full-width forms), printable ASCII, general punctuation, and every character of
 * the gazetteer's district names, the map's fixed text and the committed report's titles. 10 MB becomes about
 * 2.4 MB; a title character outside the subset is drawn as □ and logged (src/render/map-font.ts).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import subsetFont from 'subset-font';
import { GazetteerSchema } from '../src/core/gazetteer.ts';
import { loadReportFile } from '../src/load-report.ts';
import { readJsonFile } from '../src/read-json.ts';
import { MAP_FIXED_TEXT } from '../src/render/map-option.ts';
import { FONT_FILE, FONT_PACKAGE } from '../src/render/map-font.ts';

/** Every character GB 2312 encodes (rows 0xA1–0xF7, columns 0xA1–0xFE), decoded through GB 18030, its superset. */
function gb2312(): string {
  const decoder = new TextDecoder('gb18030');
  let chars = '';
  for (let row = 0xa1; row <= 0xf7; row++) {
    for (let col = 0xa1; col <= 0xfe; col++) {
      const c = decoder.decode(new Uint8Array([row, col]));
      if ([...c].length === 1 && c !== '\ufffd') chars += c;
    }
  }
  return chars;
}

function range(from: number, to: number): string {
  let s = '';
  for (let c = from; c <= to; c++) s += String.fromCodePoint(c);
  return s;
}

const dataDir = 'data';
const gazetteer = readJsonFile(join(dataDir, 'chongqing-divisions.json'), GazetteerSchema);
const report = loadReportFile(join(dataDir, 'report.json'));
const names = gazetteer.divisions.filter((d) => d.level === 'county').flatMap((d) => [d.name, d.short ?? '']);
const chars = new Set([...gb2312(), ...range(0x20, 0x7e), ...range(0x2010, 0x2027), ...range(0x3000, 0x3011), ...names.join(''), ...MAP_FIXED_TEXT, ...report.articles.map((a) => a.title).join('')]);

const temp = mkdtempSync(join(tmpdir(), 'map-font-'));
try {
  execFileSync('npm', ['pack', FONT_PACKAGE, '--silent', '--pack-destination', temp], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = execFileSync('sh', ['-c', `ls ${JSON.stringify(temp)}/*.tgz`]).toString().trim();
  execFileSync('tar', ['xzf', tarball, '-C', temp, 'package/400Regular/NotoSansSC_400Regular.ttf', 'package/LICENSE_FONT']);
  const source = readFileSync(join(temp, 'package/400Regular/NotoSansSC_400Regular.ttf'));
  const subset = await subsetFont(source, [...chars].join(''), { targetFormat: 'truetype' });
  writeFileSync(FONT_FILE, subset);
  copyFileSync(join(temp, 'package/LICENSE_FONT'), join(dataDir, 'map', 'OFL-NotoSansSC.txt'));
  console.log(`${FONT_FILE}: ${chars.size} characters, ${subset.length} bytes (from ${source.length})`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
