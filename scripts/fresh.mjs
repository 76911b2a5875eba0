/**
 * Loaded with `node --import ./scripts/fresh.mjs dist/<command>.js` by the npm scripts: rebuilds dist/ first when
 * src/ changed since the last build (or it was never built), in the same process, so `npm start` after an edit runs
 * the edit, and a signal to the process npm started reaches the bot itself (no wrapper process in between).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, DIST, isStale } from './build.mjs';

if (isStale()) {
  try {
    await build();
  } catch (err) {
    const missing = err && err.code === 'ERR_MODULE_NOT_FOUND';
    if (missing && existsSync(join(DIST, '.built'))) {
      // A production install without dev dependencies, whose files' times say src/ is newer (copied after dist/):
      // run what was built rather than refuse to start.
      process.stderr.write('report-bot: src/ looks newer than dist/, but esbuild (a dev dependency) is not installed to rebuild it; running dist/ as built.\n');
    } else {
      process.stderr.write(missing
        ? 'report-bot: dist/ is missing, and esbuild (a dev dependency) is not installed to build it: run `npm install` then `npm run build`.\n'
        : `report-bot: could not build dist/: ${err?.message ?? String(err)}\n`);
      process.exit(1);
    }
  }
}
