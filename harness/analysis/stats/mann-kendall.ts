import { normalQuantile } from './normal-quantile.ts';

/**
 * Mann–Kendall trend test: a cross-check of the leak rule's Theil–Sen slope (docs/leak-verdicts.md).
 * S = Σ sign(y_j − y_i) over i < j; normal approximation with the tie correction and the
 * continuity correction. `pTwoSided` is the probability of a |S| this large without a trend.
 */
export interface MannKendall {
  s: number;
  z: number;
  pTwoSided: number;
  trend: 'increasing' | 'decreasing' | 'none';
}

export function mannKendall(ys: readonly number[], alpha = 0.05): MannKendall {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign((ys[j] ?? 0) - (ys[i] ?? 0));
  const counts = new Map<number, number>();
  for (const y of ys) counts.set(y, (counts.get(y) ?? 0) + 1);
  let ties = 0;
  for (const k of counts.values()) ties += k * (k - 1) * (2 * k + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = variance <= 0 || s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  const pTwoSided = 2 * (1 - normalCdf(Math.abs(z)));
  const trend = pTwoSided < alpha ? (z > 0 ? 'increasing' : 'decreasing') : 'none';
  return { s, z, pTwoSided, trend };
}

/** Φ(x) by bisection on the quantile function: exact to 1e-12, and keeps one normal implementation. */
function normalCdf(x: number): number {
  if (x > 8) return 1;
  if (x < -8) return 0;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalQuantile(mid) < x) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
