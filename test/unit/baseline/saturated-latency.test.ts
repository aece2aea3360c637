import { describe, expect, it } from 'vitest';
import { baselineMetrics } from '../../../harness/baseline/baseline-metrics.ts';
import { compareRuns } from '../../../harness/analysis/regression-compare.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import { passingResult } from '../../fixtures/report/load-fixture.ts';

/** A run whose p50 is `p50` ms, its generator saturated or not. */
function run(p50: number, saturated: boolean): RunResult {
  const r = passingResult();
  return { ...r, generatorSaturated: saturated, totals: { ...r.totals, requests: 5000, latencyMs: { ...r.totals.latencyMs, p50 } }, requests: {} };
}

describe('a saturated generator\'s latency is left out run by run', () => {
  it('baselineMetrics holds no latency for a saturated run, its other metrics stand', () => {
    const m = baselineMetrics(run(10, true));
    expect(m.metrics['p50Ms']).toBeNull();
    expect(m.metrics['p99Ms']).toBeNull();
    expect(m.metrics['rps']).toBeGreaterThan(0);
    expect(baselineMetrics(run(10, false)).metrics['p50Ms']).toBe(10);
  });

  it('the gate still judges latency from the runs that were not saturated', () => {
    const baseline = [run(10, false), run(10.2, false), run(9.9, false), run(10.1, false)].map(baselineMetrics);
    // Three candidate runs 20 % slower; the last one saturated, its 40 ms left out.
    const current = [run(12, false), run(12.1, false), run(40, true)].map(baselineMetrics);
    const p50 = compareRuns(baseline, current, { machineCorrection: false }).find((c) => c.metric === 'p50Ms');
    expect(p50?.current).toBeCloseTo(12.05, 5);
    expect(p50?.verdict).toBe('regression');
    // Only the saturated run: nothing to judge latency with.
    const alone = compareRuns(baseline, [run(40, true)].map(baselineMetrics), { machineCorrection: false }).find((c) => c.metric === 'p50Ms');
    expect(alone?.verdict).toBe('no-data');
  });
});
