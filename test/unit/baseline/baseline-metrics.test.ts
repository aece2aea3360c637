import { describe, expect, it } from 'vitest';
import { baselineMetrics } from '../../../harness/baseline/baseline-metrics.ts';
import { compareRuns } from '../../../harness/analysis/regression-compare.ts';
import { newBaseline } from '../../../harness/baseline/baseline-builder.ts';
import { baselineSchema } from '../../../harness/baseline/baseline-schema.ts';
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

  it('gives the target\'s CPU time per request when its CPU was integrated', () => {
    const r = runResult();
    const target = r.resources.target!;
    const m = baselineMetrics({ ...r, resources: { ...r.resources, target: { ...target, cpuSeconds: 1.8 } } });
    // 1.8 CPU seconds over the run's 6,000 requests.
    expect(m.metrics['targetCpuMsPerRequest']).toBeCloseTo(0.3, 12);
    expect(m.samples['targetCpuMsPerRequest']).toBe(6000);
    // Results written before cpuSeconds existed have no such metric (not a 0).
    expect(baselineMetrics(r).metrics).not.toHaveProperty('targetCpuMsPerRequest');
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

describe('the machine calibration in baselines', () => {
  const calibrated = (runId: string, unitCpuUs: number) => {
    const r = runResult({ runId });
    return { ...r, environment: { ...r.environment, calibration: { unitCpuUs, samples: 420 } } };
  };

  it('is a per-run metric (calibrationUs), not part of the baseline environment', () => {
    const base = newBaseline([calibrated('a', 1100), calibrated('b', 1300)], { nowIso: '2026-01-01T00:00:00.000Z', harnessVersion: '0.1.0' });
    expect(baselineSchema.parse(base).environment).not.toHaveProperty('calibration');
    expect(base.runs.map((r) => r.metrics['calibrationUs'])).toEqual([1100, 1300]);
    expect(base.runs[0]?.samples['calibrationUs']).toBe(420);
    expect(base.analysis.machineCorrection).toBe(true);
  });

  it('reads baselines written before machineCorrection existed as corrected', () => {
    const base = newBaseline([calibrated('a', 1100), calibrated('b', 1300)], { nowIso: '2026-01-01T00:00:00.000Z', harnessVersion: '0.1.0' });
    const { machineCorrection: _dropped, ...olderAnalysis } = base.analysis;
    expect(baselineSchema.parse({ ...base, analysis: olderAnalysis }).analysis.machineCorrection).toBe(true);
  });

  it('is absent for runs without calibration (a remote target)', () => {
    expect(baselineMetrics(runResult()).metrics).not.toHaveProperty('calibrationUs');
  });
});
