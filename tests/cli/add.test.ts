/**
 * `npm run add` with the files editors have: a page saved from a news site previewed (`--preview` adds nothing),
 * then added; an impossible date and a PDF refused with exit code 1 and the reason.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PAGE = 'tests/fixtures/formats/2030-03-05-page.html';
let dataDir: string;

function add(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/add.ts', ...args], {
    env: { ...process.env, TELEGRAM_BOT_TOKEN: '', DATABASE_URL: '', REPORT_PATH: '', DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  }).then((r) => ({ code: 0, ...r }), (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }));
}
const stored = () => (existsSync(join(dataDir, 'articles')) ? readdirSync(join(dataDir, 'articles')).sort() : []);

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'report-bot-add-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run add', () => {
  it('--preview shows what the page would become and adds nothing; without it the clean text is stored with its source', async () => {
    const preview = await add(['--preview', PAGE]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('预览：尚未发布');
    expect(preview.stdout).toContain('标题：《黔江榨菜喜获丰收 带动农户增收》');
    expect(preview.stdout).toContain('格式：HTML 网页，已转换为文本');
    expect(stored()).toEqual([]);

    const added = await add([PAGE]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('已收录：《黔江榨菜喜获丰收 带动农户增收》（2030-03-05）');
    expect(stored()).toEqual(['2030-03-05-page.source.json', '2030-03-05-page.txt']);
    const text = readFileSync(join(dataDir, 'articles', '2030-03-05-page.txt'), 'utf8');
    expect(text.startsWith('黔江榨菜喜获丰收 带动农户增收\n\n')).toBe(true);
    expect(text).not.toMatch(/[<>]|tracker/u);
    expect(JSON.parse(readFileSync(join(dataDir, 'articles', '2030-03-05-page.source.json'), 'utf8'))).toMatchObject({ file: '2030-03-05-page.html', format: 'html', url: 'https://news.example.cn/2030/0305/qianjiang.html', date: '2030-03-05', dateFrom: 'metadata' });
  }, 120_000);

  it('refuses an impossible date and a PDF with exit code 1 and the reason', async () => {
    const bad = join(dataDir, '2025-13-45-x.txt');
    writeFileSync(bad, readFileSync('tests/fixtures/formats/qianjiang.txt'));
    const impossible = await add([bad]);
    expect(impossible.code).toBe(1);
    expect(impossible.stderr).toMatch(/2025-13-45 不存在/u);
    const pdf = join(dataDir, 'report.pdf');
    writeFileSync(pdf, `%PDF-1.7\n${'x'.repeat(200)}`);
    const refused = await add([pdf]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/PDF.*\.txt.*\.html.*\.md/u);
  }, 120_000);
});
