import { describe, expect, it } from 'vitest';
import { covariateInterval } from '../../../../harness/analysis/stats/covariate-interval.ts';
import { compareMetric, compareRuns } from '../../../../harness/analysis/regression-compare.ts';
import type { MetricRun, RunValue } from '../../../../harness/analysis/regression-compare.ts';
import { createRng, gaussian } from '../../../../harness/core/seeded-rng.ts';

/**
 * Runs on a machine whose speed swings from run to run (as measured on the 2-core CI machine: the
 * calibration unit cost 1,600–2,400 µs between runs minutes apart) and latency that follows it with
 * slope β, times the build's change, times 1.5 % of other noise. Latency is around 40 ms so that
 * changes clear p50's 1 ms absolute floor.
 */
function machineRuns(seed: number, n: number, opts: { change?: number; beta?: number; speeds?: number[] } = {}): { value: number; covariate: number }[] {
  const rng = createRng(seed);
  const gauss = (): number => gaussian(rng);
  return Array.from({ length: n }, (_, i) => {
    const covariate = opts.speeds?.[i] ?? 2000 * Math.exp(0.15 * gauss());
    const value = 40 * (covariate / 2000) ** (opts.beta ?? 0.75) * (1 + (opts.change ?? 0)) * Math.exp(0.015 * gauss());
    return { value, covariate };
  });
}

describe('covariateInterval (change at equal machine speed)', () => {
  it('recovers the build change and the slope from runs on a drifting machine', () => {
    const a = machineRuns(1, 8);
    const b = machineRuns(2, 2, { change: 0.1 });
    const ci = covariateInterval(a.map((r) => r.value), b.map((r) => r.value), a.map((r) => r.covariate), b.map((r) => r.covariate), 0.9);
    expect(ci).not.toBeNull();
    expect(Math.expm1(ci!.estimate)).toBeGreaterThan(0.06);
    expect(Math.expm1(ci!.estimate)).toBeLessThan(0.14);
    expect(ci!.low).toBeLessThan(Math.log(1.1));
    expect(ci!.high).toBeGreaterThan(Math.log(1.1));
    expect(ci!.beta).toBeGreaterThan(0.5);
    expect(ci!.beta).toBeLessThan(1);
    expect(ci!.df).toBe(7);
  });

  it('covers the true change in about 90 % of repetitions', () => {
    let covered = 0;
    const reps = 400;
    for (let i = 0; i < reps; i++) {
      const a = machineRuns(100 + i, 6);
      const b = machineRuns(10_000 + i, 2, { change: 0.1 });
      const ci = covariateInterval(a.map((r) => r.value), b.map((r) => r.value), a.map((r) => r.covariate), b.map((r) => r.covariate), 0.9)!;
      if (ci.low <= Math.log(1.1) && Math.log(1.1) <= ci.high) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.85);
    expect(covered / reps).toBeLessThan(0.95);
  });

  it('cannot be fitted with fewer than 2 residual degrees of freedom or a constant covariate', () => {
    expect(covariateInterval([1, 2], [3], [1, 2], [3], 0.9)).toBeNull();
    expect(covariateInterval([4, 4.1, 3.9, 4], [4.4], [2000, 2000, 2000, 2000], [2000], 0.9)).toBeNull();
    // The covariate is a function of the group: a faster machine and a faster build are one thing.
    expect(covariateInterval([4, 4.1, 3.9, 4], [4.4, 4.5], [2000, 2000, 2000, 2000], [2500, 2500], 0.9)).toBeNull();
  });
});

describe('compareMetric with the machine calibration', () => {
  const withCov = (runs: { value: number; covariate: number }[]): RunValue[] => runs.map((r) => ({ ...r, samples: 50_000 }));
  const plain = (runs: { value: number; covariate: number }[]): RunValue[] => runs.map((r) => ({ value: r.value, samples: 50_000 }));
  const speeds = [1700, 2300, 1900, 2100, 1800, 2200, 2000, 2050];

  it('flags a 10 % regression that a 20 % faster machine hides from the raw comparison', () => {
    const a = machineRuns(7, 8, { speeds });
    const b = machineRuns(8, 2, { change: 0.1, speeds: [1600, 1600] });
    const raw = compareMetric('p50Ms', plain(a), plain(b));
    expect(raw.verdict).not.toBe('regression');
    const corrected = compareMetric('p50Ms', withCov(a), withCov(b));
    expect(corrected.verdict).toBe('regression');
    expect(corrected.changePct).toBeGreaterThan(5);
    expect(corrected.note).toMatch(/corrected for machine speed, β = 0\.\d\d/);
  });

  it('does not flag an unchanged build on a 25 % slower machine, which the raw comparison does', () => {
    const a = machineRuns(9, 8, { speeds });
    const b = machineRuns(10, 2, { speeds: [2600, 2600] });
    expect(compareMetric('p50Ms', plain(a), plain(b)).verdict).toBe('regression');
    const corrected = compareMetric('p50Ms', withCov(a), withCov(b));
    expect(corrected.verdict).toBe('ok');
    expect(Math.abs(corrected.changePct ?? 99)).toBeLessThan(5);
  });

  it('falls back to the plain interval when a run has no calibration', () => {
    const a = machineRuns(11, 6, { speeds });
    const b = machineRuns(12, 1, { speeds: [2000] });
    const missing = [...withCov(a).slice(0, 5), { value: a[5]!.value, samples: 50_000, covariate: null }];
    const r = compareMetric('p50Ms', missing, withCov(b));
    expect(r.note).not.toMatch(/corrected/);
    expect(r.changePct).toBeCloseTo(((b[0]!.value / r.baseline!) - 1) * 100, 9);
  });
});

