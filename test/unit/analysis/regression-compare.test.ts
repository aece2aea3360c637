import { describe, expect, it } from 'vitest';
import { compareMetric, compareRuns } from '../../../harness/analysis/regression-compare.ts';
import type { MetricRun, RunValue } from '../../../harness/analysis/regression-compare.ts';
import { createRng as createSeededRng } from '../../../harness/core/seeded-rng.ts';
import { studentTCdf, studentTQuantile } from '../../../harness/analysis/stats/student-t.ts';

const runs = (values: number[], samples = 10_000): RunValue[] => values.map((value) => ({ value, samples }));
const quiet = runs([100, 101, 99, 100.5, 99.5]);

describe('compareMetric (docs/regression-gate.md)', () => {
  it('flags a clear 10 % regression', () => {
    const r = compareMetric('p95Ms', quiet, runs([110]));
    expect(r.verdict).toBe('regression');
    expect(r.baseline).toBe(100);
    expect(r.current).toBe(110);
    expect(r.changePct).toBeCloseTo(10, 9);
    expect(r.ciLowPct).toBeGreaterThan(5);
    expect(r.ciHighPct).toBeGreaterThan(10);
    expect(r.gated).toBe(true);
  });

  it('calls a 3 % change inside the noise blind when the comparison could not have seen 5 %, ok when it could', () => {
    // One candidate run against five with 4 % noise: the interval spans −8 … +14 %.
    const r = compareMetric('p95Ms', runs([95, 105, 100, 98, 102]), runs([103]));
    expect(r.verdict).toBe('blind');
    expect(r.ciLowPct).toBeLessThan(0);
    expect(r.ciHighPct).toBeGreaterThan(5);
    expect(r.mdcPct).toBeGreaterThan(5);
    expect(r.decided).toBe(false);
    expect(r.note).toMatch(/could not have seen a change of the 5 % tolerance: the smallest change it detects with 80 % power is \d+\.\d %/);
    // With as many runs per side as it says it needs, the same noise sees 5 % and the verdict is ok.
    const n = r.runsNeeded as number;
    expect(n).toBeGreaterThan(1);
    const noise = [95, 105, 100, 98, 102];
    const many = (k: number, scale: number): number[] => Array.from({ length: k }, (_, i) => (noise[i % 5] as number) * scale);
    const enough = compareMetric('p95Ms', runs(many(n, 1)), runs(many(n, 1.0)));
    expect(enough.verdict).toBe('ok');
    expect(enough.mdcPct).toBeLessThanOrEqual(5);
    // Not gated (p99 is warn-only): reported as ok with its detectable change, never blind.
    expect(compareMetric('p99Ms', runs([95, 105, 100, 98, 102]), runs([103])).verdict).toBe('ok');
  });

  it('calls a 6 % change inside large noise suspect, not regression', () => {
    const r = compareMetric('p95Ms', runs([80, 120, 100, 90, 110]), runs([106]));
    expect(r.changePct).toBeCloseTo(6, 9);
    expect(r.verdict).toBe('suspect');
    expect(r.ciLowPct).toBeLessThan(0);
  });

  it('needs the whole interval beyond the tolerance: with 1 % noise, 8 % is a regression, 6 % only suspect', () => {
    expect(compareMetric('p95Ms', quiet, runs([108])).verdict).toBe('regression');
    expect(compareMetric('p95Ms', quiet, runs([106])).verdict).toBe('suspect');
    expect(compareMetric('p95Ms', quiet, runs([104])).verdict).toBe('ok');
  });

  it('reports no-data for too few samples or too few baseline runs', () => {
    const p99 = compareMetric('p99Ms', runs([100, 101, 99], 1500), runs([130], 1500));
    expect(p99.verdict).toBe('no-data');
    expect(p99.note).toMatch(/2000 samples/);
    const one = compareMetric('p95Ms', runs([100]), runs([130]));
    expect(one.verdict).toBe('no-data');
    expect(one.changePct).toBeCloseTo(30, 9);
    expect(one.ciLowPct).toBeNull();
    expect(compareMetric('p95Ms', quiet, [{ value: null }]).verdict).toBe('no-data');
    expect(compareMetric('p95Ms', quiet, runs([130], 100)).verdict).toBe('no-data');
  });

  it('knows higher is better for throughput', () => {
    const base = runs([1000, 1005, 995, 1002, 998]);
    const slower = compareMetric('rps', base, runs([880]));
    expect(slower.verdict).toBe('regression');
    expect(slower.changePct).toBeCloseTo(-12, 9);
    expect(slower.ciHighPct).toBeLessThan(-5);
    expect(slower.gated).toBe(false);
    expect(compareMetric('rps', base, runs([1150])).verdict).toBe('ok');
    expect(compareMetric('p95Ms', quiet, runs([80])).verdict).toBe('ok');
  });

  it('judges error rates by absolute floors near zero', () => {
    const zero = runs([0, 0, 0, 0, 0]);
    const tiny = compareMetric('errorRate', zero, runs([0.0005]));
    expect(tiny.verdict).toBe('ok');
    expect(tiny.changePct).toBeNull();
    expect(compareMetric('errorRate', zero, runs([0.01])).verdict).toBe('regression');
    expect(compareMetric('errorRate', runs([0.0001, 0.0002, 0, 0.0001, 0]), runs([0.0008])).verdict).toBe('ok');
    expect(compareMetric('errorRate', runs([0, 0.004, 0, 0.003, 0]), runs([0.004])).verdict).toBe('suspect');
  });

  it('never counts a latency change below the absolute floor (0.1 ms for p50)', () => {
    const r = compareMetric('p50Ms', runs([0.2, 0.2, 0.2, 0.2, 0.2]), runs([0.25]));
    expect(r.changePct).toBeCloseTo(25, 9);
    expect(r.verdict).toBe('ok');
    expect(r.note).toMatch(/absolute floor/);
    // A 3 ms service's 10 % is above it: a millisecond floor would make it ungateable.
    expect(compareMetric('p50Ms', runs([3, 3.02, 2.98, 3, 3.01]), runs([3.3])).verdict).toBe('regression');
  });

  it('uses the floors a baseline recorded instead of the catalogue\'s', () => {
    const baseline: MetricRun[] = [3, 3.02, 2.98, 3, 3.01].map((v) => ({ metrics: { p50Ms: v }, samples: { p50Ms: 10_000 } }));
    const current: MetricRun[] = [{ metrics: { p50Ms: 3.3 }, samples: { p50Ms: 10_000 } }];
    expect(compareRuns(baseline, current)[0]?.verdict).toBe('regression');
    expect(compareRuns(baseline, current, { floors: { p50Ms: 1 } })[0]?.verdict).toBe('ok');
  });

  it('compares MTTR on the difference scale when a run had none (0 s)', () => {
    expect(compareMetric('mttrSec', runs([0, 3, 3, 3, 3], 1), runs([12], 1)).verdict).toBe('regression');
    expect(compareMetric('mttrSec', runs([3, 3, 3, 3, 3], 1), runs([4], 1)).verdict).toBe('ok');
  });

  it('is deterministic with a seed (bootstrap) and agrees with Welch on clear cases', () => {
    const base = runs([100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100, 102, 98, 100]);
    const cur = runs([111, 109, 110, 112, 108, 110, 111, 109]);
    const a = compareMetric('p95Ms', base, cur, { method: 'bootstrap', rng: createSeededRng(7) });
    const b = compareMetric('p95Ms', base, cur, { method: 'bootstrap', rng: createSeededRng(7) });
    const c = compareMetric('p95Ms', base, cur, { method: 'bootstrap', rng: createSeededRng(8) });
    expect(a).toEqual(b);
    expect(c.ciLowPct).not.toBe(a.ciLowPct);
    expect(a.verdict).toBe('regression');
    expect(compareMetric('p95Ms', base, cur).verdict).toBe('regression');
  });

  it('warns on every verdict when the fingerprints differ', () => {
    const r = compareMetric('p95Ms', quiet, runs([100]), { fingerprintMismatch: true });
    expect(r.verdict).toBe('ok');
    expect(r.warnings[0]).toMatch(/fingerprint differs/);
  });
});

