import { studentTCdf } from './student-t.ts';

/**
 * Change points of a numeric series (nightly runs of one metric), the way Apache Otava (formerly
 * DataStax Hunter, Fleming et al., ICPE 2023) finds them with E-divisive means (Matteson & James,
 * arXiv 1306.4933):
 *
 * 1. **Split.** Sliding windows of `windowLength` points, moved by half a window (or to the last
 *    change point found), so a change late in a long series is not masked by the earlier ones. In
 *    each window, hierarchical splitting: the split that maximises the energy divergence
 *    Q̂(X, Y) = 2/(n+m)·Σ|Xi−Yj| − 2m/((n+m)(n−1))·Σ|Xi−Xk| − 2n/((n+m)(m−1))·Σ|Yj−Yl| over every
 *    segment of the window is the candidate; it is kept when a two-sided Student t-test between the
 *    segment's parts left and right of it gives p ≤ 10 × `maxPValue` (Otava's "weak" change
 *    points), and splitting goes on until a candidate fails.
 * 2. **Merge.** Over the union of the windows' points, each point is tested again between the whole
 *    segments on either side of it (previous change point to it, it to the next); the weakest (the
 *    highest p above `maxPValue`, else the smallest change below the minimum magnitude) is removed
 *    and the rest tested again, until every point is significant at `maxPValue` and large enough.
 * 3. **Locate** (not in Otava). Each remaining point moves to where the two segments between its
 *    neighbours fit best (least squares: the maximum-likelihood place of one shift in the mean), and
 *    is dropped when that place leaves fewer than `minSegment` points on a side. E-divisive's own
 *    place is noisier and depends on where the windows happened to cut: a 5 % step under 3 % noise,
 *    in series of 60 to 200 points, was placed within 3 points of its start in 89–92 % of series
 *    instead of 85–89 % (with 30-point windows, 88 % instead of 79 %). Moving a point only raises
 *    its t statistic but can shrink its change, so the merge step runs again on the moved points.
 *
 * Unlike Otava, a change point needs `minSegment` points on each side (E-divisive's own `min.size`;
 * Chromium's dashboard asks for 6): with one or two points after it, one odd night at the end of a
 * quiet series would pass the t-test. The permutation test of the original E-divisive is replaced
 * by the t-test, as in Otava: it is deterministic and fast, and the windows keep its normality
 * assumption local.
 */

export interface EDivisiveOptions {
  /**
   * Points per sliding window (default 50, Otava's CLI default; its library's is 30). With 30, a step
   * 40 nights into 60 was missed or misplaced more often: the window that straddles it holds too few
   * points after it, and the next one too few before.
   */
  windowLength?: number;
  /** Largest p-value a change point may have (default 0.001, Otava's default). */
  maxPValue?: number;
  /** Smallest |after / before − 1| a change point must show (default 0.05; 0 turns the test off). Skipped when the mean before is 0. */
  minMagnitude?: number;
  /** Smallest |after − before| in the series' unit (default 0): the test for absolute metrics such as an error rate near 0. */
  minAbsoluteChange?: number;
  /** Fewest points on each side of a change point (default 6, at least 2). */
  minSegment?: number;
  /**
   * `log` (default): detect and test on ln(value); the reported means are geometric means. Latency,
   * throughput and CPU time vary by a ratio (a 5 % slower build has 5 % more noise too), so on the
   * log scale the noise before and after a step is the same, as the t-test assumes, and an up and a
   * down step of the same ratio are equally significant; it is also how the regression gate compares
   * relative metrics. Every value must then be positive.
   * `linear`: raw values and arithmetic means, for series with zeros (error rates).
   */
  scale?: 'log' | 'linear';
}

export interface ChangePoint {
  /** Index of the first value of the new segment (the first run of the shift). */
  index: number;
  /** Two-sided Student t-test between the segments before and after the point. */
  pValue: number;
  /** Mean of the segment before (from the previous change point), geometric on the log scale. */
  meanBefore: number;
  /** Mean of the segment after (up to the next change point). */
  meanAfter: number;
  /** meanAfter / meanBefore − 1; null when meanBefore is 0. */
  relativeChange: number | null;
}

interface Resolved {
  windowLength: number;
  maxPValue: number;
  minMagnitude: number;
  minAbsoluteChange: number;
  minSegment: number;
  scale: 'log' | 'linear';
}

