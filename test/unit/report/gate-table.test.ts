import { describe, expect, it } from 'vitest';
import { gateSummary, gateTable, headlineRows } from '../../../harness/report/gate-table.ts';
import { changeCells, changeHeaders, formatGateValue } from '../../../harness/report/gate-cells.ts';
import { metricLabel } from '../../../harness/analysis/gate-metrics.ts';
import { decideVerdict } from '../../../harness/analysis/verdict.ts';
import type { RegressionResult } from '../../../harness/contract/run-result.ts';

const g = (metric: string, verdict: RegressionResult['verdict'], extra: Partial<RegressionResult> = {}): RegressionResult => ({
  metric, baseline: 10, current: 11, changePct: 10, ciLowPct: 6, ciHighPct: 14, verdict, rawChangePct: 10, correction: 'none', ...extra,
});

describe('gateTable', () => {
  it('names metrics for people from the one catalogue mapping', () => {
    expect(metricLabel('p50Ms')).toBe('p50 latency');
    expect(metricLabel('rps')).toBe('throughput');
    expect(metricLabel('p95Ms{request:validate}')).toBe('p95 latency · validate');
    expect(metricLabel('targetPeakRssBytes')).toBe('peak target memory (RSS)');
    expect(metricLabel('latency.p99')).toBe('latency.p99'); // outside the catalogue: as it is
  });

  it('tells what fails the run from what only warns, gated or not', () => {
    const regressions = [g('rps', 'regression'), g('p50Ms', 'regression'), g('p99Ms', 'suspect'), g('p95Ms', 'blind'), g('errorRate', 'blind'), g('mttrSec', 'no-data')];
    const reasons = ['errorRate is blind: the smallest change the gate could see is 30.0 %'];
    const t = gateTable({ regressions, reasons });
    const by = Object.fromEntries(t.rows.map((r) => [r.metric, [r.outcome, r.failsRun]]));
    expect(by).toEqual({
      rps: ['worse-not-gated', false], // throughput is reported, not gated (gate-metrics.ts)
      p50Ms: ['regression', true],
      p99Ms: ['suspect', false],
      p95Ms: ['blind', false],
      errorRate: ['blind-fails', true], // the scenario's "blind": "fail" put it in the reasons
      mttrSec: ['no-data', false],
    });
    // Gated first (catalogue order kept), then the reported-only ones.
    expect(t.rows.map((r) => r.metric)).toEqual(['p50Ms', 'p95Ms', 'errorRate', 'mttrSec', 'rps', 'p99Ms']);
    expect(gateSummary(t)).toBe('1 gated regression fails the run · 1 blind gated metric fails the run · 1 reported-only metric worse (not gated, does not fail) · 1 metric suspect (within the noise) · 1 gated metric blind · 1 metric without data');
    // An explicit `gated` (a baseline's or scenario's choice) wins over the catalogue.
    expect(gateTable({ regressions: [g('rps', 'regression', { gated: true })] }).rows[0]?.failsRun).toBe(true);
  });

  it('knows, word for word, which warnings repeat a row', () => {
    const regressions = [g('p99Ms', 'regression', { gated: false }), g('p95Ms', 'suspect', { gated: true }), g('mttrSec', 'no-data', { gated: true })];
    const decided = decideVerdict({ abortReason: null, steadyState: null, thresholds: [], regressions, integrity: null, faults: [] });
    const other = 'the environment fingerprint differs from the baseline';
    const t = gateTable({ regressions, reasons: decided.reasons, warnings: [other, ...decided.warnings] });
    expect(decided.warnings).toHaveLength(3);
    expect([...t.repeatedWarnings].sort()).toEqual([...decided.warnings].sort());
    expect(t.repeatedWarnings.has(other)).toBe(false);
  });

  it('splits raw and corrected change only where the result says which is which', () => {
    const t = gateTable({ regressions: [g('p50Ms', 'regression', { changePct: 14.5, rawChangePct: 7.8, correction: 'machine-speed' }), g('errorRate', 'ok', { changePct: 3, rawChangePct: 3 })] });
    expect(changeHeaders(t)).toEqual(['raw change', 'at equal machine speed']);
    expect(t.rows.map((r) => changeCells(r, t))).toEqual([['+7.8%', '+14.5%'], ['+3.0%', '–']]);
    const ab = gateTable({ regressions: [g('p50Ms', 'ok', { correction: 'paired', changePct: 2 }), g('targetCpuMsPerRequest', 'ok', { correction: 'machine-speed', changePct: 1 })] });
    expect(changeHeaders(ab)).toEqual(['raw change', 'corrected change']);
    expect(ab.rows.map((r) => changeCells(r, ab)[1])).toEqual(['+2.0% (paired)', '+1.0% (speed)']);
    // Older results: one change column, since nobody knows whether it was corrected.
    const old = gateTable({ regressions: [{ metric: 'p50Ms', baseline: 1, current: 1.1, changePct: 14.5, ciLowPct: null, ciHighPct: null, verdict: 'regression' }] });
    expect(changeHeaders(old)).toEqual(['change']);
    expect(changeCells(old.rows[0]!, old)).toEqual(['+14.5%']);
  });

  it('prints values in the metric\'s unit, and folds per-request rows within tolerance', () => {
    expect(formatGateValue(4.563, 'ms')).toBe('4.563 ms');
    expect(formatGateValue(0.0121, 'ratio')).toBe('1.21%');
    expect(formatGateValue(16 * 1024 * 1024, 'bytes')).toBe('16.0 MiB');
    expect(formatGateValue(null, 'ms')).toBe('–');
    const t = gateTable({ regressions: [g('p50Ms', 'ok'), g('p50Ms{request:a}', 'ok'), g('p50Ms{request:b}', 'suspect')] });
    expect(headlineRows(t).map((r) => r.label)).toEqual(['p50 latency', 'p50 latency · b']);
  });
});
