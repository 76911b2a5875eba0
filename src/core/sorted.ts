// Binary search over ascending lists of numbers (plain or typed arrays): the one every index keeping ids or values
// in order uses. And sorting the short lists an answer sorts many of.

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

/** Up to this many, `sortShort` sorts by insertion. */
const SHORT = 16;

/**
 * `xs.sort(order)`, in place and stable as that is, but by insertion for a short list: every Array#sort call
 * allocates a work array (about a kilobyte even for three items), and an answer sorts dozens of short lists.
 */
export function sortShort<T>(xs: T[], order: (a: T, b: T) => number): T[] {
  if (xs.length > SHORT) return xs.sort(order);
  for (let k = 1; k < xs.length; k++) {
    const x = xs[k]!;
    let j = k;
    for (; j > 0 && order(xs[j - 1]!, x) > 0; j--) xs[j] = xs[j - 1]!;
    xs[j] = x;
  }
  return xs;
}
