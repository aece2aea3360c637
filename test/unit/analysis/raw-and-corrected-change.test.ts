import { describe, expect, it } from 'vitest';
import { compareMetric, compareRuns, type MetricRun } from '../../../harness/analysis/regression-compare.ts';
import { decideVerdict } from '../../../harness/analysis/verdict.ts';
import { renderMarkdown } from '../../../harness/report/render-markdown.ts';
import { formatRunSummary } from '../../../harness/cli/run-summary.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

/**
 * The case: p50 went 4.563 → 4.919 ms (+7.8 % raw) while the machine ran faster during the
 * candidate runs, so at equal machine speed the build is +14.5 % slower. Runs are built from that
 * known model — p50 = 4.563 ms × (calibration / 100 µs) × 1.145 for the candidate — with ±0.2 %
 * noise, so the gate must recover both numbers and say which is which.
 */
const CHANGE = 1.145;
const BASE_P50 = 4.563;
const CURRENT_P50 = 4.919;
// The candidate's median run: the calibration at which the model gives 4.919 ms (the machine ~5.9 % faster).
const CURRENT_CAL = (100 * CURRENT_P50) / (BASE_P50 * CHANGE);

function run(calibrationUs: number, factor: number, noise: number): MetricRun {
  return {
    metrics: { p50Ms: BASE_P50 * (calibrationUs / 100) * factor * noise, calibrationUs },
    samples: { p50Ms: 5_000, calibrationUs: 400 },
  };
}

const baseline = [run(95, 1, 1.002), run(100, 1, 1), run(105, 1, 0.998)];
const current = [run(CURRENT_CAL - 5, CHANGE, 0.998), run(CURRENT_CAL, CHANGE, 1), run(CURRENT_CAL + 5, CHANGE, 1.002)];

describe('raw and machine-corrected change', () => {
  it('keeps the raw change of the medians beside the change at equal machine speed', () => {
    const [p50] = compareRuns(baseline, current, { tolerancePct: 5 });
    expect(p50?.metric).toBe('p50Ms');
    expect(p50?.baseline).toBeCloseTo(4.563, 9);
    expect(p50?.current).toBeCloseTo(4.919, 9);
    expect(p50?.rawChangePct).toBeCloseTo((4.919 / 4.563 - 1) * 100, 9); // +7.80 %
    expect(p50?.rawChangePct?.toFixed(1)).toBe('7.8');
    expect(p50?.correction).toBe('machine-speed');
    expect(p50?.changePct).toBeGreaterThan(14.2);
    expect(p50?.changePct).toBeLessThan(14.8);
    expect(p50?.verdict).toBe('regression');
  });

  it('without machine correction the judged change is the raw one, and says so', () => {
    const [p50] = compareRuns(baseline, current, { tolerancePct: 5, machineCorrection: false });
    expect(p50?.correction).toBe('none');
    expect(p50?.changePct).toBe(p50?.rawChangePct);
    expect(p50?.changePct?.toFixed(1)).toBe('7.8');
  });

  it('labels a paired comparison (stresslab ab) as such, with the raw change of the medians kept', () => {
    const a = [100, 102, 98, 101].map((value) => ({ value, samples: 5_000 }));
    const b = [110, 111, 109, 112].map((value) => ({ value, samples: 5_000 }));
    const r = compareMetric('p95Ms', a, b, { design: 'paired' });
    expect(r.correction).toBe('paired');
    expect(r.rawChangePct).toBeCloseTo((110.5 / 100.5 - 1) * 100, 9);
    expect(r.changePct).not.toBe(r.rawChangePct);
  });

  it('says both numbers, labelled, in the verdict reason, the report and the CLI summary', () => {
    const regressions = compareRuns(baseline, current, { tolerancePct: 5 }).filter((r) => r.metric === 'p50Ms');
    const decided = decideVerdict({ abortReason: null, steadyState: null, thresholds: [], regressions, integrity: null, faults: [] });
    expect(decided.verdict).toBe('fail');
    expect(decided.reasons[0]).toMatch(/^p50Ms regressed: 4\.56 → 4\.92 \(raw \+7\.8 %\), \+14\.\d % at equal machine speed \(90 % CI /);
    const result = { ...loadFixtureResult(), ...decided, regressions };
    const md = renderMarkdown(result);
    expect(md).toMatch(/\| p50 latency \| gated \| 4\.563 ms \| 4\.919 ms \| \+7\.8% \| \+14\.\d% \| ❌ \*\*regression \(fails the run\)\*\* \|/);
    const cli = formatRunSummary(result);
    expect(cli).toMatch(/raw change\s+at equal machine speed/);
    expect(cli).toMatch(/p50 latency\s+gated\s+4\.563 ms\s+4\.919 ms\s+\+7\.8%\s+\+14\.\d%\s+\[\+\d+\.\d%, \+\d+\.\d%\]\s+✗ regression \(fails the run\)/);
    expect(cli).toContain('gate: 1 gated regression fails the run');
  });
});
