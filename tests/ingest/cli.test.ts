import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReportFile } from '../../src/ingest/files.ts';

const work = mkdtempSync(join(tmpdir(), 'ingest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ingest = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/ingest/cli.ts', '--data-dir', work, ...args], { encoding: 'utf8' });

describe('npm run ingest', () => {
  it('writes the same bytes every time', () => {
    expect(renderReportFile('data')).toBe(renderReportFile('data'));
  });

  it('writes report.json, then --check passes, and fails with a clear message once the file is edited', () => {
    cpSync('data', work, { recursive: true });
    rmSync(join(work, 'report.json'));
    expect(ingest('--check').status).toBe(1);

    const wrote = ingest();
    expect(wrote.status).toBe(0);
    expect(readFileSync(join(work, 'report.json'), 'utf8')).toBe(readFileSync('data/report.json', 'utf8'));
    expect(ingest('--check').status).toBe(0);

    writeFileSync(join(work, 'report.json'), readFileSync(join(work, 'report.json'), 'utf8').replace('潼南', '潼北'));
    const stale = ingest('--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/out of date.*npm run ingest/);
    // Four real ingest processes: generous on a loaded machine.
  }, 60_000);

  it('fails naming the problem when there is nothing to ingest', () => {
    rmSync(join(work, 'raw'), { recursive: true, force: true });
    const r = ingest();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ingest failed');
  });
});
