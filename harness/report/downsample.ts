/**
 * Bucketing that keeps long runs small enough to chart: a 24 h run has 86,400 seconds, which
 * would make a report of tens of megabytes and a chart slower than the eye. Each bucket covers
 * `bucketSec` seconds; the caller's reducer decides what survives (worst second for latency, so
 * a spike is never averaged away; the mean for throughput, so totals stay right).
 */
export function bucketSecFor(spanSec: number, maxPoints: number): number {
  if (maxPoints < 1) throw new RangeError('maxPoints must be at least 1');
  return Math.max(1, Math.ceil(spanSec / maxPoints));
}

/** Groups items (sorted or not) by `floor(timeSec / bucketSec)` and reduces each non-empty group in time order. */
export function bucketReduce<T, R>(
  items: readonly T[],
  timeSec: (item: T) => number,
  bucketSec: number,
  reduce: (group: readonly T[], bucketStartSec: number) => R,
): R[] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = Math.floor(timeSec(item) / bucketSec);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((key) => reduce(groups.get(key) as T[], key * bucketSec));
}

/** Largest non-null value, or null when every value is null. */
export function maxOf(values: readonly (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && v !== undefined && (best === null || v > best)) best = v;
  return best;
}

/** Mean of the non-null values, or null when there are none. */
export function meanOf(values: readonly (number | null | undefined)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    sum += v;
    n += 1;
  }
  return n === 0 ? null : sum / n;
}

/**
 * Merges time intervals that overlap or lie closer than `minGapSec`, so thousands of brief
 * probe failures in a long run become a few visible bands instead of an unreadable comb.
 */
export function mergeIntervals(
  intervals: readonly { fromSec: number; toSec: number }[],
  minGapSec: number,
): { fromSec: number; toSec: number }[] {
  const sorted = [...intervals].sort((a, b) => a.fromSec - b.fromSec);
  const merged: { fromSec: number; toSec: number }[] = [];
  for (const iv of sorted) {
    const last = merged[merged.length - 1];
    if (last && iv.fromSec - last.toSec <= minGapSec) last.toSec = Math.max(last.toSec, iv.toSec);
    else merged.push({ ...iv });
  }
  return merged;
}
