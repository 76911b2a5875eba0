// An article as it arrives from `npm run add` or an admin (a file of any accepted form, or pasted text) → what the
// library takes in: the clean text, its date (read from the article, the file name a hint), the name it is kept under.
import { chooseDate, DATE_FROM_TEXT, ImpossibleDate, type DateChoice } from '../ingest/dates.ts';
import type { Converted } from '../ingest/formats.ts';
import { stableArticleName, type ArticleProvenance } from './folders.ts';
import { ArticleRefused, readArticle, readArticleText, type Incoming } from './library.ts';

/** An arrived article, ready for `Library.add` and `saveArticle`. */
export interface Prepared {
  incoming: Incoming & { dateChoice: DateChoice };
  converted: Converted;
  provenance: ArticleProvenance;
}

/**
 * Read, convert and date an arriving article. `given` is the file name it came with (none for pasted text), `today`
 * the day in the bot's time zone (used, with a warning, only when the article and its name give no date). Throws
 * ArticleRefused with the reason.
 */
export function prepareArticle(input: { bytes: Uint8Array } | { text: string }, given: string | undefined, today: string): Prepared {
  const label = given ?? ('text' in input ? '粘贴的文章' : 'stdin');
  const read = 'bytes' in input ? readArticle(label, input.bytes) : readArticleText(given ?? '', input.text);
  let date: DateChoice;
  try {
    date = chooseDate({ source: given ?? '', text: read.text, metadata: read.converted.meta.date, today });
  } catch (err) {
    if (err instanceof ImpossibleDate) throw new ArticleRefused(label, err.reason);
    throw err;
  }
  const source = stableArticleName(read.text, date.date, given);
  return {
    incoming: { source, text: read.text, dateChoice: date },
    converted: read.converted,
    provenance: { file: given ?? null, format: read.converted.format, encoding: read.converted.encoding, url: read.converted.meta.url, date: date.date, dateFrom: date.from },
  };
}

/** The lines the add reply shows about where the text and its date came from. */
export function arrivalLines(prepared: Pick<Prepared, 'converted' | 'incoming'>): string[] {
  const { converted, incoming } = prepared;
  return [
    `日期：${incoming.dateChoice.date}，来自${DATE_FROM_TEXT[incoming.dateChoice.from]}`,
    ...(converted.convertedFrom ? [`格式：${converted.convertedFrom}，已转换为文本`] : []),
  ];
}
