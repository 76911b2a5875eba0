// Binary search over ascending lists of numbers (plain or typed arrays): the one every index keeping ids or values
// in order uses.

/** The first position in the ascending `list` holding a value ≥ x (`list.length` when there is none). */
export function lowerBound(list: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when the ascending `list` holds x. */
export function sortedHas(list: ArrayLike<number>, x: number): boolean {
  const at = lowerBound(list, x);
  return at < list.length && list[at] === x;
}
