/** Ingest a corpus (`articles/*.txt` + `truth/*.json`) in a scratch directory, as a newsroom would, and score it. */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask } from '../cli/ask.ts';
import { renderReportFile } from '../ingest/files.ts';
import { loadEngine } from '../load-engine.ts';
import { readJsonFile } from '../read-json.ts';
import { scoreArticle, totalOf, type ArticleScore, type Totals } from './score.ts';
import { TruthSchema } from './truth.ts';

export interface EvalResult {
  scores: ArticleScore[];
  totals: Totals;
  /** Ingest's `warning:` lines, as it printed them. */
  warnings: string[];
}

/** Ingest every article of `corpusDir` together (with the reference data of `dataDir`) and score each against its truth. */
export function runEval(corpusDir: string, dataDir = 'data'): EvalResult {
  const articleDir = join(corpusDir, 'articles');
  const names = readdirSync(articleDir).filter((f) => f.endsWith('.txt')).sort();
  if (names.length === 0) throw new Error(`no articles in ${articleDir}`);
  const scratch = mkdtempSync(join(tmpdir(), 'report-bot-eval-'));
  try {
    mkdirSync(join(scratch, 'raw'));
    for (const f of readdirSync(dataDir)) if (f.endsWith('.json') && f !== 'report.json') copyFileSync(join(dataDir, f), join(scratch, f));
    for (const f of names) copyFileSync(join(articleDir, f), join(scratch, 'raw', f));
    const warnings: string[] = [];
    writeFileSync(join(scratch, 'report.json'), renderReportFile(scratch, (w) => warnings.push(w)));
    const { report, engine } = loadEngine(scratch);
    const scores = names.map((source) => {
      const truth = readJsonFile(join(corpusDir, 'truth', source.replace(/\.txt$/u, '.json')), TruthSchema);
      const article = report.articles.find((a) => a.source === source);
      return scoreArticle(report, article?.id ?? source, truth, (line) => ask(engine, line));
    });
    return { scores, totals: totalOf(scores), warnings };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
