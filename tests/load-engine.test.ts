import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/load-engine.ts';

const dirs: string[] = [];

/** A data directory with the real report and gazetteer, and whatever else a test writes into it. */
function setup(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-bot-engine-'));
  dirs.push(dir);
  copyFileSync('data/report.json', join(dir, 'report.json'));
  copyFileSync('data/chongqing-divisions.json', join(dir, 'chongqing-divisions.json'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadEngine', () => {
  it('works without place aliases: districts still resolve, landmarks do not', () => {
    const { engine } = loadEngine(setup());
    expect(engine.answer('district', '潼南').status).toBe('ok');
    expect(engine.answer('district', '洪崖洞').status).toBe('no_match');
  });

  it('uses the landmarks in place-aliases.json', () => {
    const aliases = JSON.stringify({ aliases: [{ name: '仙女山', district: '武隆区' }] });
    const { engine } = loadEngine(setup({ 'place-aliases.json': aliases }));
    expect(engine.answer('district', '仙女山').resolved).toMatchObject({ kind: 'landmark', label: '仙女山（武隆区）' });
  });

  it('refuses a malformed alias file, naming the file and the field', () => {
    const dir = setup({ 'place-aliases.json': JSON.stringify({ aliases: [{ name: '' }] }) });
    expect(() => loadEngine(dir)).toThrow(/place-aliases\.json[\s\S]*aliases\[0\]\.name/);
  });

  it('refuses a gazetteer that is not JSON, naming the file', () => {
    const dir = setup({ 'chongqing-divisions.json': '{ not json' });
    expect(() => loadEngine(dir)).toThrow(/chongqing-divisions\.json is not valid JSON/);
  });
});
