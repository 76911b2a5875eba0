/** Rules every store implementation applies the same way, so SQLite, PostgreSQL and memory agree to the letter. */
import { DigestFilterSchema, type DigestFilter } from '../core/digest.ts';
import type { FloodVerdict } from './types.ts';

/** "Chats active in the last week" for /stats. */
export const WEEK_MS = 7 * 86_400_000;

/** One user's flood window: the times of the messages counted in it, and whether the notice went out. */
export interface FloodState {
  hits: number[];
  warned: boolean;
}

/**
 * One more message at `now`: under `limit` it is counted and allowed; past it the first gets `warn` (the one
 * notice) and the rest `drop`. Dropped messages are not counted, so the user is free again once old ones age out.
 */
export function floodStep(state: FloodState | null, now: number, windowMs: number, limit: number): { verdict: FloodVerdict; next: FloodState } {
  const hits = (state?.hits ?? []).filter((t) => now - t < windowMs);
  if (hits.length < limit) return { verdict: 'allow', next: { hits: [...hits, now], warned: false } };
  if (state?.warned) return { verdict: 'drop', next: { hits, warned: true } };
  return { verdict: 'warn', next: { hits, warned: true } };
}

/** Busiest first, then by name, at most ten: the order every store returns. */
export function topCommands(counts: Iterable<[string, number]>): Array<{ command: string; count: number }> {
  return [...counts].map(([command, count]) => ({ command, count })).sort((a, b) => b.count - a.count || (a.command < b.command ? -1 : 1)).slice(0, 10);
}

/** A subscription's filter as its four columns: a combined filter keeps its terms as JSON in `filter_terms` (schema: SQLite 6, PostgreSQL 3). */
export function filterColumns(filter: DigestFilter | null): { kind: string | null; id: string | null; label: string | null; terms: string | null } {
  if (!filter) return { kind: null, id: null, label: null, terms: null };
  return { kind: filter.kind, id: filter.id, label: filter.label, terms: filter.kind === 'terms' ? JSON.stringify(filter.terms) : null };
}

/** The filter back from its columns; rows written before `filter_terms` existed read as the single filter they were. */
export function filterFromColumns(r: { filter_kind?: unknown; filter_id?: unknown; filter_label?: unknown; filter_terms?: unknown }): DigestFilter | null {
  if (!r.filter_kind || !r.filter_id || !r.filter_label) return null;
  const terms = typeof r.filter_terms === 'string' ? (JSON.parse(r.filter_terms) as unknown) : undefined;
  return DigestFilterSchema.parse({ kind: r.filter_kind, id: r.filter_id, label: r.filter_label, ...(terms !== undefined ? { terms } : {}) });
}
