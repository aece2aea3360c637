import { metricSpecFor } from '../analysis/gate-metrics.ts';
import type { RegressionResult, RunResult } from '../contract/run-result.ts';
import type { LatencySummaryMs } from '../contract/stats.ts';
import { SUMMARY_SCHEMA_VERSION } from '../contract/summary-document.ts';
import type { SummaryDocument, SummaryRegression, SummaryRegressions } from '../contract/summary-document.ts';

export interface SummaryContext {
  /** The command that produced the result: `run`, `ab`, `merge`, `report`. */
  command: string;
  /** The exit code the process ends with (the verdict's, or 5 when the harness failed on the way). */
  exitCode: number;
  /** The run directory, absolute. */
  runDir: string;
}

/** The `--json` / `--summary-export` document of a run (contract/summary-document.ts), from its result alone. */
export function summaryDocument(result: RunResult, context: SummaryContext): SummaryDocument {
  const t = result.totals;
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    tool: 'stresslab',
    toolVersion: result.environment.fingerprint.harnessVersion,
    command: context.command,
    runId: result.runId,
    scenario: { name: result.scenario.name, profile: result.scenario.profile },
    seed: result.seed ?? null,
    gitSha: result.gitSha ?? null,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    verdict: result.verdict,
    exitCode: context.exitCode,
    reasons: [...result.reasons],
    warnings: [...result.warnings],
    runDir: context.runDir,
    totals: {
      requests: t.requests,
      errors: t.errors,
      errorRate: t.errorRate,
      rps: t.rps,
      droppedIterations: t.droppedIterations,
      cancelled: t.cancelled ?? 0,
      statusCounts: { ...t.statusCounts },
      errorKinds: { ...t.errorKinds },
      latencyMs: latencyEntry(t.latencyMs),
      okLatencyMs: t.okLatencyMs ? latencyEntry(t.okLatencyMs) : null,
      koLatencyMs: t.koLatencyMs ? latencyEntry(t.koLatencyMs) : null,
    },
    failureWindows: {
      windows: (result.failureWindows?.windows ?? []).map((w) => ({
        fromSec: w.fromMs / 1000,
        toSec: w.toMs / 1000,
        requests: w.requests,
        errors: w.errors,
        statusCounts: { ...w.statusCounts },
        errorKinds: { ...w.errorKinds },
        peakErrorsPerSec: w.peakErrorsPerSec,
        faults: [...w.faults],
      })),
      omitted: result.failureWindows?.omitted ?? 0,
    },
    thresholds: result.thresholds.map((x) => ({ metric: x.metric, expression: x.expression, actual: x.actual, pass: x.pass })),
    regressions: summaryRegressions(result.regressions),
    faults: result.faults.map((f) => ({
      name: f.name,
      kind: f.kind,
      injectedAtSec: f.injectedAtMs / 1000,
      removedAtSec: f.removedAtMs / 1000,
      ttdSec: f.ttdSec,
      ttrSec: f.ttrSec,
      recovered: f.recovered,
      effect: f.effect ?? null,
    })),
    recovery: { mttrSec: result.recovery.mttrSec, maxTtrSec: result.recovery.maxTtrSec, notRecovered: result.recovery.notRecovered },
    integrity:
      result.integrity === null
        ? null
        : {
            status: result.integrity.status,
            accepted: result.integrity.accepted,
            terminal: result.integrity.terminal,
            lost: result.integrity.lost,
            stuck: result.integrity.stuck,
            duplicated: result.integrity.duplicated,
          },
    generatorSaturated: result.generatorSaturated ?? null,
  };
}

/** The document as printed and exported: indented JSON, one trailing newline. */
export function renderSummaryJson(doc: SummaryDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function latencyEntry(l: LatencySummaryMs): SummaryDocument['totals']['latencyMs'] {
  return { p50: l.p50, p90: l.p90, p95: l.p95, p99: l.p99, max: l.max, mean: l.mean };
}

/** A gate's regressions as the summary document (and `compare --json`) shows them: what fails the run apart from what is reported only. */
export function summaryRegressions(compared: readonly RegressionResult[]): SummaryRegressions {
  const gated = compared.filter((r) => isGated(r) && r.verdict === 'regression');
  return {
    compared: compared.length,
    gated: gated.map(regressionEntry),
    reportedOnly: compared.filter((r) => !gated.includes(r) && (r.verdict === 'regression' || r.verdict === 'suspect')).map(regressionEntry),
  };
}

/** As the verdict judges it (analysis/verdict.ts): the result's own flag, else the metric catalogue. */
function isGated(r: RegressionResult): boolean {
  return r.gated ?? metricSpecFor(r.metric)?.gated ?? false;
}

function regressionEntry(r: RegressionResult): SummaryRegression {
  return {
    metric: r.metric,
    verdict: r.verdict,
    gated: isGated(r),
    baseline: r.baseline,
    current: r.current,
    changePct: r.changePct,
    rawChangePct: r.rawChangePct ?? null,
    correction: r.correction ?? null,
    ciLowPct: r.ciLowPct,
    ciHighPct: r.ciHighPct,
  };
}
