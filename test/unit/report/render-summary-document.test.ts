import { describe, expect, it } from 'vitest';
import { SUMMARY_SCHEMA_VERSION, summaryDocumentSchema } from '../../../harness/contract/summary-document.ts';
import { renderSummaryJson, summaryDocument } from '../../../harness/report/render-summary-document.ts';
import { loadFixtureResult, passingResult } from '../../fixtures/report/load-fixture.ts';

const context = { command: 'run', exitCode: 1, runDir: '/tmp/reports/chaos-db/20261122T101500Z-ab12' };

describe('summaryDocument (the --json / --summary-export document)', () => {
  it('carries the verdict, reasons, exit code, run directory and totals of the result, valid against its schema', () => {
    const result = loadFixtureResult();
    const doc = summaryDocumentSchema.parse(summaryDocument(result, context));
    expect(doc.schemaVersion).toBe(SUMMARY_SCHEMA_VERSION);
    expect(doc.verdict).toBe('fail');
    expect(doc.exitCode).toBe(1);
    expect(doc.runDir).toBe(context.runDir);
    expect(doc.reasons).toEqual(result.reasons);
    expect(doc.scenario).toEqual({ name: result.scenario.name, profile: result.scenario.profile });
    expect(doc.totals.requests).toBe(result.totals.requests);
    expect(doc.totals.errors).toBe(result.totals.errors);
    expect(doc.totals.errorRate).toBe(result.totals.errorRate);
    expect(doc.totals.latencyMs).toEqual({ p50: 54.2, p90: 142.9, p95: 203.8, p99: 911.6, max: 5000.1, mean: 76.9 });
    expect(doc.thresholds.filter((t) => !t.pass).map((t) => t.metric)).toEqual(result.thresholds.filter((t) => !t.pass).map((t) => t.metric));
  });

  it('splits gated regressions (they fail the run) from reported-only ones, leaving ok and no-data out', () => {
    const doc = summaryDocument(loadFixtureResult(), context);
    expect(doc.regressions.compared).toBe(6);
    // p95Ms regressed and is gated; p99Ms regressed but is not gated; errorRate is gated but only suspect.
    expect(doc.regressions.gated.map((r) => r.metric)).toEqual(['p95Ms']);
    expect(doc.regressions.gated[0]).toMatchObject({ verdict: 'regression', gated: true });
    expect(doc.regressions.reportedOnly.map((r) => [r.metric, r.verdict, r.gated])).toEqual([
      ['p99Ms', 'regression', false],
      ['errorRate', 'suspect', true],
    ]);
  });

  it('gives fault times in seconds with TTD, TTR and MTTR, and the integrity counts', () => {
    const doc = summaryDocument(loadFixtureResult(), context);
    expect(doc.faults[0]).toEqual({ name: 'db-latency', kind: 'db-latency', injectedAtSec: 60, removedAtSec: 90, ttdSec: 2, ttrSec: 6, recovered: true, effect: null });
    expect(doc.recovery).toEqual({ mttrSec: 6, maxTtrSec: 6, notRecovered: 1 });
    expect(doc.integrity).toEqual({ status: 'complete', accepted: 10388, terminal: 10386, lost: 0, stuck: 2, duplicated: 0 });
  });

  it('keeps OK and KO latency apart, the failure windows in seconds, the git sha, and both the raw and the corrected change', () => {
    const result = loadFixtureResult();
    const doc = summaryDocumentSchema.parse(summaryDocument(result, context));
    expect(doc.gitSha).toBe(result.gitSha);
    expect(doc.totals.okLatencyMs?.p95).toBe(183.4);
    expect(doc.totals.koLatencyMs?.p95).toBe(5000.1);
    expect(doc.failureWindows.windows.map((w) => [w.fromSec, w.toSec, w.errors, w.faults])).toEqual([
      [61, 88, 197, ['db-latency']],
      [120, 176, 366, ['db-partition']],
    ]);
    const p95 = result.regressions.find((r) => r.metric === 'p95Ms');
    expect(doc.regressions.gated[0]).toMatchObject({ changePct: p95?.changePct, rawChangePct: p95?.rawChangePct, correction: p95?.correction });
    expect(doc.regressions.gated[0]?.rawChangePct).not.toBe(doc.regressions.gated[0]?.changePct);
  });

  it('a passing run without faults, gate or audit: empty lists and nulls, not missing fields', () => {
    const doc = summaryDocumentSchema.parse(summaryDocument(passingResult(), { ...context, exitCode: 0 }));
    expect(doc).toMatchObject({ verdict: 'pass', exitCode: 0, reasons: [], faults: [], integrity: null, regressions: { compared: 0, gated: [], reportedOnly: [] } });
    expect(doc.recovery.mttrSec).toBeNull();
    expect(doc.failureWindows).toEqual({ windows: [], omitted: 0 });
  });

  it('renders as one JSON document that parses back to itself', () => {
    const doc = summaryDocument(loadFixtureResult(), context);
    const text = renderSummaryJson(doc);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(doc);
  });
});
