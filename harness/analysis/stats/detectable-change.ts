import { normalCdf } from './normal-cdf.ts';
import { logGamma, studentTQuantile } from './student-t.ts';

/**
 * The minimum detectable change of a comparison (docs/regression-gate.md, "What a verdict could have
 * seen"): the smallest true change δ that its two-sided interval at `confidence` tells apart from
 * no change with probability `power` (80 % by default), given the standard error of the change
 * estimate and its degrees of freedom.
 *
 * With an estimate δ̂ ~ N(δ, se²) and an estimated standard error on `df` degrees of freedom,
 * P(low bound > 0) = P(T' > t_c) where T' is noncentral t with noncentrality λ = δ / se and t_c the
 * interval's t quantile. That probability is E_V[Φ(λ − t_c·√(V/df))], V ~ χ²(df), integrated
 * numerically here; λ is then found by bisection (a simulation of the same design agrees,
 * test/unit/analysis/stats/detectable-change.test.ts). The textbook shortcut (t_c + t_power)·se is
 * within 1 % of it from df = 2, but 6 % short at df = 1.
 *
 * The same δ is the margin beyond the tolerance at which the gate's regression rule (low bound >
 * tolerance) fires with that power: a change of tolerance + δ is flagged 80 % of the time.
 */
export function detectableChange(se: number, df: number, confidence: number, power = 0.8): number {
  if (!(se > 0) || !Number.isFinite(se)) return se === 0 ? 0 : Number.NaN;
  if (!(df > 0)) return Number.POSITIVE_INFINITY;
  return noncentrality(df, confidence, power) * se;
}

/** λ depends on df, confidence and power only: remembered, since the gate asks for the same few many times. */
const remembered = new Map<string, number>();

function noncentrality(df: number, confidence: number, power: number): number {
  const key = `${df}|${confidence}|${power}`;
  const known = remembered.get(key);
  if (known !== undefined) return known;
  const critical = studentTQuantile(1 - (1 - confidence) / 2, df);
  const chance = chanceAbove(critical, df);
  let lo = 0;
  let hi = critical + 10;
  while (chance(hi) < power) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (chance(mid) < power) lo = mid;
    else hi = mid;
  }
  // Welch's fractional df make new keys: a bound keeps a long-lived process from growing the map.
  if (remembered.size > 10_000) remembered.clear();
  const lambda = (lo + hi) / 2;
  remembered.set(key, lambda);
  return lambda;
}

/** λ ↦ P(Z + λ > c·√(V/df)), V ~ χ²(df), by Simpson's rule over w = √V (smooth for df ≥ 1). */
function chanceAbove(c: number, df: number): (lambda: number) => number {
  // w = √V has mean ≈ √(df − ½) and sd ≈ 0.71: the range holds all but ~1e-12 of it for any df.
  const wMin = Math.max(0, Math.sqrt(df) - 8);
  const wMax = Math.sqrt(df + 12 * Math.sqrt(2 * df) + 40);
  // Φ(λ − c·w/√df) turns from 1 to 0 over ~√df/c in w: nodes finer than that (c = 63.7 at df = 1 and
  // 99 %, where 200 nodes were 0.4 % off SciPy's noncentral t), and an even count for Simpson.
  const steps = 2 * Math.ceil(Math.max(100, ((wMax - wMin) * c) / Math.sqrt(df) / 0.5));
  const h = (wMax - wMin) / steps;
  // Density of w = √V: 2·w^(df−1)·e^(−w²/2) / (2^(df/2)·Γ(df/2)); weights include Simpson's 1-4-2…4-1.
  const logNorm = Math.log(2) - (df / 2) * Math.log(2) - logGamma(df / 2);
  const nodes: Array<{ scaled: number; weight: number }> = [];
  let total = 0;
  for (let i = 0; i <= steps; i++) {
    const w = wMin + i * h;
    const density = w === 0 ? (df === 1 ? Math.exp(logNorm) : 0) : Math.exp(logNorm + (df - 1) * Math.log(w) - (w * w) / 2);
    const simpson = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    const weight = (density * simpson * h) / 3;
    total += weight;
    nodes.push({ scaled: c * (w / Math.sqrt(df)), weight });
  }
  return (lambda) => {
    let s = 0;
    for (const n of nodes) s += n.weight * normalCdf(lambda - n.scaled);
    // Normalised by the integrated density: the truncated tail and the rule's error cancel out.
    return s / total;
  };
}