describe('compareRuns', () => {
  const run = (p95: number, errorRate: number, validateP95: number): MetricRun => ({
    metrics: { errorRate, 'p95Ms{request:validate}': validateP95, p95Ms: p95 },
    samples: { errorRate: 5000, 'p95Ms{request:validate}': 3000, p95Ms: 5000 },
  });
  const baseline = [run(100, 0, 50), run(101, 0, 51), run(99, 0, 49), run(100, 0, 50)];

  it('compares every metric in catalogue order with per-metric tolerances', () => {
    const r = compareRuns(baseline, [run(108, 0, 51)], { metricTolerancePct: { p95Ms: 10 } });
    expect(r.map((x) => [x.metric, x.verdict])).toEqual([
      ['p95Ms', 'ok'],
      ['errorRate', 'ok'],
      ['p95Ms{request:validate}', 'ok'],
    ]);
    const strict = compareRuns(baseline, [run(108, 0, 58)], { metricTolerancePct: { p95Ms: 10, 'p95Ms{request:validate}': 5 } });
    expect(strict[0]?.verdict).toBe('ok');
    expect(strict.find((x) => x.metric === 'p95Ms{request:validate}')?.verdict).toBe('regression');
    const ungated = compareRuns(baseline, [run(120, 0, 50)], { gated: { p95Ms: false } });
    expect(ungated[0]).toMatchObject({ metric: 'p95Ms', verdict: 'regression', gated: false });
  });
});

describe('student t', () => {
  it('matches scipy.stats.t', () => {
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.1318467863266495, 8);
    expect(studentTQuantile(0.95, 7.3)).toBeCloseTo(1.8829300179564308, 8);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 7);
    expect(studentTCdf(-2.1, 3)).toBeCloseTo(0.0632826012748423, 10);
  });
});
