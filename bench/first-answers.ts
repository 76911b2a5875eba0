// The first answers of a fresh process without the bot's warm-up: bench/search.ts runs this in a child process and
// prints its uncached p99 beside its own (taken after the warm-up). Same queries, rounds and order as there.
import { createEngine } from '../src/core/engine.ts';
import { loadEngine } from '../src/load-engine.ts';
import { dataDir, engineData, gc, measuredReport, percentile, timeQueries } from './common.ts';

const { report: shipped, engine: shippedEngine } = loadEngine(dataDir);
const report = measuredReport(shipped);
const { gazetteer, placeAliases } = engineData();
const engine = report === shipped ? shippedEngine : createEngine(report, gazetteer, { placeAliases });
const uncached = createEngine(report, gazetteer, { placeAliases, answerCacheSize: 0 });
// As bench/search.ts does before its uncached figure, minus the warm-up: the answers as served, then uncached.
timeQueries((c, q) => engine.answer(c, q), 50);
gc();
const times = timeQueries((c, q) => uncached.answer(c, q), 50);
const p99 = Math.round(percentile(times, 99) * 1000) / 1000;
process.stdout.write(`${JSON.stringify({ p99_ms: p99, over_0_5_ms: `${times.filter((t) => t > 0.5).length} of ${times.length}` })}\n`);
