import { compare } from '../core/threshold-expression.ts';
import type { Threshold } from '../core/threshold-expression.ts';
import type { LoadPhasePlan } from '../contract/plan-types.ts';
import type { TrafficBreakdown } from '../metrics/traffic-breakdown.ts';
import { aggregate } from './threshold-evaluate.ts';
import { trafficMetricSource } from './traffic-metric-source.ts';

/** A threshold with abortOnFail that failed while the run went. */
export interface ThresholdTrip {
  /** e.g. `http_req_failed: rate<0.1`. */
  threshold: string;
  actual: number;
  atMs: number;
}

/**
 * k6's abortOnFail: the rule is evaluated on the traffic so far (cumulative from the start, like
 * k6), once `delayAbortEvalMs` has passed; the first rule that fails stops the run. A rule without
 * data yet does not fail here (nothing has been measured that could fail it); the verdict after the
 * run still fails a threshold that never had data.
 */
export function createThresholdAbort(thresholds: readonly Threshold[], phases: readonly LoadPhasePlan[]): ((traffic: TrafficBreakdown, elapsedMs: number) => ThresholdTrip | null) | null {
  const rules = thresholds.flatMap((t) => t.expressions.filter((e) => e.abortOnFail).map((e) => ({ key: t.key, rule: e })));
  if (rules.length === 0) return null;
  return (traffic, elapsedMs) => {
    // Rates are per second of the time measured so far: of the run, or of the phase's part of it.
    const phaseMs = Object.fromEntries(phases.map((p) => [p.name, Math.min(p.durationMs, Math.max(0, elapsedMs - p.startMs))]));
    const source = trafficMetricSource(traffic, { runMs: elapsedMs, phaseMs });
    for (const { key, rule } of rules) {
      if (elapsedMs < rule.delayAbortEvalMs) continue;
      const actual = aggregate(source, key, rule);
      if (actual !== null && !compare(actual, rule.op, rule.value)) return { threshold: `${key.source}: ${rule.source}`, actual, atMs: elapsedMs };
    }
    return null;
  };
}
