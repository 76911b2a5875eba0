/** Rules every store implementation applies the same way, so SQLite, PostgreSQL and memory agree to the letter. */
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
