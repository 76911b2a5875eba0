/** Most events within any `windowMs` of sorted `times`: what a sliding-window rate limit must keep at or below its limit. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}
