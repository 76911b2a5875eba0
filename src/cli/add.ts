// `npm run add -- path/to/article.txt` (or `-` for standard input): check the article against the report in service
// and the articles already stored, then keep it in $DATA_DIR/articles/ under a stable name. A running bot takes it in
// within a second (it watches that folder); otherwise the next start does.
import { config as loadDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseConfig } from '../config.ts';
import { localDateTime } from '../core/digest.ts';
import { deleteArticle, saveArticle } from '../live/folders.ts';
import { arrivalLines, prepareArticle } from '../live/incoming.ts';
import { ArticleRefused, MAX_ARTICLE_BYTES } from '../live/library.ts';
import { reportForCommand } from '../live/report-source.ts';
import { addedHtml, previewHtml, replacedLine } from '../render/living.ts';
import { htmlToPlain } from '../render/replies.ts';

export const ADD_USAGE = 'usage: npm run add -- [--preview] path/to/article.{txt,html,md}   (or - to read the article from standard input; --preview shows what would be added and adds nothing)';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.from(chunk as Uint8Array);
    size += b.length;
    // Stop reading far past the limit: the size check below refuses it with the reason.
    if (size > MAX_ARTICLE_BYTES * 2) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

async function main(argv: string[]): Promise<number> {
  const preview = argv.includes('--preview');
  const [path, ...rest] = argv.filter((a) => a !== '--preview');
  if (!path || rest.length > 0 || (path.startsWith('-') && path !== '-')) {
    process.stderr.write(`${ADD_USAGE}\n`);
    return 2;
  }
  loadDotenv({ quiet: true });
  const config = parseConfig(process.env);
  const bytes = path === '-' ? await readStdin() : readFileSync(path);
  const given = path === '-' ? undefined : basename(path);
  try {
    const prepared = prepareArticle({ bytes }, given, localDateTime(Date.now(), config.digest.timezone).date);
    // The report as the bots have it now (report.json, the folders, the shared list): a duplicate of any is refused.
    const source = await reportForCommand(config, { onListError: (err) => process.stderr.write(`add: could not read the shared list of articles (${(err as Error).message}); checked against report.json and the folders only\n`) });
    if (preview) {
      // What ingest understood, built off to the side: nothing is saved, searchable or alerted.
      const staged = source.library.stage(prepared.incoming);
      process.stdout.write(`${htmlToPlain(previewHtml(staged, arrivalLines(prepared)))}\n\npreview only: nothing was added. Run the same command without --preview to publish it.\n`);
      return 0;
    }
    const added = source.library.add(prepared.incoming);
    const saved = saveArticle(config.dataDir, prepared.incoming.source, added.text, prepared.provenance);
    // The earlier version's file goes, so no restart takes it in again (a running bot also takes it off the shared list).
    if (added.replaced && added.replaced.source !== added.article.source) deleteArticle(config.dataDir, added.replaced.source);
    process.stdout.write(`${htmlToPlain(addedHtml(added.article, added.sections, added.warnings, [...arrivalLines(prepared), ...replacedLine(added.replaced)]))}\n\nsaved ${saved}; a running bot takes it in within a second, otherwise the next start does.\n`);
    return 0;
  } catch (err) {
    if (err instanceof ArticleRefused) {
      process.stderr.write(`not added: ${err.source}: ${err.reason}\n`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`add failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
