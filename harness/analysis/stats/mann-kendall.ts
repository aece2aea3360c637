import { normalCdf } from './normal-cdf.ts';

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
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm(ys)) / 18;
  const z = variance <= 0 || s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  // Φ(−|z|), not 1 − Φ(|z|): the subtraction would lose the small p-values' digits.
  const pTwoSided = 2 * normalCdf(-Math.abs(z));
  const trend = pTwoSided < alpha ? (z > 0 ? 'increasing' : 'decreasing') : 'none';
  return { s, z, pTwoSided, trend };
}

/** Σ t(t−1)(2t+5) over the groups of t equal values: what ties take off the variance of Kendall's S (also Theil–Sen's interval). */
export function tieTerm(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const k of counts.values()) sum += k * (k - 1) * (2 * k + 5);
  return sum;
}
