import { describe, expect, it } from 'vitest';
import { baselineMetrics } from '../../../harness/baseline/baseline-metrics.ts';
import { compareRuns } from '../../../harness/analysis/regression-compare.ts';
import { runResult, stats } from './run-result-fixture.ts';

describe('baselineMetrics', () => {
  it('flattens a result into metric values with sample counts', () => {
    const m = baselineMetrics(runResult());
    expect(m.metrics).toMatchObject({
      p50Ms: 20,
      p95Ms: 40,
      p99Ms: 60,
      rps: 100,
      errorRate: 0.001,
      'p95Ms{request:validate}': 50,
      'errorRate{request:execute}': 0.001,
      mttrSec: 2,
      ttdSec: 0.5,
      targetPeakRssBytes: 120e6,
      targetPeakCpuPercent: 85,
    });
    expect(m.samples).toMatchObject({ p95Ms: 6000, 'p99Ms{request:execute}': 2000, mttrSec: 2, ttdSec: 2 });
    expect(m.samples['targetPeakRssBytes']).toBeUndefined();
  });

  it('leaves out what the run did not have, and nulls what it had without data', () => {
    const m = baselineMetrics(runResult({
      faults: [],
      resources: { host: null, target: null, harness: null },
      requests: { status: stats(0, 0) },
    }));
    expect(Object.keys(m.metrics)).not.toContain('mttrSec');
    expect(Object.keys(m.metrics)).not.toContain('targetPeakRssBytes');
    expect(m.metrics['p95Ms{request:status}']).toBeNull();
    expect(m.samples['p95Ms{request:status}']).toBe(0);
  });

  it('feeds the regression gate end to end', () => {
    const base = [38, 40, 41, 39, 40].map((p95, i) => baselineMetrics(runResult({ runId: `b${i}`, totals: stats(6000, p95, 6) })));
    const slower = baselineMetrics(runResult({ totals: stats(6000, 46, 6) }));
    const r = compareRuns(base, [slower]);
    expect(r.find((x) => x.metric === 'p95Ms')?.verdict).toBe('regression');
    expect(r.find((x) => x.metric === 'errorRate')?.verdict).toBe('ok');
    // The faults were identical in every run, so MTTR has no noise and no change.
    expect(r.find((x) => x.metric === 'mttrSec')?.verdict).toBe('ok');
  });
});
