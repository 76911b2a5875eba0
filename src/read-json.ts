import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { formatPath } from './core/report.ts';

/** Read a JSON file and validate it; every failure names the file, and for schema errors each bad field's path. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S, missingHint = ''): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}${missingHint ? `. ${missingHint}` : ''}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new Error(`invalid ${path}:\n  ${result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n  ')}`);
}
