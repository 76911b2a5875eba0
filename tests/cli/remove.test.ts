/**
 * `npm run remove`: an added article taken out by name, across instances (a running bot on the same store takes it
 * out at its next look at the shared list) and for good (a restart does not bring it back).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeArticle } from '../../src/cli/remove.ts';
import { articlesDir, saveArticle } from '../../src/live/folders.ts';
import { ReportSource } from '../../src/live/report-source.ts';
import { SqliteSubscriptionStore } from '../../src/store/sqlite.ts';

const SOURCE = '2030-01-15-invented-river-towns.txt';
const ARTICLE = readFileSync(`tests/fixtures/raw/${SOURCE}`, 'utf8');
const dirs: string[] = [];
const stores: SqliteSubscriptionStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A bot as main.ts starts it: the report source over DATA_DIR, following the store's shared list. */
async function runningBot(dataDir: string, store: SqliteSubscriptionStore) {
  const source = ReportSource.open({ stateDir: dataDir });
  source.syncFolders();
  const mirror = source.follow(store);
  await mirror.pull();
  return { source, mirror, has: () => source.library.has(SOURCE) };
}

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-bot-remove-'));
  dirs.push(dataDir);
  const store = new SqliteSubscriptionStore({ dataDir });
  stores.push(store);
  saveArticle(dataDir, SOURCE, ARTICLE);
  return { dataDir, store, config: { reportPath: 'data/report.json', dataDir } };
}

describe('npm run remove', () => {
  it('takes an article added with no bot running out of a bot that runs, and a restart does not bring it back', async () => {
    const { dataDir, store, config } = setup();
    const bot = await runningBot(dataDir, store);
    expect(bot.has()).toBe(true);
    const line = await removeArticle({ config, store, name: SOURCE, now: Date.now() });
    expect(line).toContain('removed 2030-01-15-invented-river-towns.txt');
    expect(existsSync(join(articlesDir(dataDir), SOURCE))).toBe(false);
    await bot.mirror.pull();
    expect(bot.has()).toBe(false);
    expect(bot.source.current().engine.answer('district', '綦江').results).toEqual([]);
    expect((await runningBot(dataDir, store)).has()).toBe(false);
  });

  it('finds the article by its id too, and refuses one built into report.json with what to do instead', async () => {
    const { store, config } = setup();
    await expect(removeArticle({ config, store, name: '2030-01-15-invented-river-towns', now: Date.now() })).resolves.toContain('removed');
    await expect(removeArticle({ config, store, name: '2022-06-03-cqrb-party-congress-reactions.txt', now: Date.now() })).rejects.toThrow(/data\/raw.*npm run ingest/u);
    await expect(removeArticle({ config, store, name: 'no-such.txt', now: Date.now() })).rejects.toThrow(/no article/u);
  });
});
