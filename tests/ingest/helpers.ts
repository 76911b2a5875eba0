import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../src/ingest/build.ts';
import { readRawArticles, readReferenceData } from '../../src/ingest/files.ts';
import type { Report, Section } from '../../src/core/report.ts';

/** The report as ingest builds it from data/raw/ now. */
export const realReport = (): Report => buildReport(readRawArticles('data'), readReferenceData('data'));

/** A report built from the invented article(s) in tests/fixtures/raw with the project's reference data. */
export const fixtureReport = (): Report => buildReport(readRawArticles('tests/fixtures'), readReferenceData('data'));

export const bySpeaker = (report: Report, name: string, orgPart = ''): Section => {
  const found = report.sections.filter((s) => s.speaker?.name === name && s.speaker.org.includes(orgPart));
  if (found.length !== 1) throw new Error(`expected one section by ${name} ${orgPart}, found ${found.length}`);
  return found[0]!;
};

export const textOf = (s: Section): string => s.paragraphs.join('\n');

export const readJson = (path: string): unknown => JSON.parse(readFileSync(join(path), 'utf8'));
