// The /map picture's cost: `npm run bench:map [-- --json]` alone, and part of `npm run bench`.
// - map_cold_render_ms: the first picture drawn in a process (JIT cold; the bot pays it at start-up, warm()).
// - map_first_render_ms: the first picture of a new report snapshot or filter in a running bot (median of 5 new maps).
// - map_repeat_ms: a repeat /map sent by its kept file_id, the whole update through the bot's middleware with a
//   Bot API that answers at once, i.e. our own time only (median and p99 of 200).
import { Writable } from 'node:stream';
import { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createBot } from '../src/bot/bot.ts';
import { mapComposer } from '../src/bot/map.ts';
import { PageCache } from '../src/bot/pages.ts';
import { GazetteerSchema } from '../src/core/gazetteer.ts';
import { buildMapSpec, mapKey } from '../src/core/map.ts';
import { loadEngine } from '../src/load-engine.ts';
import { createLogger } from '../src/logger.ts';
import { readJsonFile } from '../src/read-json.ts';
import { createMapRenderer, MAP_RENDER_VERSION } from '../src/render/map-png.ts';
import { MemorySubscriptionStore } from '../src/store/memory.ts';

export interface MapBench {
  map_load_ms: number;
  map_cold_render_ms: number;
  map_first_render_ms: number;
  map_png_kb: number;
  map_repeat_ms: number;
  map_repeat_p99_ms: number;
}

const round = (n: number) => Math.round(n * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1] ?? NaN;

export async function runMapBench(dataDir = 'data'): Promise<MapBench> {
  const districts = readJsonFile(`${dataDir}/chongqing-divisions.json`, GazetteerSchema).divisions.filter((d) => d.level === 'county');
  const names = districts.map((d) => d.name);
  const { report, engine } = loadEngine(dataDir);
  let t = performance.now();
  const renderer = createMapRenderer({ dataDir });
  const loadMs = performance.now() - t;

  const whole = buildMapSpec(report, names, null);
  const cold = renderer.render(whole);
  // New maps in a warm process: the same report under other filters (each a picture never drawn before).
  const firsts: number[] = [];
  for (const topic of report.topics.slice(0, 5)) {
    t = performance.now();
    renderer.render(buildMapSpec(report, names, { kind: 'topic', id: topic.id, label: topic.name }));
    firsts.push(performance.now() - t);
  }

  // A repeat by file_id: the key already has one, Telegram answers instantly.
  const files = new MemorySubscriptionStore();
  await files.putFileId(mapKey(whole, MAP_RENDER_VERSION), 'AgACAgIAAxkBAAIBenchFileId', Date.now());
  const logger = createLogger({ level: 'silent', token: null, destination: new Writable({ write: (_c, _e, done) => done() }) });
  let rendersDuringRepeats = 0;
  const bot = createBot({
    token: '1:bench',
    apiRoot: null,
    logger,
    features: [mapComposer({ report, engine, districts, render: (spec) => { rendersDuringRepeats++; return renderer.render(spec); }, renderVersion: MAP_RENDER_VERSION, files, pages: new PageCache(), logger, now: () => Date.now() })],
    flood: { hit: async () => 'allow' as const },
  });
  bot.botInfo = { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true, can_connect_to_business: false, has_main_web_app: false } as never;
  // Telegram answering at once (telegraf makes a Telegram client per update, so the prototype is stubbed).
  const callApi = Telegram.prototype.callApi;
  Telegram.prototype.callApi = (async () => ({ message_id: 1, date: 0, chat: { id: 42, type: 'private' }, photo: [{ file_id: 'AgACAgIAAxkBAAIBenchFileId', file_unique_id: 'u', width: 1280, height: 1120 }] })) as never;
  const repeats: number[] = [];
  for (let i = 0; i < 220; i++) {
    const update = { update_id: i + 1, message: { message_id: i + 1, date: 0, chat: { id: 42, type: 'private', first_name: 'u' }, from: { id: 42, is_bot: false, first_name: 'u' }, text: '/map' } } as unknown as Update;
    t = performance.now();
    await bot.handleUpdate(update);
    if (i >= 20) repeats.push(performance.now() - t); // the first few warm the handler up
  }
  Telegram.prototype.callApi = callApi;
  if (rendersDuringRepeats > 0) throw new Error('a repeat /map rendered instead of sending by file_id');

  return {
    map_load_ms: round(loadMs),
    map_cold_render_ms: round(cold.ms),
    map_first_render_ms: round(median(firsts)),
    map_png_kb: Math.round(cold.png.length / 1024),
    map_repeat_ms: round(median(repeats)),
    map_repeat_p99_ms: round(p99(repeats)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runMapBench();
  const targets: Record<string, [string, boolean]> = {
    map_first_render_ms: ['≤ 500', result.map_first_render_ms <= 500],
    map_png_kb: ['< 300', result.map_png_kb < 300],
    map_repeat_ms: ['≤ 5', result.map_repeat_ms <= 5],
  };
  for (const [k, v] of Object.entries(result)) {
    const target = targets[k];
    process.stdout.write(`${k.padEnd(24)} ${String(v).padStart(10)}  ${target ? `${target[0].padEnd(6)} ${target[1] ? 'ok' : 'MISSED'}` : ''}\n`);
  }
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
}
