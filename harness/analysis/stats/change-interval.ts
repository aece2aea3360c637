import { mean, sampleVariance } from './order-stats.ts';
import { studentTQuantile } from './student-t.ts';
import type { Rng } from '../../core/seeded-rng.ts';

/**
 * Interval for the change between baseline runs (a) and current runs (b): mean(b) − mean(a) on
 * the chosen scale (log values → ratio of geometric means).
 * - welch: Welch's t interval (docs/regression-gate.md). With a single current run there is no
 *   variance for it, so the baseline's run-to-run variance stands in for both sides: a prediction
 *   interval, s·√(1/n + 1) with n − 1 degrees of freedom (Bencher's t_test model).
 * - bootstrap: percentile interval over `iterations` resamples of both sides with the seeded RNG;
 *   a percentile bootstrap is too narrow below ~15 runs per side, and with fewer than 2 current runs
 *   it cannot see their noise, so it then falls back to welch.
 */

export type IntervalMethod = 'welch' | 'bootstrap';

export interface ChangeIntervalOptions {
  scale: 'log' | 'difference';
  confidence: number;
  method: IntervalMethod;
  rng?: Rng;
  iterations?: number;
}

export interface ChangeInterval {
  scale: 'log' | 'difference';
  /** `paired`: pairedInterval (stresslab ab). */
  method: IntervalMethod | 'paired';
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  /** Mean of the baseline values on the original scale. */
  baselineMean: number;
  /** Standard error of `estimate` and its degrees of freedom: what the detectable change is computed from. */
  se: number;
  df: number;
}

export function changeInterval(a: readonly number[], b: readonly number[], o: ChangeIntervalOptions): ChangeInterval {
  const f = o.scale === 'log' ? Math.log : (v: number) => v;
  const xa = a.map(f);
  const xb = b.map(f);
  const estimate = mean(xb) - mean(xa);
  const base = { scale: o.scale, estimate, confidence: o.confidence, baselineMean: mean(a) };
  const { se, df } = welchError(xa, xb);
  if (o.method === 'bootstrap' && o.rng !== undefined && xb.length >= 2) {
    const [low, high] = bootstrap(xa, xb, o.rng, o.iterations ?? 2000, o.confidence);
    return { ...base, method: 'bootstrap', low, high, se, df };
  }
  const half = se > 0 && df > 0 ? studentTQuantile(1 - (1 - o.confidence) / 2, df) * se : 0;
  return { ...base, method: 'welch', low: estimate - half, high: estimate + half, se, df };
}

function welchError(xa: readonly number[], xb: readonly number[]): { se: number; df: number } {
  const na = xa.length;
  const nb = xb.length;
  const va = sampleVariance(xa);
  let se2: number;
  let df: number;
  if (nb >= 2) {
    const ua = va / na;
    const ub = sampleVariance(xb) / nb;
    se2 = ua + ub;
    df = (se2 * se2) / ((ua * ua) / (na - 1) + (ub * ub) / (nb - 1));
  } else {
    se2 = va * (1 / na + 1 / nb);
    df = na - 1;
  }
  if (!(se2 > 0) || !(df > 0)) return { se: 0, df: df > 0 ? df : 0 };
  return { se: Math.sqrt(se2), df };
}

function bootstrap(xa: readonly number[], xb: readonly number[], rng: Rng, iterations: number, confidence: number): [number, number] {
  const resampleMean = (x: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[Math.floor(rng() * x.length)] ?? 0;
    return s / x.length;
  };
  const diffs = Array.from({ length: iterations }, () => resampleMean(xb) - resampleMean(xa)).sort((p, q) => p - q);
  const tail = (1 - confidence) / 2;
  const at = (q: number): number => diffs[Math.min(diffs.length - 1, Math.max(0, Math.floor(q * diffs.length)))] ?? 0;
  return [at(tail), at(1 - tail)];
}
