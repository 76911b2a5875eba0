/**
 * One report in service for every entry point: an article added with `npm run add` is answered by `npm run ask`,
 * by the terminal chat, and brought by `npm run broadcast` (dry run and real: the README's cron path), on SQLite;
 * with PostgreSQL, an article another instance put on the shared list (in no folder here) is brought too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { broadcast, parseBroadcastArgs } from '../../src/cli/broadcast.ts';
import { parseConfig } from '../../src/config.ts';
import { reportInService } from '../../src/live/report-source.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteSubscriptionStore } from '../../src/store/sqlite.ts';
import { subscriber } from '../../src/store/types.ts';
import { virtualClock } from '../digest/clock.ts';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { dropSchema, freshSchema, probePostgres, skipLine } from '../support/postgres.ts';

const run = promisify(execFile);
const ARTICLE = 'tests/fixtures/raw/2030-01-15-invented-river-towns.txt';
const ARTICLE_ID = '2030-01-15-invented-river-towns';
const AT = '2030-01-16T08:00:00+08:00';
const BLANK = { TELEGRAM_BOT_TOKEN: '', TELEGRAM_API_ROOT: '', DATABASE_URL: '', REPORT_PATH: '', BOT_ADMINS: '', LOG_LEVEL: 'silent' };

let dataDir: string;
let api: FakeBotApi | undefined;

function cli(script: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const child = run(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...BLANK, DATA_DIR: dataDir, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (input !== undefined) child.child.stdin?.end(input);
  return child;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'report-bot-entry-'));
  // One private chat subscribed before the article came, with the seed's sections already had for a day.
  const store = new SqliteSubscriptionStore({ dataDir });
  await store.subscribe({ chatId: 77, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: null }, 0);
  await store.close();
  const added = await cli('src/cli/add.ts', [ARTICLE]);
  expect(added.stdout).toContain('已收录');
}, 90_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('After `npm run add` of an article about 綦江', () => {
  it('`npm run ask` answers from it', async () => {
    const { stdout } = await cli('src/cli/ask.ts', ['--json', '/district 綦江']);
    const answer = JSON.parse(stdout) as { status: string; results: Array<{ sectionId: string }> };
    expect(answer.status).toBe('ok');
    expect(answer.results[0]?.sectionId).toMatch(new RegExp(`^${ARTICLE_ID}-`));
  }, 60_000);

  it('the terminal chat (`npm start` without a token) answers from it', async () => {
    const { stdout } = await cli('src/main.ts', [], {}, '/district 綦江\n');
    expect(stdout).toContain('守护一江碧水');
  }, 60_000);

  it('`npm run broadcast -- --dry-run` would bring a section of the new article', async () => {
    const { stdout } = await cli('src/cli/broadcast.ts', ['--dry-run', '--at', AT]);
    expect(stdout).toMatch(new RegExp(`chat 77 .*→ 2030-01-16 ${ARTICLE_ID}-`));
  }, 60_000);

  it('`npm run broadcast` (the cron path) sends it, and the ledger row names the new section', async () => {
    api = await FakeBotApi.start({ strictHtml: true });
    const { stdout } = await cli('src/cli/broadcast.ts', ['--at', AT, '--quiet'], { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    expect(stdout).toContain('broadcast OK');
    expect(api.sentTexts('77').join('\n')).toContain('守护一江碧水');
    const store = new SqliteSubscriptionStore({ dataDir });
    expect((await store.delivery(subscriber(77), '2030-01-16'))?.sectionId).toMatch(new RegExp(`^${ARTICLE_ID}-`));
    await store.close();
  }, 60_000);
});

const probe = await probePostgres();
describe.skipIf(!probe.url)('With PostgreSQL, an article another instance put on the shared list', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(probe.url!, s);
  });

  it('is in the report a broadcast sends from, although no folder here has it', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = await PostgresStore.open({ connectionString: probe.url!, schema });
    try {
      await store.publishArticle(`${ARTICLE_ID}.txt`, readFileSync(ARTICLE, 'utf8'), Date.parse('2030-01-15T02:00:00Z'));
      await store.subscribe({ chatId: 78, chatType: 'private', minutes: 480, timezone: 'Asia/Shanghai', filter: { kind: 'district', id: '綦江区', label: '綦江区' } }, 0);
      const empty = mkdtempSync(join(tmpdir(), 'report-bot-entry-pg-'));
      try {
        const source = await reportInService({ reportPath: 'data/report.json', stateDir: empty, store });
        const { report } = source.current();
        expect(report.articles.map((a) => a.id)).toContain(ARTICLE_ID);
        const out: string[] = [];
        await broadcast({ config: parseConfig({}), report, store, clock: virtualClock(AT), args: parseBroadcastArgs(['--dry-run', '--at', AT]), out: (l) => out.push(l) });
        expect(out.find((l) => l.startsWith('chat 78'))).toMatch(new RegExp(`→ 2030-01-16 ${ARTICLE_ID}-`));
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    } finally {
      await store.close();
    }
  }, 60_000);
});
if (!probe.url) console.log(skipLine('the shared-list entry-point test', probe));