export const E_DIVISIVE_DEFAULTS: Readonly<Resolved> = {
  windowLength: 50,
  maxPValue: 0.001,
  minMagnitude: 0.05,
  minAbsoluteChange: 0,
  minSegment: 6,
  scale: 'log',
};

/** Change points of `values`, oldest first, ordered by index. Deterministic; empty when the series is too short. */
export function eDivisive(values: readonly number[], options: EDivisiveOptions = {}): ChangePoint[] {
  const o = resolve(options);
  const z = values.map((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`eDivisive: value ${i} is ${v}; pass finite values only`);
    if (o.scale === 'log' && v <= 0) throw new RangeError(`eDivisive: value ${i} is ${v}; the log scale needs positive values (use scale: 'linear')`);
    return o.scale === 'log' ? Math.log(v) : v;
  });
  const weak = split(z, o.windowLength, o.minSegment, firstPassPValue(o.maxPValue));
  const kept = settle(merge(weak, z, o), z, o);
  return kept.map((index, k) => describe(z, kept[k - 1] ?? 0, index, kept[k + 1] ?? z.length, o.scale));
}

function resolve(options: EDivisiveOptions): Resolved {
  const d = E_DIVISIVE_DEFAULTS;
  const o: Resolved = {
    windowLength: options.windowLength ?? d.windowLength,
    maxPValue: options.maxPValue ?? d.maxPValue,
    minMagnitude: options.minMagnitude ?? d.minMagnitude,
    minAbsoluteChange: options.minAbsoluteChange ?? d.minAbsoluteChange,
    minSegment: options.minSegment ?? d.minSegment,
    scale: options.scale ?? d.scale,
  };
  if (!Number.isInteger(o.minSegment) || o.minSegment < 2) throw new RangeError(`eDivisive: minSegment must be an integer ≥ 2, got ${o.minSegment}`);
  if (!Number.isInteger(o.windowLength) || o.windowLength < 2 * o.minSegment) {
    throw new RangeError(`eDivisive: windowLength must be an integer ≥ 2 × minSegment (${2 * o.minSegment}), got ${o.windowLength}`);
  }
  if (!(o.maxPValue > 0 && o.maxPValue <= 1)) throw new RangeError(`eDivisive: maxPValue must be in (0, 1], got ${o.maxPValue}`);
  if (!(o.minMagnitude >= 0) || !(o.minAbsoluteChange >= 0)) throw new RangeError('eDivisive: minMagnitude and minAbsoluteChange must be ≥ 0');
  return o;
}

/**
 * Otava's first-pass threshold: the split step keeps "weak" points at a relaxed p, because a point
 * tested inside one window sees less data than it will in the merge step, where it is judged at
 * the real `maxPValue` between whole segments.
 */
function firstPassPValue(maxPValue: number): number {
  if (maxPValue < 0.05) return maxPValue * 10;
  if (maxPValue < 0.5) return maxPValue * 2;
  return maxPValue;
}

/** The split step: the union of every window's change points, sorted. */
function split(z: readonly number[], windowLength: number, minSegment: number, pValue: number): number[] {
  const step = Math.floor(windowLength / 2);
  const found = new Set<number>();
  let start = 0;
  while (start < z.length) {
    const end = Math.min(start + windowLength, z.length);
    const points = detectInWindow(z.slice(start, end), minSegment, pValue).map((i) => i + start);
    for (const p of points) found.add(p);
    // Restart at the last change point found, so the next window sees the new level from its start;
    // every later point is then at least minSegment past every earlier one.
    start = Math.max(points.at(-1) ?? 0, start + step);
  }
  return [...found].sort((a, b) => a - b);
}

/** Hierarchical E-divisive in one window: split the best segment while its candidate is significant. */
function detectInWindow(x: readonly number[], minSegment: number, pValue: number): number[] {
  if (x.length < 2 * minSegment) return [];
  const sums = new ColumnSums(x);
  const points: number[] = [];
  for (;;) {
    const bounds = [0, ...points, x.length];
    let best: { index: number; q: number; lo: number; hi: number } | null = null;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const lo = bounds[k] as number;
      const hi = bounds[k + 1] as number;
      const candidate = bestSplit(sums, lo, hi, minSegment);
      if (candidate !== null && (best === null || candidate.q > best.q)) best = { ...candidate, lo, hi };
    }
    if (best === null || tTest(x, best.lo, best.index, best.hi).pValue > pValue) return points;
    points.push(best.index);
    points.sort((a, b) => a - b);
  }
}

