import type { RunRecord, RunTimeline } from '../contract/run-record.ts';
import { RESULT_SCHEMA_VERSION } from '../contract/run-result.ts';
import type { RegressionResult, RunResult } from '../contract/run-result.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import { emptyAggregate } from '../metrics/traffic-aggregate.ts';
import { analyzeChaos } from './chaos-analysis.ts';
import type { ChaosAnalysisInput, InjectionRecord } from './chaos-analysis.ts';
import { faultRecordsFromEvents } from './fault-records-from-events.ts';
import { summarizeStats } from './summarize-stats.ts';
import { failureWindows } from './failure-windows.ts';
import { evaluateThresholds } from './threshold-evaluate.ts';
import type { Threshold } from '../core/threshold-expression.ts';
import { timelineAggregates } from './timeline-aggregates.ts';
import { sliceSeries } from './slice-series.ts';
import { trafficMetricSource } from './traffic-metric-source.ts';
import { decideVerdict } from './verdict.ts';
import { targetExitsFrom } from './target-exits.ts';
import { withFailures } from './failure-verdict.ts';
import { generatorHealth, saturationWarning, withUntrustedLatency } from './generator-health.ts';

/** What a comparison with other runs (the baseline gate) adds to a result. */
export interface RunGateOutcome {
  /** `gated` decides whether a regression fails the run (the metric catalogue decides without it). */
  regressions: ReadonlyArray<RegressionResult & { gated?: boolean }>;
  warnings: readonly string[];
  /** A gated metric that was `blind` fails the run (the scenario's `baseline.blind: "fail"`). */
  blindFails?: boolean;
  /**
   * The gate left out the latency of every run whose generator saturated (baseline-metrics.ts), so
   * this run's saturation need not void the latency verdicts the other runs still support.
   */
  latencyJudgedPerRun?: boolean;
}

export interface AnalyzeOptions {
  /** The scenario's thresholds (those of the run, or others when re-analysing). */
  thresholds: readonly Threshold[];
  /** The scenario's recovery rules, durations in ms. */
  recovery: ChaosAnalysisInput['recovery'];
  /**
   * Compares the result with other runs, given the result complete but for its verdict. A callback
   * because the baseline lives above analysis; absent: no regressions.
   */
  gate?: (provisional: RunResult) => RunGateOutcome;
}

export interface RunAnalysis {
  result: RunResult;
  /** The per-second series the result was computed from (late outcomes included): what the reports chart. */
  series: SecondPoint[];
}

/**
 * result.json from the run record alone: stats per run, request and phase from the timeline's
 * seconds and late lines, the chaos analysis (steady state, recovery per injection, probe MTTR,
 * resources, integrity), thresholds, the baseline comparison and the verdict. Pure: the same
 * record and options give the same result, whenever and however often it is computed.
 */
export function analyzeRun(record: RunRecord, options: AnalyzeOptions): RunResult {
  return analyzeRunWithSeries(record, options).result;
}

