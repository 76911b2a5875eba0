/**
 * Compiles the commands people run (`npm start`, `npm run ask`, `npm run broadcast`, `npm run add`, `npm run remove`) into dist/ with
 * esbuild: one bundle per command, dependencies left in node_modules. Plain node then starts them without compiling
 * TypeScript at every start (tsx stays for development and tests). Run by `npm install` (prepare) and, when src/ has
 * changed since, by `npm start` itself (scripts/fresh.mjs). Plain JavaScript so it runs before anything is built.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** Written last, so a build cut short is never taken for a finished one. */
const STAMP = join(DIST, '.built');

/** The commands, by the file name they get in dist/. */
const ENTRIES = {
  main: 'src/main.ts',
  ask: 'src/cli/ask.ts',
  broadcast: 'src/cli/broadcast.ts',
  add: 'src/cli/add.ts',
  remove: 'src/cli/remove.ts',
  // Not a command: `npm run bench:start` times loading the engine in the compiled code with it.
  'cold-start': 'bench/cold-start.ts',
};

/**
 * Dependencies loaded from node_modules at run time: native code (better-sqlite3, pg's optional pg-native, resvg), worker
 * files (pino), the lazily required dictionaries (src/core/normalize.ts, pinyin.ts), the map's renderer (loaded after start).
 */
const EXTERNAL = ['better-sqlite3', 'pg-native', 'pino', 'pino-*', 'thread-stream', 'opencc-js', 'pinyin-pro', '@resvg/resvg-js', 'echarts', 'fontkit'];

/**
 * zod's `z.locales` (error messages in 40-odd languages, 400 KB: a third of what `npm run ask` compiled at start) is
 * never used here; zod itself only imports its English messages (v4/locales/en.js, kept). So `z.locales` holds `en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({ contents: "export { default as en } from 'zod/v4/locales/en.js';", resolveDir: ROOT }));
  },
};

/** Newest modification time among the files a build reads (src/, the build script, tsconfig.json, package.json). */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'scripts/build.mjs', 'scripts/derive.ts', 'tsconfig.json', 'package.json', 'data/report.json', 'data/chongqing-divisions.json', 'data/china-divisions.json', 'data/place-aliases.json']) {
    try {
      visit(join(ROOT, p));
    } catch {
      // An optional data file that is absent.
    }
  }
  return newest;
}

/** True when dist/ is missing or older than something it is built from. */
export function isStale() {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return newestInput() > built;
}

/** Build dist/; throws when esbuild is not installed (`npm install --omit=dev`) or the code does not compile. */
export async function build() {
  const esbuild = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  const derived = await derive(esbuild);
  // Built over the old files, not into an emptied dist/: a command starting meanwhile (or a second build racing
  // this one) never finds an entry missing. Chunks are named by content, so the old ones are removed afterwards.
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    bundle: true,
    // Shared modules go in chunks loaded once, not copied into every command.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies are bundled too: resolving and compiling hundreds of small files in node_modules took longer than
    // the bot's own start. Left out: native modules and those that load files of their own at run time.
    external: EXTERNAL,
    // CommonJS dependencies call require() for Node's modules; an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Chinese text as itself, not \u escapes: fewer bytes to read and scan at every start (3.4 → 3.1 MB).
    charset: 'utf8',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
    // Derived data computed once here instead of at every start (src/core/derived.ts).
    define: { __REPORT_BOT_DERIVED__: JSON.stringify(derived.derived) },
    plugins: [zodEnglishOnly],
  });
  // The national division rows, read by the compiled code only when a query needs them (src/core/derived.ts).
  const divisionsFile = join(DIST, 'divisions.json');
  writeFileSync(divisionsFile, derived.divisions);
  const outputs = new Set([...Object.keys(result.metafile.outputs).map((p) => join(ROOT, p)), divisionsFile]);
  for (const name of readdirSync(DIST)) {
    const path = join(DIST, name);
    if (name !== '.built' && !outputs.has(path)) rmSync(path, { force: true });
  }
  // The package's "type": "module" covers dist/ too; the stamp says the build finished.
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  // esbuild keeps a service process for further builds; a build is one-off here.
  await esbuild.stop?.();
}

/** Run scripts/derive.ts (bundled to a temporary file, then run by node) and return the two JSON texts it prints (the derived data, the division rows). */
async function derive(esbuild) {
  const script = join(DIST, '.derive.mjs');
  await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['scripts/derive.ts'], outfile: script, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
  try {
    const [derived = '{}', divisions = 'null'] = execFileSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] }).split('\n');
    return { derived, divisions };
  } finally {
    rmSync(script, { force: true });
  }
}

/** `node scripts/build.mjs`: build. When esbuild is missing (dev dependencies left out), say how to get dist/ and exit 0, so `npm install --omit=dev` itself succeeds. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await build();
  } catch (err) {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('report-bot: esbuild is not installed (dev dependencies left out), so dist/ was not built; build it where they are (npm install && npm run build) and copy dist/ along.\n');
    } else {
      process.stderr.write(`report-bot: build failed: ${err?.message ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
