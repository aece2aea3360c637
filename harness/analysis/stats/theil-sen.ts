import { median } from './order-stats.ts';
import { tieTerm } from './mann-kendall.ts';
import { normalQuantile } from './normal-quantile.ts';

/**
 * Theil–Sen slope (median of pairwise slopes) with the rank-based confidence interval of
 * scipy.stats.theilslopes (Sen 1968): robust to GC spikes and single outliers, which a
 * least-squares slope is not. Pairs with equal x are skipped, as scipy does.
 */

export interface TheilSenFit {
  slope: number;
  /** median(y) − slope · median(x) (scipy's method "separate"). */
  intercept: number;
  ciLow: number;
  ciHigh: number;
  confidence: number;
  points: number;
}

export function theilSen(xs: readonly number[], ys: readonly number[], confidence = 0.95): TheilSenFit | null {
  const n = Math.min(xs.length, ys.length);
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = (xs[j] ?? 0) - (xs[i] ?? 0);
      if (dx !== 0) slopes.push(((ys[j] ?? 0) - (ys[i] ?? 0)) / dx);
    }
  }
  if (slopes.length === 0) return null;
  slopes.sort((a, b) => a - b);
  const slope = median(slopes);
  const intercept = median(ys.slice(0, n)) - slope * median(xs.slice(0, n));
  const [lo, hi] = confidenceRanks(slopes.length, n, xs.slice(0, n), ys.slice(0, n), confidence);
  return { slope, intercept, ciLow: slopes[lo] ?? slope, ciHigh: slopes[hi] ?? slope, confidence, points: n };
}

/** scipy: σ² = (n(n−1)(2n+5) − Σ ties t(t−1)(2t+5) in x and in y) / 18; ranks (nt ± zσ)/2. */
function confidenceRanks(nt: number, n: number, xs: readonly number[], ys: readonly number[], confidence: number): [number, number] {
  const z = normalQuantile((1 - confidence) / 2);
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5) - tieTerm(xs) - tieTerm(ys)) / 18);
  const hi = Math.min(roundHalfEven((nt - z * sigma) / 2), nt - 1);
  const lo = Math.max(roundHalfEven((nt + z * sigma) / 2) - 1, 0);
  return [lo, hi];
}

/** numpy.round semantics (ties to even), so ranks match scipy exactly. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
