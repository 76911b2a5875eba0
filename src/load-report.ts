import { readFileSync } from 'node:fs';
import { parseReport, ReportValidationError, type Report } from './core/report.ts';

/** Read and validate a report file; every failure names the file and, for schema errors, the field. */
export function loadReportFile(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read report ${path}: ${(err as Error).message}. Run \`npm run ingest\` to create it.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`report ${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return parseReport(data);
  } catch (err) {
    if (err instanceof ReportValidationError) throw new ReportValidationError(err.issues.map((i) => `${path}: ${i}`));
    throw err;
  }
}