describe('compareRuns uses calibrationUs for latency and throughput, unless switched off', () => {
  const run = (p50: number, rps: number, cal: number): MetricRun => ({
    metrics: { p50Ms: p50, rps, calibrationUs: cal },
    samples: { p50Ms: 50_000, rps: 50_000, calibrationUs: 400 },
  });
  // p50 ≈ 40 ms × (calibration / 2000)^0.75 (± 1 %), in tens of ms to clear the 1 ms floor.
  const baseline = [run(35.6, 2000, 1700), run(44.1, 1700, 2300), run(40.3, 1850, 2000), run(42.0, 1800, 2150), run(37.2, 1950, 1800)];
  const slowMachine = [run(48.2, 1600, 2600), run(48.3, 1620, 2550)];

  it('corrects p50 and rps (neither worse on a slower machine), and never judges the calibration', () => {
    const byMetric = Object.fromEntries(compareRuns(baseline, slowMachine).map((c) => [c.metric, c]));
    expect(byMetric['p50Ms']?.note).toMatch(/corrected for machine speed/);
    expect(byMetric['p50Ms']?.verdict).toBe('ok');
    // Throughput falls as the machine slows (β < 0): corrected, the 13 % drop is the machine's.
    expect(byMetric['rps']?.note).toMatch(/corrected for machine speed, β = -0\.\d\d/);
    expect(byMetric['rps']?.verdict).toBe('ok');
    expect(Math.abs(byMetric['rps']?.changePct ?? 99)).toBeLessThan(5);
    expect(Object.keys(byMetric)).not.toContain('calibrationUs');
  });

  it('corrects the target\'s CPU per request, which follows the machine like the probe does, and still sees a 10 % costlier build', () => {
    // CPU ms per request = 0.00015 × calibration (β = 1), ± 1 %; the candidate costs 10 % more.
    const cpuRun = (cal: number, noise: number, factor = 1): MetricRun => ({
      metrics: { targetCpuMsPerRequest: 0.00015 * cal * factor * (1 + noise), calibrationUs: cal },
      samples: { targetCpuMsPerRequest: 50_000, calibrationUs: 400 },
    });
    const base = [cpuRun(1700, 0.01), cpuRun(2300, -0.01), cpuRun(2000, 0), cpuRun(2150, 0.005), cpuRun(1800, -0.005)];
    const sameBuildFasterMachine = [cpuRun(1400, 0.01), cpuRun(1450, -0.01)];
    const costlierBuildFasterMachine = [cpuRun(1400, 0.01, 1.1), cpuRun(1450, -0.01, 1.1)];
    const same = compareRuns(base, sameBuildFasterMachine).find((c) => c.metric === 'targetCpuMsPerRequest');
    expect(same?.note).toMatch(/corrected for machine speed, β = (0\.9|1\.0)/);
    expect(same?.verdict).toBe('ok');
    const costlier = compareRuns(base, costlierBuildFasterMachine).find((c) => c.metric === 'targetCpuMsPerRequest');
    expect(costlier?.gated).toBe(true);
    expect(costlier?.verdict).toBe('regression');
    expect(costlier?.changePct).toBeGreaterThan(7);
    expect(costlier?.changePct).toBeLessThan(13);
    // Raw, the faster machine hides the costlier build, and the machine's swings leave the comparison
    // blind to a change of 5 %: it says so instead of passing it as ok.
    const raw = compareRuns(base, costlierBuildFasterMachine, { machineCorrection: false }).find((c) => c.metric === 'targetCpuMsPerRequest');
    expect(raw?.verdict).toBe('blind');
    expect(raw?.mdcPct).toBeGreaterThan(15);
  });

  it('compares raw latency and throughput with machineCorrection: false', () => {
    const raw = compareRuns(baseline, slowMachine, { machineCorrection: false });
    const p50 = raw.find((c) => c.metric === 'p50Ms');
    expect(p50?.note).not.toMatch(/corrected/);
    expect(p50?.verdict).toBe('regression');
    const rps = raw.find((c) => c.metric === 'rps');
    expect(rps?.note).not.toMatch(/corrected/);
    expect(rps?.changePct).toBeLessThan(-10);
  });
});