/**
 * Column prefix sums of the window's distance matrix |x_i − x_j|, so that the sum of distances from
 * one point to a run of points costs O(1) and a segment's best split O(length²).
 */
class ColumnSums {
  private readonly n: number;
  private readonly prefix: Float64Array;

  constructor(x: readonly number[]) {
    this.n = x.length;
    this.prefix = new Float64Array(this.n * (this.n + 1));
    for (let j = 0; j < this.n; j++) {
      const xj = x[j] as number;
      const row = j * (this.n + 1);
      for (let i = 0; i < this.n; i++) this.prefix[row + i + 1] = (this.prefix[row + i] as number) + Math.abs((x[i] as number) - xj);
    }
  }

  /** Σ |x_i − x_j| for i in [from, to). */
  sum(j: number, from: number, to: number): number {
    const row = j * (this.n + 1);
    return (this.prefix[row + to] as number) - (this.prefix[row + from] as number);
  }
}

/** The τ in [lo + m, hi − m] maximising Q̂ over X = [lo, τ), Y = [τ, κ) with κ − τ ≥ m; null when the segment is too short. */
function bestSplit(sums: ColumnSums, lo: number, hi: number, m: number): { index: number; q: number } | null {
  if (hi - lo < 2 * m) return null;
  let best: { index: number; q: number } | null = null;
  let withinX = 0;
  for (let tau = lo + 1; tau <= hi - m; tau++) {
    // X = [lo, tau): add the distances of its newest point x_{tau−1} to the ones before it.
    withinX += sums.sum(tau - 1, lo, tau - 1);
    if (tau - lo < m) continue;
    const n = tau - lo;
    let between = 0;
    let withinY = 0;
    for (let kappa = tau + 1; kappa <= hi; kappa++) {
      between += sums.sum(kappa - 1, lo, tau);
      withinY += sums.sum(kappa - 1, tau, kappa - 1);
      const mm = kappa - tau;
      if (mm < m) continue;
      const total = kappa - lo;
      const q = (2 / total) * between - ((2 * mm) / (total * (n - 1))) * withinX - ((2 * n) / (total * (mm - 1))) * withinY;
      if (best === null || q > best.q) best = { index: tau, q };
    }
  }
  return best;
}

interface Segment {
  n: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  ss: number;
}

function segment(z: readonly number[], from: number, to: number): Segment {
  let sum = 0;
  for (let i = from; i < to; i++) sum += z[i] as number;
  const n = to - from;
  const mean = sum / n;
  let ss = 0;
  for (let i = from; i < to; i++) ss += ((z[i] as number) - mean) ** 2;
  return { n, mean, ss };
}

/** Student's two-sample t-test (pooled variance) between z[a, b) and z[b, c), two-sided. */
function tTest(z: readonly number[], a: number, b: number, c: number): { pValue: number; left: Segment; right: Segment } {
  const left = segment(z, a, b);
  const right = segment(z, b, c);
  const df = left.n + right.n - 2;
  if (df <= 0) return { pValue: 1, left, right };
  const diff = right.mean - left.mean;
  const se = Math.sqrt(((left.ss + right.ss) / df) * (1 / left.n + 1 / right.n));
  // Rounding leaves ~1e-16 of "noise" in a constant series: below that scale, a difference or a
  // spread is zero, so a constant series has no change point and two constant levels have p = 0.
  const eps = 1e-12 * Math.max(Math.abs(left.mean), Math.abs(right.mean), Number.MIN_VALUE);
  if (Math.abs(diff) <= eps) return { pValue: 1, left, right };
  if (se <= eps) return { pValue: 0, left, right };
  // 2·P(T ≤ −|t|): the lower tail directly, which keeps precision for tiny p.
  return { pValue: Math.min(1, 2 * studentTCdf(-Math.abs(diff / se), df)), left, right };
}

