import { ReportSchema, type Report } from './core/report.ts';
import { readJsonFile } from './read-json.ts';

/** Read and validate a report file; every failure names the file and, for schema errors, the field. */
export function loadReportFile(path: string): Report {
  return readJsonFile(path, ReportSchema, 'Run `npm run ingest` to create it.', 'report');
}
