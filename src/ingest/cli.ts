/**
 * `npm run ingest`: read every data/raw/*.txt, build the report, write data/report.json.
 * `npm run ingest -- --check`: exit 1 if data/report.json differs from what ingest would write now.
 * `--data-dir DIR` reads DIR/raw/*.txt and DIR's reference files instead of data/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReport } from '../core/report.ts';
import { renderReportFile } from './files.ts';
import { summaryTable } from './summary.ts';

function main(argv: string[]): number {
  // `--data-dir DIR` lets tests and other deployments point ingest at another data folder.
  const at = argv.indexOf('--data-dir');
  const dataDir = at >= 0 && argv[at + 1] ? argv[at + 1]! : 'data';
  const target = join(dataDir, 'report.json');
  const warnings: string[] = [];
  const fresh = renderReportFile(dataDir, (w) => {
    warnings.push(w);
    console.error(`warning: ${w}`);
  });
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      console.error(`${target} is missing. Run \`npm run ingest\` and commit it.`);
      return 1;
    }
    if (current !== fresh) {
      console.error(`${target} is out of date: it is not what ingest writes from data/raw/ now. Run \`npm run ingest\` and commit it.`);
      return 1;
    }
    console.log(`${target} is up to date.`);
    return 0;
  }
  writeFileSync(target, fresh);
  const report = parseReport(JSON.parse(fresh));
  for (const line of summaryTable(report, warnings)) console.log(line);
  console.log(`wrote ${target}: ${report.articles.length} article(s), ${report.sections.length} sections, ${warnings.length} warning(s)`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`ingest failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
