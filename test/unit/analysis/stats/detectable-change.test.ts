import { describe, expect, it } from 'vitest';
import { detectableChange } from '../../../../harness/analysis/stats/detectable-change.ts';
import { normalCdf } from '../../../../harness/analysis/stats/normal-cdf.ts';
import { pairedInterval } from '../../../../harness/analysis/stats/paired-interval.ts';
import { compareMetric } from '../../../../harness/analysis/regression-compare.ts';
import { createRng, gaussian } from '../../../../harness/core/seeded-rng.ts';
import { decideVerdict } from '../../../../harness/analysis/verdict.ts';

const rng = createRng(20261203);
const gauss = (): number => gaussian(rng);
const runs = (values: number[]) => values.map((value) => ({ value }));

describe('detectableChange (docs/regression-gate.md, What a verdict could have seen)', () => {
  it('is (z₀.₉₅ + z₀.₈)·se for many degrees of freedom, and grows as they shrink', () => {
    expect(detectableChange(1, 1e6, 0.9)).toBeCloseTo(1.6449 + 0.8416, 2);
    expect(detectableChange(0.02, 1e6, 0.9)).toBeCloseTo(0.02 * 2.4865, 4);
    // t₀.₉₅,₂ + t₀.₈,₂ = 2.920 + 1.061: the shortcut agrees at df = 2 within a percent.
    expect(detectableChange(1, 2, 0.9)).toBeGreaterThan(3.9);
    expect(detectableChange(1, 2, 0.9)).toBeLessThan(4.05);
    expect(detectableChange(1, 1, 0.9)).toBeGreaterThan(detectableChange(1, 2, 0.9));
    expect(detectableChange(1, 9, 0.95)).toBeGreaterThan(detectableChange(1, 9, 0.9));
    expect(detectableChange(0, 5, 0.9)).toBe(0);
    expect(normalCdf(1.6449)).toBeCloseTo(0.95, 4);
    expect(normalCdf(-0.8416)).toBeCloseTo(0.2, 4);
  });

  it('paired design (stresslab ab, 3 pairs): a true change of tolerance + detectable is flagged 80 % of the time, by simulation', () => {
    const sigma = 0.03; // per-pair noise of ln(B/A)
    const n = 3;
    const mdc = detectableChange(sigma / Math.sqrt(n), n - 1, 0.9);
    const truth = Math.log1p(0.05) + mdc;
    const trials = 3000;
    let flagged = 0;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: n }, () => 100 * Math.exp(0.1 * gauss()));
      const b = a.map((x) => x * Math.exp(truth + sigma * gauss()));
      if (compareMetric('p50Ms', runs(a), runs(b), { design: 'paired' }).verdict === 'regression') flagged++;
    }
    // Binomial sd at 0.8 over 3,000 trials is 0.0073: ± 4 sd.
    expect(flagged / trials).toBeGreaterThan(0.77);
    expect(flagged / trials).toBeLessThan(0.83);
  });

  it('independent design (5 baseline runs, 3 candidate runs): the same holds for the Welch interval', () => {
    const sigma = 0.03;
    const [na, nb] = [5, 3];
    const ua = (sigma * sigma) / na;
    const ub = (sigma * sigma) / nb;
    const df = (ua + ub) ** 2 / (ua * ua / (na - 1) + ub * ub / (nb - 1));
    const mdc = detectableChange(Math.sqrt(ua + ub), df, 0.9);
    const truth = Math.log1p(0.05) + mdc;
    const trials = 3000;
    let flagged = 0;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: na }, () => 100 * Math.exp(sigma * gauss()));
      const b = Array.from({ length: nb }, () => 100 * Math.exp(truth + sigma * gauss()));
      if (compareMetric('p50Ms', runs(a), runs(b)).verdict === 'regression') flagged++;
    }
    // Welch's degrees of freedom are themselves estimated, which costs a little power: 0.8 ± 0.05.
    expect(flagged / trials).toBeGreaterThan(0.75);
    expect(flagged / trials).toBeLessThan(0.85);
  });

  it('states the pairs that bring the detectable change under the tolerance, at the noise it saw', () => {
    const a = [100, 104, 97, 102];
    const b = [101, 99, 104, 100];
    const r = compareMetric('p50Ms', runs(a), runs(b), { design: 'paired' });
    expect(r.verdict).toBe('blind');
    expect(r.mdcPct).toBeGreaterThan(5);
    const need = r.runsNeeded as number;
    const { se } = pairedInterval(a, b, { scale: 'log', confidence: 0.9 });
    // The same per-pair noise over n pairs: se·√(4/n) on n − 1 degrees of freedom.
    const at = (n: number): number => detectableChange(se * Math.sqrt(4 / n), n - 1, 0.9);
    expect(at(need)).toBeLessThanOrEqual(Math.log1p(0.05));
    expect(at(need - 1)).toBeGreaterThan(Math.log1p(0.05));
    expect(r.note).toContain(`${need} pairs would bring it under`);
  });

  it('pairs the runs: a machine that drifts 20 % between pairs does not widen a paired interval', () => {
    const drift = [1, 1.2, 0.9, 1.1];
    const a = drift.map((d) => 100 * d);
    const b = drift.map((d, i) => 110 * d * (1 + (i % 2 === 0 ? 0.005 : -0.005)));
    const paired = pairedInterval(a, b, { scale: 'log', confidence: 0.9 });
    expect(Math.expm1(paired.estimate)).toBeCloseTo(0.1, 2);
    expect(Math.expm1(paired.low)).toBeGreaterThan(0.09);
    expect(compareMetric('p50Ms', runs(a), runs(b), { design: 'paired' }).verdict).toBe('regression');
    // The same runs as independent samples: the drift swamps the 10 % change.
    expect(compareMetric('p50Ms', runs(a), runs(b)).verdict).not.toBe('regression');
    expect(() => pairedInterval([1, 2], [1], { scale: 'log', confidence: 0.9 })).toThrow(/not pairs/);
  });

  it('paired CPU per request is divided by each run\'s machine speed: a ±6 % swing within pairs does not hide a 10 % costlier build', async () => {
    const { compareRuns } = await import('../../../../harness/analysis/regression-compare.ts');
    // CPU ms per request = 0.3 µs-units × calibration (β = 1), ± 0.5 %; B does 10 % more work.
    const cal = { a: [800, 760, 830, 790], b: [750, 810, 780, 835] };
    const run = (c: number, work: number, noise: number) => ({
      metrics: { targetCpuMsPerRequest: 0.0004 * c * work * (1 + noise), calibrationUs: c, p50Ms: 3 },
      samples: { targetCpuMsPerRequest: 50_000, calibrationUs: 400, p50Ms: 50_000 },
    });
    const noise = [0.005, -0.005, 0.003, -0.002];
    const a = cal.a.map((c, i) => run(c, 1, noise[i] as number));
    const b = cal.b.map((c, i) => run(c, 1.1, -(noise[i] as number)));
    const cpu = compareRuns(a, b, { design: 'paired' }).find((x) => x.metric === 'targetCpuMsPerRequest');
    expect(cpu?.changePct).toBeGreaterThan(9);
    expect(cpu?.changePct).toBeLessThan(11);
    expect(cpu?.verdict).toBe('regression');
    expect(cpu?.note).toContain('each run divided by its calibration');
    // Without the calibration the machine's swings widen the interval past the tolerance.
    const raw = compareRuns(a, b, { design: 'paired', machineCorrection: false }).find((x) => x.metric === 'targetCpuMsPerRequest');
    expect(raw?.verdict).not.toBe('regression');
    expect(raw?.mdcPct).toBeGreaterThan(cpu?.mdcPct ?? 0);
  });

  it('a blind gated metric warns by default and fails the run where the scenario says blind: fail', () => {
    const regressions = [{ metric: 'p95Ms', baseline: 9, current: 9.2, changePct: 2.2, ciLowPct: -20, ciHighPct: 30, verdict: 'blind' as const, gated: true, mdcPct: 31.4, runsNeeded: 14 }];
    const base = { abortReason: null, steadyState: null, thresholds: [], regressions, integrity: null, faults: [] };
    const warned = decideVerdict(base);
    expect(warned.verdict).toBe('pass');
    expect(warned.warnings.join('\n')).toMatch(/p95Ms is blind: the smallest change the gate could see is 31\.4 %.*14 runs per side/);
    const failed = decideVerdict({ ...base, blindFails: true });
    expect(failed.verdict).toBe('fail');
    expect(failed.reasons[0]).toMatch(/p95Ms is blind/);
    // Not gated: never blind in the verdict.
    expect(decideVerdict({ ...base, blindFails: true, regressions: [{ ...regressions[0]!, gated: false }] }).verdict).toBe('pass');
  });
});
