/**
 * What people run is compiled (dist/, with data derived at build time: folding, pinyin, the national divisions, the
 * data files validated once); tests run the sources under tsx, which derive everything at start. The two must answer
 * alike: the same commands through `npm run ask` and through the sources give the same answers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BLANK_ENV, ROOT } from './harness.ts';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-compiled-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...BLANK_ENV, LOG_LEVEL: 'silent', DATA_DIR: dataDir };

// A Chongqing district, places outside Chongqing by name and pinyin (the national index, built at build time and
// loaded on first need), a typo, traditional characters, emoji (graphemes), and each other command.
const COMMANDS = ['/district 潼南', '/district 成都', '/district chengdu', '/district 江苏省南京市鼓楼区', '/district 潼楠', '/district 沙坪壩', '/search 👨‍👩‍👧 柠檬', '/topic 就业', '/person 刘明', '/figures 42%', '/search 乡村振兴'];

async function answers(command: string[]): Promise<unknown[]> {
  const { stdout } = await run(command[0]!, [...command.slice(1), '--json', ...COMMANDS], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('The compiled `npm run ask` and the sources', () => {
  it('give the same answers, outside Chongqing included', async () => {
    const compiled = await answers(['npm', 'run', '--silent', 'ask', '--']);
    const sources = await answers([process.execPath, '--import', 'tsx', 'src/cli/ask.ts']);
    expect(compiled).toHaveLength(COMMANDS.length);
    expect(compiled).toEqual(sources);
    expect(JSON.stringify(compiled[1])).toContain('四川省成都市');
    expect(JSON.stringify(compiled[2])).toContain('四川省成都市');
  }, 180_000);
});
