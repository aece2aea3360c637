import { mean, sampleVariance } from './order-stats.ts';
import { studentTQuantile } from './student-t.ts';
import type { ChangeInterval } from './change-interval.ts';

/**
 * The change between paired runs (`stresslab ab`: run i of build A and run i of build B ran next to
 * each other, ABBA…): the mean of the per-pair differences d_i = f(b_i) − f(a_i) on the chosen
 * scale (log → ratio of geometric means), with a Student t interval on n − 1 degrees of freedom.
 * Pairing is the point: what the machine did during a pair (another job, a slow hour) moves both
 * runs of the pair and cancels in d_i, so the interval holds only the noise within pairs.
 */
export function pairedInterval(a: readonly number[], b: readonly number[], o: { scale: 'log' | 'difference'; confidence: number }): ChangeInterval {
  if (a.length !== b.length) throw new Error(`pairedInterval: ${a.length} A runs and ${b.length} B runs are not pairs`);
  const f = o.scale === 'log' ? Math.log : (v: number) => v;
  const d = a.map((x, i) => f(b[i] as number) - f(x));
  const estimate = mean(d);
  const n = d.length;
  const df = n - 1;
  const se = n >= 2 ? Math.sqrt(sampleVariance(d) / n) : 0;
  const half = se > 0 ? studentTQuantile(1 - (1 - o.confidence) / 2, df) * se : 0;
  return { scale: o.scale, method: 'paired', estimate, low: estimate - half, high: estimate + half, confidence: o.confidence, baselineMean: mean(a), se, df };
}
