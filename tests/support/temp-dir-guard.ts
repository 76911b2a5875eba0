/**
 * vitest globalSetup: every test (and every process a test spawns) writes temporary files under one fresh
 * directory, and the run fails if anything is left there: tests clean up after themselves.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'report-bot-tests-'));
  // tsx's compile cache (`tsx-<uid>`) stays where it was, so spawned bots do not recompile every run.
  const tsxCache = `tsx-${userInfo().uid}`;
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
  symlinkSync(join(tmpdir(), tsxCache), join(dir, tsxCache));
  // os.tmpdir() reads TMPDIR on each call; workers and spawned bots inherit it.
  process.env['TMPDIR'] = dir;
  return () => {
    const left = readdirSync(dir).filter((name) => name !== tsxCache);
    rmSync(dir, { recursive: true, force: true });
    if (left.length === 0) return;
    // A throw here is only logged by vitest: the exit code is what CI sees.
    process.exitCode = 1;
    throw new Error(`tests left ${left.length} temporary file(s) behind: ${left.join(', ')}`);
  };
}
