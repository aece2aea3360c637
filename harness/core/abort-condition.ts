import { DURATION_HINT, parseDurationMs } from './duration.ts';
import { parseMetricKey, parseThresholdExpression } from './threshold-expression.ts';
import type { MetricKey, ParseOutcome, ThresholdExpression } from './threshold-expression.ts';

/**
 * Abort conditions (Chaos Toolkit stop conditions, k6 abortOnFail), e.g.
 * `"abort": {"http_req_failed": "rate>0.5 for 1m30s"}`: the run stops, faults are rolled back and
 * partial results written (exit 3) when the expression HOLDS in every second of a window of the
 * given length. Unlike a threshold, the expression describes the bad state.
 *
 * This is the one parser: the scenario schema resolves each condition with it, and the runner
 * evaluates the resolved form second by second (analysis/abort-monitor.ts), so a condition that
 * validates is a condition that can trip.
 */

/**
 * What one second of the run can say about a metric: the per-second data is merged over requests,
 * so these are the metric–aggregation pairs an abort condition may use.
 */
export const PER_SECOND_READINGS = [
  'http_req_failed:rate',
  'http_req_failed:count',
  'http_req_duration:p50',
  'http_req_duration:p95',
  'http_req_duration:p99',
  'http_req_duration:max',
  'http_reqs:count',
  'dropped_iterations:count',
] as const;
export type PerSecondReading = (typeof PER_SECOND_READINGS)[number];

export interface AbortCondition {
  metric: MetricKey;
  expression: ThresholdExpression;
  /** How long the condition must hold without a break; a condition without "for" trips on its first second. */
  forMs: number;
  /** What each second is read for. */
  reading: PerSecondReading;
  /** `{phase:NAME}`: only seconds of that phase count; null for every second. */
  phase: string | null;
  /** The source text, e.g. "rate>0.5 for 30s". */
  source: string;
}

const FOR = /^(.*?)(?:\s+for\s+(\S+))?\s*$/;

const SUPPORTED_HINT =
  'abort conditions support http_req_failed (rate, count), http_req_duration (p(50), med, p(95), p(99), max), http_reqs and dropped_iterations (count, rate), with an optional {phase:NAME} tag';

export function parseAbortCondition(metricKey: string, text: string): ParseOutcome<AbortCondition> {
  const key = parseMetricKey(metricKey);
  if (!key.ok) return key;
  const m = FOR.exec(text);
  const expression = parseThresholdExpression(m?.[1] ?? text);
  if (!expression.ok) {
    return { ok: false, message: expression.message, hint: 'write "<aggregation><op><number> for <duration>", e.g. "rate>0.5 for 30s"' };
  }
  const forText = m?.[2];
  const forMs = forText === undefined ? 0 : parseDurationMs(forText);
  if (forMs === null) return { ok: false, message: `"${forText}" is not a duration`, hint: DURATION_HINT };
  const unsupportedTag = Object.keys(key.value.tags).find((t) => t !== 'phase');
  if (unsupportedTag !== undefined) {
    return { ok: false, message: `abort conditions cannot filter by tag "${unsupportedTag}" (per-second data is not split by it)`, hint: SUPPORTED_HINT };
  }
  const reading = readingOf(key.value.metric, expression.value);
  if (reading === null) return { ok: false, message: `abort condition "${metricKey}: ${text}" cannot be evaluated per second`, hint: SUPPORTED_HINT };
  return { ok: true, value: { metric: key.value, expression: expression.value, forMs, reading, phase: key.value.tags.phase ?? null, source: text } };
}

/** A rate of a per-second count is the count itself: each reading covers one second. */
function readingOf(metric: string, e: ThresholdExpression): PerSecondReading | null {
  const a = e.aggregation;
  const kind = a.kind === 'percentile' ? `p${a.p}` : a.kind === 'med' ? 'p50' : a.kind === 'rate' && metric !== 'http_req_failed' ? 'count' : a.kind;
  const reading = `${metric}:${kind}`;
  return (PER_SECOND_READINGS as readonly string[]).includes(reading) ? (reading as PerSecondReading) : null;
}
