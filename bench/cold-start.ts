// Compiled into dist/cold-start.js by scripts/build.mjs, for `npm run bench:start`: the milliseconds loadEngine takes
// in a fresh process of the compiled code (report, gazetteers, national divisions, indexes), as `npm start` pays them.
import { loadEngine } from '../src/load-engine.ts';

const t0 = performance.now();
loadEngine('data');
process.stdout.write(`${performance.now() - t0}\n`);