/** The merge step: drop the weakest point until all are significant at maxPValue and large enough. */
function merge(points: readonly number[], z: readonly number[], o: Resolved): number[] {
  const kept = [...points];
  while (kept.length > 0) {
    const judged = kept.map((index, k) => {
      const { pValue, left, right } = tTest(z, kept[k - 1] ?? 0, index, kept[k + 1] ?? z.length);
      return { pValue, size: sizeRatio(back(left.mean, o.scale), back(right.mean, o.scale), o) };
    });
    // The least significant point goes first; when all are significant, the smallest change if it
    // is too small; otherwise every point stays.
    let weakest = argBest(judged, (a, b) => a.pValue > b.pValue);
    if (judged[weakest]!.pValue <= o.maxPValue) {
      weakest = argBest(judged, (a, b) => a.size < b.size);
      if (judged[weakest]!.size >= 1) return kept;
    }
    kept.splice(weakest, 1);
  }
  return kept;
}

/** Index of the first element no other beats (ties keep the earliest, so the result is deterministic). */
function argBest<T>(items: readonly T[], beats: (a: T, b: T) => boolean): number {
  let best = 0;
  items.forEach((item, k) => {
    if (beats(item, items[best]!)) best = k;
  });
  return best;
}

/** The locate step, then the merge step again, until the merge keeps every point it is given. */
function settle(points: readonly number[], z: readonly number[], o: Resolved): number[] {
  const sums = new PrefixSums(z);
  let current = [...points];
  for (;;) {
    const located = locate(current, sums, o.minSegment);
    const kept = merge(located, z, o);
    if (kept.length === located.length && located.length === current.length) return located;
    current = kept;
  }
}

/**
 * Each point, in turn, where the squared deviations of the segments on its two sides are least,
 * searched over every place between its neighbours; a point whose best place leaves fewer than
 * minSegment values on a side is dropped. The windows' search only looks at splits with minSegment
 * on each side, so a step three values from the end of the series would otherwise be reported at
 * the end minus minSegment, naming a run from before the shift: the step is real but too fresh to
 * judge (Chromium's dashboard, too, places a step first and then asks for 6 points on each side).
 */
function locate(points: readonly number[], sums: PrefixSums, minSegment: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < points.length; k++) {
    const from = out.at(-1) ?? 0;
    const to = points[k + 1] ?? sums.length;
    let best = points[k]!;
    let bestSs = sums.ss(from, best) + sums.ss(best, to);
    for (let t = from + 1; t < to; t++) {
      const ss = sums.ss(from, t) + sums.ss(t, to);
      // A clearly better fit only: rounding must not move a point between two equal fits.
      if (ss < bestSs * (1 - 1e-12)) {
        bestSs = ss;
        best = t;
      }
    }
    if (best - from >= minSegment && to - best >= minSegment) out.push(best);
  }
  return out;
}

/** Prefix sums of z and z² (centred on z's mean, against cancellation), for the squared deviations of any segment in O(1). */
class PrefixSums {
  readonly length: number;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;

  constructor(z: readonly number[]) {
    this.length = z.length;
    this.s1 = new Float64Array(z.length + 1);
    this.s2 = new Float64Array(z.length + 1);
    const centre = z.reduce((a, v) => a + v, 0) / Math.max(1, z.length);
    z.forEach((raw, i) => {
      const v = raw - centre;
      this.s1[i + 1] = this.s1[i]! + v;
      this.s2[i + 1] = this.s2[i]! + v * v;
    });
  }

  /** Σ (z_i − mean)² over [from, to). */
  ss(from: number, to: number): number {
    const n = to - from;
    const sum = this.s1[to]! - this.s1[from]!;
    return Math.max(0, this.s2[to]! - this.s2[from]! - (sum * sum) / n);
  }
}

/** How far a change clears the magnitude tests: ≥ 1 passes; the smallest ratio is the weakest point. */
function sizeRatio(before: number, after: number, o: Resolved): number {
  const ratios = [Number.POSITIVE_INFINITY];
  if (o.minMagnitude > 0 && before !== 0) ratios.push(Math.abs(after / before - 1) / o.minMagnitude);
  if (o.minAbsoluteChange > 0) ratios.push(Math.abs(after - before) / o.minAbsoluteChange);
  return Math.min(...ratios);
}

function back(mean: number, scale: 'log' | 'linear'): number {
  return scale === 'log' ? Math.exp(mean) : mean;
}

function describe(z: readonly number[], from: number, index: number, to: number, scale: 'log' | 'linear'): ChangePoint {
  const { pValue, left, right } = tTest(z, from, index, to);
  const meanBefore = back(left.mean, scale);
  const meanAfter = back(right.mean, scale);
  return { index, pValue, meanBefore, meanAfter, relativeChange: meanBefore === 0 ? null : meanAfter / meanBefore - 1 };
}

