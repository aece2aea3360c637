import type { RecorderAggregates } from '../metrics/timeline-recorder.ts';
import { emptyAggregate } from '../metrics/traffic-aggregate.ts';
import type { Plan } from '../contract/plan-types.ts';
import { summarizeStats } from './summarize-stats.ts';
import { evaluateThresholds } from './threshold-evaluate.ts';
import type { ParsedThreshold } from './threshold-evaluate.ts';
import { parseMetricKey, parseThresholdExpression } from '../core/threshold-expression.ts';
import type { ThresholdExpression } from '../core/threshold-expression.ts';
import { trafficMetricSource } from './traffic-metric-source.ts';
import type { ScalarMetrics } from './traffic-metric-source.ts';
import { RESULT_SCHEMA_VERSION } from '../contract/run-result.ts';
import type { FaultResult, Integrity, RegressionResult, RunResult } from '../contract/run-result.ts';
import { decideVerdict } from './verdict.ts';

export interface AssembleInput {
  runId: string;
  seed: number;
  scenario: { name: string; file: string; hash: string; profile: string | null };
  /** The scenario's `thresholds` section as written (validated). */
  thresholds: Readonly<Record<string, ReadonlyArray<string | { threshold: string }>>>;
  plan: Plan;
  aggregates: RecorderAggregates;
  startedAtEpochMs: number;
  /** Run length on the run clock. */
  endMs: number;
  target: { url: string; embedded: boolean };
  environment: RunResult['environment'];
  aborted: boolean;
  /** Why the run aborted, when it did (Ctrl-C, an abort condition). */
  abortReason?: string;
  /** Problems of the harness itself (an engine that threw): they fail the run. */
  engineErrors: readonly string[];
  scalars?: ScalarMetrics;
  warnings?: readonly string[];
  /** What the chaos measurement found (absent for plain load runs). */
  chaos?: {
    faults?: FaultResult[];
    recovery?: RunResult['recovery'];
    steadyState?: { valid: boolean; reason: string | null } | null;
    integrity?: Integrity | null;
    resources?: RunResult['resources'];
  };
  /** The regression gate's comparisons with the baseline (`gated` decides whether a regression fails the run). */
  regressions?: ReadonlyArray<RegressionResult & { gated?: boolean }>;
}

/**
 * The result of a run from what was recorded: stats per run, request and phase, thresholds, and the
 * verdict. Pure: later stages (recovery, integrity, resources, regressions) fill their own fields.
 */
export function assembleResult(input: AssembleInput): RunResult {
  const { aggregates: agg, plan } = input;
  const phaseMs = Object.fromEntries(plan.phases.map((p) => [p.name, p.durationMs]));
  const thresholds = evaluateThresholds(parseThresholds(input.thresholds), trafficMetricSource(agg, { runMs: input.endMs, phaseMs }, input.scalars));
  const chaos = input.chaos ?? {};
  const faults = chaos.faults ?? [];
  const decided = decideVerdict({
    abortReason: input.aborted ? (input.abortReason ?? 'the run was stopped') : null,
    steadyState: chaos.steadyState ?? null,
    thresholds,
    regressions: input.regressions ?? [],
    integrity: chaos.integrity ?? null,
    faults,
  });
  const engineReasons = input.engineErrors.map((e) => `load engine error: ${e}`);
  const verdict = decided.verdict === 'pass' && engineReasons.length > 0 ? 'fail' : decided.verdict;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    source: 'stresslab',
    runId: input.runId,
    seed: input.seed,
    scenario: input.scenario,
    target: input.target,
    environment: input.environment,
    startedAt: new Date(input.startedAtEpochMs).toISOString(),
    endedAt: new Date(input.startedAtEpochMs + input.endMs).toISOString(),
    verdict,
    reasons: [...decided.reasons, ...engineReasons],
    warnings: [...(input.warnings ?? []), ...decided.warnings],
    totals: summarizeStats(agg.totals, input.endMs),
    requests: Object.fromEntries(Object.entries(agg.requests).map(([name, a]) => [name, summarizeStats(a, input.endMs)])),
    phases: plan.phases.map((p) => {
      const a = agg.phases[p.name];
      return {
        name: p.name,
        startMs: p.startMs,
        endMs: p.startMs + p.durationMs,
        stats: summarizeStats(a ? a.total : emptyAggregate(), p.durationMs),
      };
    }),
    faults,
    recovery: chaos.recovery ?? { mttrSec: null, medianTtrSec: null, maxTtrSec: null, notRecovered: 0, probe: { mttrSec: null } },
    resources: chaos.resources ?? { host: null, target: null, harness: null },
    integrity: chaos.integrity ?? null,
    thresholds,
    regressions: (input.regressions ?? []).map(({ metric, baseline, current, changePct, ciLowPct, ciHighPct, verdict: v }) => ({ metric, baseline, current, changePct, ciLowPct, ciHighPct, verdict: v })),
  };
}

/** The validated `thresholds` section → typed thresholds (validation already rejected bad ones). */
export function parseThresholds(section: AssembleInput['thresholds']): ParsedThreshold[] {
  const out: ParsedThreshold[] = [];
  for (const [keySource, items] of Object.entries(section)) {
    const key = parseMetricKey(keySource);
    if (!key.ok) continue;
    const expressions: ThresholdExpression[] = [];
    for (const item of items) {
      const parsed = parseThresholdExpression(typeof item === 'string' ? item : item.threshold);
      if (parsed.ok) expressions.push(parsed.value);
    }
    out.push({ key: key.value, expressions });
  }
  return out;
}