/** `analyzeRun`, also handing back the series, so reports need not fold the timeline a second time. */
export function analyzeRunWithSeries(record: RunRecord, options: AnalyzeOptions): RunAnalysis {
  const { meta, timeline } = record;
  const { plan } = meta;
  const folded = timelineAggregates(timeline);
  const endMs = meta.endMs ?? timelineEndMs(timeline);
  const faultRecords = meta.complete ? meta.faults : faultRecordsFromEvents(plan.faults, timeline.events);
  const integrity = meta.audit?.integrity ?? null;
  const generator = generatorHealth(timeline.seconds);
  const chaos = analyzeChaos({
    series: folded.series,
    injections: faultRecords.flatMap((r): InjectionRecord[] => {
      const event = plan.faults.find((f) => f.name === r.name);
      return event === undefined ? [] : [{ event, injectedAtMs: r.injectedAtMs, removedAtMs: r.removedAtMs, error: r.error, observation: r.observation ?? null }];
    }),
    probes: timeline.probes,
    probeIntervalMs: meta.probeIntervalMs,
    resources: timeline.resources,
    integrity,
    recovery: options.recovery,
    openModel: plan.phases.every((p) => p.executor.endsWith('arrival-rate')),
    targetExits: targetExitsFrom(timeline.events),
    slices: sliceSeries(timeline),
    generatorWatched: generator !== null,
  });
  const phaseMs = Object.fromEntries(plan.phases.map((p) => [p.name, p.durationMs]));
  const thresholds = evaluateThresholds(options.thresholds, trafficMetricSource(folded.traffic, { runMs: endMs, phaseMs }, chaos.scalars));
  const abortReason = meta.abortReason ?? (meta.complete ? null : `the run did not finish (record.json is the one written at its start; the timeline ends at ${(endMs / 1000).toFixed(1)} s)`);
  const engineReasons = [...meta.engineErrors, ...chaos.reasons].map((e) => `load engine error: ${e}`);
  const saturation = generator === null ? null : saturationWarning(generator);
  const runWarnings = [...chaos.warnings, ...meta.warnings, ...(saturation === null ? [] : [saturation])];
  const targetExits = targetExitsFrom(timeline.events);
  const judge = (gate: RunGateOutcome): Pick<RunResult, 'verdict' | 'reasons' | 'warnings'> => {
    const regressions = gate.latencyJudgedPerRun === true ? gate.regressions : withUntrustedLatency(gate.regressions, generator);
    const decided = decideVerdict({ abortReason, steadyState: chaos.steadyState, thresholds, regressions, blindFails: gate.blindFails === true, integrity, faults: chaos.faults, targetExits, inconclusive: chaos.inconclusive });
    return {
      // A harness that failed (an engine threw, a fault could not be injected) measured less than asked;
      // that failure outranks "inconclusive" and is listed before its reasons.
      verdict: (decided.verdict === 'pass' || decided.verdict === 'inconclusive') && engineReasons.length > 0 ? 'fail' : decided.verdict,
      reasons: decided.verdict === 'inconclusive' ? [...engineReasons, ...decided.reasons] : [...decided.reasons, ...engineReasons],
      warnings: [...runWarnings, ...gate.warnings, ...decided.warnings],
    };
  };
  const noGate: RunGateOutcome = { regressions: [], warnings: [] };
  // Assembled once, judged without the gate; the gate then sees everything but the verdict it may change.
  const provisional: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    source: 'stresslab',
    runId: meta.runId,
    seed: meta.seed,
    ...(meta.gitSha === undefined ? {} : { gitSha: meta.gitSha }),
    scenario: meta.scenario,
    target: meta.target,
    environment: meta.environment,
    startedAt: new Date(meta.startedAtEpochMs).toISOString(),
    endedAt: new Date(meta.startedAtEpochMs + endMs).toISOString(),
    ...judge(noGate),
    totals: summarizeStats(folded.traffic.totals, endMs),
    requests: Object.fromEntries(Object.entries(folded.traffic.requests).map(([name, a]) => [name, summarizeStats(a, endMs)])),
    phases: plan.phases.map((p) => ({
      name: p.name,
      startMs: p.startMs,
      endMs: p.startMs + p.durationMs,
      stats: summarizeStats(folded.traffic.phases[p.name]?.total ?? emptyAggregate(), p.durationMs),
    })),
    failureWindows: failureWindows(folded.series, chaos.faults),
    faults: chaos.faults,
    targetExits,
    recovery: chaos.recovery,
    resources: chaos.resources,
    integrity,
    generatorSaturated: generator?.saturated ?? false,
    ...(meta.segment === undefined ? {} : { segment: meta.segment }),
    ...(meta.mergedFrom === undefined ? {} : { mergedFrom: meta.mergedFrom }),
    generator,
    thresholds,
    regressions: [],
  };
  if (options.gate === undefined) return { result: withFailures(provisional, meta.failures), series: folded.series };
  const gate = options.gate(provisional);
  // Spread over the provisional result: same fields, same order in result.json, new verdict.
  const result: RunResult = {
    ...provisional,
    ...judge(gate),
    regressions: (gate.latencyJudgedPerRun === true ? gate.regressions : withUntrustedLatency(gate.regressions, generator)).map(({ metric, baseline, current, changePct, ciLowPct, ciHighPct, verdict, gated, mdcPct, runsNeeded, rawChangePct, correction, note }) => ({
      metric, baseline, current, changePct, ciLowPct, ciHighPct, verdict,
      ...(gated === undefined ? {} : { gated }),
      ...(mdcPct === undefined ? {} : { mdcPct }),
      ...(runsNeeded === undefined ? {} : { runsNeeded }),
      ...(rawChangePct === undefined ? {} : { rawChangePct }),
      ...(correction === undefined ? {} : { correction }),
      ...(note === undefined ? {} : { note }),
    })),
  };
  return { result: withFailures(result, meta.failures), series: folded.series };
}

/** Where a timeline that has no recorded end stops: its last second, sample, probe or event. */
function timelineEndMs(timeline: RunTimeline): number {
  const runEnd = timeline.events.find((e) => e.event === 'run-end');
  if (runEnd !== undefined) return runEnd.atMs;
  let end = 0;
  for (const s of timeline.seconds) end = Math.max(end, (s.t + 1) * 1000);
  for (const l of [timeline.probes, timeline.resources, timeline.events]) for (const x of l) end = Math.max(end, x.atMs);
  return end;
}
