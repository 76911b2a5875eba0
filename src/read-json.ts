import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { DERIVED } from './core/derived.ts';
import { formatPath } from './core/report.ts';

/** The data files a start reads that the build validates once (scripts/derive.ts), by the schema they are read with. */
export type BuiltCheck = 'report' | 'gazetteer' | 'place-aliases';

/**
 * Which version of a file this is, as make tells a changed input: its absolute path, size and modification time.
 * A file rewritten (`npm run ingest`, an editor, a copy) gets another key.
 */
export function fileKey(path: string): string {
  const st = statSync(path);
  return `${resolve(path)} ${st.size}:${st.mtimeMs}`;
}

/**
 * Read a JSON file and validate it; every failure names the file, and for schema errors each bad field's path.
 * `checkedAs`: the file is one the build validated with this same schema (and the schema returned it unchanged);
 * while the file is the one validated (same `fileKey`), parsing it is enough, which saves a start ~20 ms of zod.
 */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S, missingHint = '', checkedAs?: BuiltCheck): z.output<S> {
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
  const built = checkedAs !== undefined ? DERIVED?.validated?.[checkedAs] : undefined;
  if (built !== undefined && built === fileKey(path)) return data as z.output<S>;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new Error(`invalid ${path}:\n  ${result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n  ')}`);
}
