import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SearchCommand } from '../../src/core/answer.ts';
import { runConsoleChat } from '../../src/console/chat.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { REPORT, scriptedEngine } from '../bot/support.ts';

async function chat(lines: string[], interactive = false, digestPreview?: () => string): Promise<{ out: string; errors: string; answered: number; calls: unknown[] }> {
  const calls: Array<[SearchCommand, string]> = [];
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let out = '';
  let errors = '';
  output.on('data', (c) => { out += String(c); });
  errorOutput.on('data', (c) => { errors += String(c); });
  const answered = await runConsoleChat({
    engine: scriptedEngine(calls),
    report: REPORT,
    input: Readable.from([lines.join('\n')]),
    output,
    interactive,
    ...(digestPreview ? { digestPreview } : {}),
    errors: errorOutput,
  });
  return { out, errors, answered, calls };
}

describe('The terminal chat', () => {
  it('answers each piped line as plain text and ends at EOF', async () => {
    const { out, answered, calls } = await chat(['/district 潼南', '', '新能源']);
    expect(answered).toBe(2);
    expect(calls).toEqual([['district', '潼南'], ['search', '新能源']]);
    expect(out).toContain('“潼南”：找到 1 条相关内容。');
    expect(out).not.toMatch(/<\/?[a-z]+>/);
    expect(out).not.toContain('> ');
  });

  it('answers /help, /about and unknown commands like the bot, without HTML', async () => {
    const { out } = await chat(['/help', '/about', '/weather']);
    expect(out).toContain('/district — 按区县查找报道内容');
    expect(out).toContain('例：/district 潼南');
    expect(out).toContain('共 2 个部分、2 位发言人、1 个数字');
    expect(out).toContain('不认识的命令 /weather');
  });

  it('shows today\'s digest for /digest, and explains that subscribing needs a Telegram chat', async () => {
    const { out } = await chat(['/digest', '/subscribe 07:30', '/unsubscribe'], false, () => '📰 每日摘要 · 2022-06-03');
    expect(out).toContain('📰 每日摘要 · 2022-06-03');
    expect(out.match(/订阅需要在 Telegram 中使用/g)).toHaveLength(2);
    expect(out).not.toContain('只能在 Telegram 中使用');
  });

  it('answers commands typed in full-width letters, and stops at a full-width ／ｑｕｉｔ', async () => {
    const { out, answered, calls } = await chat(['／ｄｉｓｔｒｉｃｔ 潼南', '／ｑｕｉｔ', '/search b']);
    expect(answered).toBe(1);
    expect(calls).toEqual([['district', '潼南']]);
    expect(out).toContain('“潼南”：找到 1 条相关内容。');
  });

  it('stops at /quit', async () => {
    const { answered } = await chat(['/search a', '/quit', '/search b']);
    expect(answered).toBe(1);
  });

  it('greets and prompts when interactive', async () => {
    const { out } = await chat(['/search a'], true);
    expect(out).toContain('试试这些命令');
    expect(out).toContain('> ');
  });

  it('reports a failing answer and keeps going, with the stack on the error stream it was given', async () => {
    const { out, errors, answered } = await chat(['/search boom', '/search ok']);
    expect(out).toContain('出错了，请稍后再试');
    expect(errors).toMatch(/^report-bot: Error: engine exploded/);
    expect(out).not.toContain('engine exploded');
    expect(out).toContain('“ok”：找到 1 条相关内容。');
    expect(answered).toBe(2);
  });
});

describe('The terminal chat and the living report', () => {
  it('answers /latest, which only reads the report, as in Telegram', async () => {
    const { report, engine } = loadEngine('data');
    const input = PassThrough.from(['/latest\n']);
    let out = '';
    const output = new PassThrough();
    output.on('data', (d: Buffer) => (out += d.toString()));
    await runConsoleChat({ engine, report, input, output, interactive: false });
    expect(out).toContain(report.articles[0]!.title);
    expect(out).not.toContain('只能在 Telegram 中使用');
  });
});
