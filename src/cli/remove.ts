// `npm run remove -- <file name or article id>`: take an added article out of service everywhere, as the undo button
// does: withdrawn on the store's shared list (every running instance takes it out within a few seconds, and no
// restart brings it back) and its file deleted from $DATA_DIR/articles/. Articles built into data/report.json are
// the editors' to remove (data/raw/ and `npm run ingest`).
import { config as loadDotenv } from 'dotenv';
import { pathToFileURL } from 'node:url';
import { parseConfig, type Config } from '../config.ts';
import { deleteArticle } from '../live/folders.ts';
import { reportInService } from '../live/report-source.ts';
import { openStore } from '../store/open.ts';
import type { SubscriptionStore } from '../store/types.ts';

export const REMOVE_USAGE = 'usage: npm run remove -- <file name or article id>   (as /latest and npm run add show them, e.g. 2030-01-15-river-towns.txt)';

export interface RemoveDeps {
  config: Pick<Config, 'reportPath' | 'dataDir'>;
  store: Pick<SubscriptionStore, 'publishArticle' | 'withdrawArticle' | 'sharedArticles' | 'sharedArticleText'>;
  /** File name (`2030-01-15-x.txt`, with or without `.txt`) or article id. */
  name: string;
  now: number;
}

/** Take the named article out; resolves to the line to print, or rejects with the reason (nothing changed). */
export async function removeArticle(deps: RemoveDeps): Promise<string> {
  const { config, store, name, now } = deps;
  const source = await reportInService({ reportPath: config.reportPath, stateDir: config.dataDir, store });
  const wanted = name.trim();
  const article = source.current().report.articles.find((a) => a.source === wanted || a.id === wanted || a.source === `${wanted}.txt`);
  if (!article) throw new Error(`no article "${wanted}" in service (see /latest, or the file names in ${config.dataDir}/articles/)`);
  if (article.addedAt === undefined) throw new Error(`${article.source} is built into ${config.reportPath}: delete it from data/raw/ and run npm run ingest`);
  const listed = (await store.sharedArticles()).find((a) => a.source === article.source);
  if (!listed || listed.withdrawnAt !== null) {
    // Not on the list yet (added with no bot running): put it there to withdraw it, so running instances hear of it.
    const text = source.library.textOf(article.source);
    if (text !== null) await store.publishArticle(article.source, text, Date.parse(article.addedAt));
  }
  await store.withdrawArticle(article.source, Math.max(now, Date.parse(article.addedAt)));
  const deleted = deleteArticle(config.dataDir, article.source);
  return `removed ${article.source} (《${article.title}》)${deleted ? ', file deleted' : ''}; running bots take it out within a few seconds`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || rest.length > 0 || name.startsWith('-')) {
    process.stderr.write(`${REMOVE_USAGE}\n`);
    return 2;
  }
  loadDotenv({ quiet: true });
  const config = parseConfig(process.env);
  const { store } = await openStore(config);
  try {
    process.stdout.write(`${await removeArticle({ config, store, name, now: Date.now() })}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`not removed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`remove failed: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
