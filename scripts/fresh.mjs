/**
 * Loaded with `node --import ./scripts/fresh.mjs dist/<command>.js` by the npm scripts: rebuilds dist/ first when
 * src/ changed since the last build (or it was never built), in the same process, so `npm start` after an edit runs
 * the edit, and a signal to the process npm started reaches the bot itself (no wrapper process in between).
 */
import { build, isStale } from './build.mjs';

if (isStale()) {
  try {
    await build();
  } catch (err) {
    const missing = err && err.code === 'ERR_MODULE_NOT_FOUND';
    process.stderr.write(missing
      ? 'report-bot: dist/ is missing or older than src/, and esbuild (a dev dependency) is not installed to rebuild it: run `npm install` then `npm run build`.\n'
      : `report-bot: could not build dist/: ${err?.message ?? String(err)}\n`);
    process.exit(1);
  }
}
