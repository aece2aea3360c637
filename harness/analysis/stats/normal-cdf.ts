/**
 * Φ(x), the standard normal CDF, through erfc (Numerical Recipes' erfcc: fractional error < 1.2e-7
 * everywhere, the tails included; test/unit/analysis/stats/library-cross-check.test.ts holds it to
 * that against @stdlib). Ample for p-values compared with 0.05 or 0.001 and for power integrals;
 * why it is not the @stdlib package at run time: docs/hand-written-code.md.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
