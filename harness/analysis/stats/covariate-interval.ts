import { mean } from './order-stats.ts';
import { studentTQuantile } from './student-t.ts';

/**
 * The change between baseline runs (a) and current runs (b) corrected for a covariate that moves
 * the metric without being part of the build: the machine's speed during each run (the calibration
 * probe's CPU cost per work unit). On a shared machine that speed swings by tens of percent from one
 * run to the next, and latency with it; comparing raw latency then measures the machine.
 *
 * Analysis of covariance on the log scale, fitted by least squares over all runs:
 *   ln(value) = α + δ·[current run] + β·(ln(covariate) − mean)
 * δ is the change of the build at equal machine speed, with a Student t interval on n − 3 degrees
 * of freedom; β is how strongly this metric follows the machine (≈ 1 for CPU-bound latency). β is
 * fitted rather than fixed at 1 because latency also contains time that does not scale with CPU.
 *
 * Returns null when the model cannot be fitted: fewer than 2 residual degrees of freedom, or a
 * covariate that does not vary independently of the group (then it cannot be told apart from a
 * change of the build, and the caller uses the plain interval).
 */

export interface CovariateInterval {
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  /** The fitted slope of ln(value) on ln(covariate). */
  beta: number;
  df: number;
  /** Standard error of `estimate`. */
  se: number;
}

export function covariateInterval(
  a: readonly number[],
  b: readonly number[],
  covA: readonly number[],
  covB: readonly number[],
  confidence: number,
): CovariateInterval | null {
  if (a.length !== covA.length || b.length !== covB.length) throw new Error('covariateInterval: every run needs its covariate');
  const y = [...a, ...b].map(Math.log);
  const cov = [...covA, ...covB].map(Math.log);
  const n = y.length;
  const df = n - 3;
  if (df < 2 || a.length === 0 || b.length === 0 || ![...y, ...cov].every(Number.isFinite)) return null;
  const centre = mean(cov);
  const rows = y.map((_, i) => [1, i >= a.length ? 1 : 0, (cov[i] ?? 0) - centre]);
  const xtx = [0, 1, 2].map((r) => [0, 1, 2].map((c) => rows.reduce((s, row) => s + (row[r] ?? 0) * (row[c] ?? 0), 0)));
  const xty = [0, 1, 2].map((r) => rows.reduce((s, row, i) => s + (row[r] ?? 0) * (y[i] ?? 0), 0));
  const inv = invert3(xtx);
  if (inv === null) return null;
  const coef = inv.map((row) => row.reduce((s, v, c) => s + v * (xty[c] ?? 0), 0));
  const [alpha = 0, delta = 0, beta = 0] = coef;
  const rss = rows.reduce((s, row, i) => s + ((y[i] ?? 0) - alpha - delta * (row[1] ?? 0) - beta * (row[2] ?? 0)) ** 2, 0);
  const se = Math.sqrt((rss / df) * (inv[1]?.[1] ?? Number.NaN));
  if (!Number.isFinite(se)) return null;
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
  return { estimate: delta, low: delta - half, high: delta + half, confidence, beta, df, se };
}

/**
 * Inverse of a symmetric 3×3 matrix by cofactors; null when it is (nearly) singular, i.e. the
 * covariate is constant or a function of the group.
 */
function invert3(m: number[][]): number[][] | null {
  const g = (r: number, c: number): number => m[r]?.[c] ?? 0;
  const cof = [
    [g(1, 1) * g(2, 2) - g(1, 2) * g(2, 1), g(0, 2) * g(2, 1) - g(0, 1) * g(2, 2), g(0, 1) * g(1, 2) - g(0, 2) * g(1, 1)],
    [g(1, 2) * g(2, 0) - g(1, 0) * g(2, 2), g(0, 0) * g(2, 2) - g(0, 2) * g(2, 0), g(0, 2) * g(1, 0) - g(0, 0) * g(1, 2)],
    [g(1, 0) * g(2, 1) - g(1, 1) * g(2, 0), g(0, 1) * g(2, 0) - g(0, 0) * g(2, 1), g(0, 0) * g(1, 1) - g(0, 1) * g(1, 0)],
  ];
  const det = g(0, 0) * (cof[0]?.[0] ?? 0) + g(0, 1) * (cof[1]?.[0] ?? 0) + g(0, 2) * (cof[2]?.[0] ?? 0);
  // Relative to the scale of the entries: the covariate's spread left after the group is removed.
  const scale = g(0, 0) * g(1, 1) * Math.max(g(2, 2), 1e-300);
  if (!(Math.abs(det) > 1e-9 * scale) || !(g(2, 2) > 1e-8)) return null;
  return cof.map((row) => row.map((v) => v / det));
}
