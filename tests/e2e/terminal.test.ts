import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnBot } from './harness.ts';

describe('npm start without a token', () => {
  it('answers piped commands as plain text and exits 0 at end of input', async () => {
    const bot = spawnBot({}, '/district 潼南\n/about\n<b>&x</i> 😀\u0007\n/weather\n');
    expect(await bot.exited).toBe(0);
    const out = bot.stdout();
    expect(out).toContain('潼南区');
    expect(out).toContain('2022-06-03-cqrb-party-congress-reactions.txt');
    expect(out).toContain('不认识的命令 /weather');
    // The user's own markup is echoed literally; the bot adds none.
    expect(out).toContain('<b>&x</i>');
    expect(out).not.toMatch(/<\/?(code|blockquote)>|&lt;|&amp;/);
    expect(bot.stderr()).toBe('');
  });
});

describe('Start-up checks', () => {
  it('refuses a bad variable, naming it, with exit code 1', async () => {
    const bot = spawnBot({ PORT: 'eighty', TELEGRAM_API_ROOT: 'nope' });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('PORT');
    expect(bot.stderr()).toContain('TELEGRAM_API_ROOT');
  });

  it('refuses an invalid report, naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-bot-'));
    try {
      const path = join(dir, 'report.json');
      writeFileSync(path, JSON.stringify({ title: '', articles: [], sections: [] }));
      const bot = spawnBot({ REPORT_PATH: path }, '');
      expect(await bot.exited).toBe(1);
      expect(bot.stderr()).toContain(path);
      expect(bot.stderr()).toContain('title');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('The terminal chat keeps stdout for the conversation', () => {
  it('with nothing on stdin and no terminal, says how to use it (on stderr) and exits 1 instead of exiting in silence', async () => {
    const bot = spawnBot({}, '');
    expect(await bot.exited).toBe(1);
    expect(bot.stdout()).toBe('');
    expect(bot.stderr()).toContain('TELEGRAM_BOT_TOKEN');
    expect(bot.stderr()).toContain("echo '/district 潼南' | npm start");
  });

  it('an article taken in at start is logged on stderr, never between the answers on stdout', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-terminal-'));
    try {
      mkdirSync(join(dataDir, 'articles'));
      copyFileSync('tests/fixtures/raw/2030-01-15-invented-river-towns.txt', join(dataDir, 'articles', '2030-01-15-invented-river-towns.txt'));
      const bot = spawnBot({ DATA_DIR: dataDir }, '/about\n');
      expect(await bot.exited).toBe(0);
      expect(bot.stderr()).toContain('"msg":"article added"');
      expect(bot.stdout()).not.toContain('{"level"');
      expect(bot.stdout().trim()).not.toBe(''); // the /about answer itself
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
