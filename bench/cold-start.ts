// Compiled into dist/cold-start.js by scripts/build.mjs, for `npm run bench:start`: the milliseconds loadEngine takes
// in a fresh process of the compiled code (report, gazetteers, indexes), as `npm start` pays them; then, on a second
// number, what the first query outside Chongqing adds (the national divisions, read and folded on first need).
import { loadEngine } from '../src/load-engine.ts';

const t0 = performance.now();
const { engine } = loadEngine('data');
const t1 = performance.now();
engine.answer('district', '成都');
process.stdout.write(`${t1 - t0} ${performance.now() - t1}\n`);
