import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/core/report.ts';
import { fileKey, readJsonFile } from '../src/read-json.ts';

const dir = mkdtempSync(join(tmpdir(), 'report-bot-read-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileKey: which version of a data file a start reads', () => {
  it('stays while the file is untouched, and changes when it is rewritten, even to the same size', () => {
    const path = join(dir, 'report.json');
    writeFileSync(path, '{"a":1}');
    utimesSync(path, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    const before = fileKey(path);
    expect(fileKey(path)).toBe(before);
    writeFileSync(path, '{"a":2}');
    expect(fileKey(path)).not.toBe(before);
  });

  it('tells two copies of one file apart by their place', () => {
    writeFileSync(join(dir, 'one.json'), '{}');
    writeFileSync(join(dir, 'two.json'), '{}');
    const when = new Date('2030-01-01T00:00:00Z');
    utimesSync(join(dir, 'one.json'), when, when);
    utimesSync(join(dir, 'two.json'), when, when);
    expect(fileKey(join(dir, 'one.json'))).not.toBe(fileKey(join(dir, 'two.json')));
  });
});

describe('readJsonFile', () => {
  it('validates a report the build did not validate (not this file), naming the field', () => {
    const path = join(dir, 'bad-report.json');
    writeFileSync(path, JSON.stringify({ title: '', articles: [], sections: [] }));
    expect(() => readJsonFile(path, ReportSchema, '', 'report')).toThrow(/bad-report\.json[\s\S]*title/);
  });
});
