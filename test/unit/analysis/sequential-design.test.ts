import { describe, expect, it } from 'vitest';
import { compareMetric } from '../../../harness/analysis/regression-compare.ts';
import { sequentialDesign, undecidedGated } from '../../../harness/analysis/sequential-design.ts';
import { createRng, gaussian } from '../../../harness/core/seeded-rng.ts';

const rng = createRng(4242);
const gauss = (): number => gaussian(rng);
const runs = (values: number[]) => values.map((value) => ({ value }));

/**
 * One `--runs auto` gate by simulation: 5 baseline runs, candidate runs added one at a time from 1 up
 * to `max` while p50 is undecided, each look at `confidence`. Returns whether any look said
 * regression, and the runs used.
 */
function sequentialTrial(truePct: number, sigma: number, max: number, confidence: number): { flagged: boolean; used: number } {
  const baseline = Array.from({ length: 5 }, () => 100 * Math.exp(sigma * gauss()));
  const current: number[] = [];
  for (let n = 1; n <= max; n++) {
    current.push(100 * (1 + truePct / 100) * Math.exp(sigma * gauss()));
    const c = compareMetric('p50Ms', runs(baseline), runs(current), { confidence });
    if (c.verdict === 'regression') return { flagged: true, used: n };
    if (undecidedGated([c]).length === 0) return { flagged: false, used: n };
  }
  return { flagged: false, used: max };
}

describe('runs added until decided (sequential-design.ts)', () => {
  it('splits the error rate over the looks', () => {
    expect(sequentialDesign(1, 5, 0.9)).toEqual({ minRuns: 1, maxRuns: 5, looks: 5, confidence: 0.98, nominalConfidence: 0.9 });
    expect(sequentialDesign(3, 3, 0.9).confidence).toBeCloseTo(0.9, 12);
  });

  it('keeps the false-alarm rate at a true change of exactly the tolerance at or under the nominal 5 %, where looking 5 times at 90 % each does not', () => {
    const trials = 1000;
    let split = 0;
    let naive = 0;
    for (let t = 0; t < trials; t++) {
      if (sequentialTrial(5, 0.03, 5, sequentialDesign(1, 5, 0.9).confidence).flagged) split++;
      if (sequentialTrial(5, 0.03, 5, 0.9).flagged) naive++;
    }
    // Seeds 1–4242 give 0.026–0.036 split (Bonferroni is conservative) and 0.12–0.13 naive; binomial sd at 0.05 over 1,000 trials is 0.007.
    expect(split / trials).toBeLessThanOrEqual(0.05);
    expect(naive / trials).toBeGreaterThan(split / trials);
    expect(naive / trials).toBeGreaterThan(0.06);
  });

  it('stops early when the answer is clear: an unchanged build and a 20 % slower one decide in a few runs', () => {
    const confidence = sequentialDesign(1, 5, 0.9).confidence;
    const unchanged = Array.from({ length: 300 }, () => sequentialTrial(0, 0.01, 5, confidence));
    const slower = Array.from({ length: 300 }, () => sequentialTrial(20, 0.01, 5, confidence));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(unchanged.filter((r) => r.flagged)).toHaveLength(0);
    expect(mean(unchanged.map((r) => r.used))).toBeLessThan(3);
    expect(slower.filter((r) => r.flagged).length).toBeGreaterThan(290);
    expect(mean(slower.map((r) => r.used))).toBeLessThan(2);
  });
});
