import type { SecondPoint } from '../contract/second-point.ts';
import { compare, parseMetricKey, parseThresholdExpression } from '../core/threshold-expression.ts';
import type { MetricKey, ParseOutcome, ThresholdExpression } from '../core/threshold-expression.ts';

/**
 * Abort conditions (k6 abortOnFail, Chaos Toolkit stop conditions), e.g.
 * `"abort": {"http_req_failed": "rate>0.5 for 30s"}`: the run stops when the expression is TRUE in
 * every second of a window of the given length (default 1 s: the first violating second).
 * Evaluated per one-second bucket, so the window is debounced against single-second spikes.
 * A second with no value for the metric (no requests, another phase, a missing second) breaks the
 * streak: "no traffic" is not evidence of failure here, the recovery analysis judges that.
 */

type SecondValue = (p: SecondPoint) => number | null;

export interface AbortCondition {
  source: string;
  key: MetricKey;
  expression: ThresholdExpression;
  forSec: number;
  /** Internal: how one second's value is read. */
  read: SecondValue;
}

export interface AbortTrip {
  condition: string;
  /** When the streak completed: the end of its last second (ms from the run's start). */
  atMs: number;
  /** First second of the violating streak. */
  fromSec: number;
}

const FOR = /^(.*?)\s+for\s+(\d+(?:\.\d+)?)(ms|s|m|h)\s*$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseAbortCondition(metricKey: string, source: string): ParseOutcome<AbortCondition> {
  const key = parseMetricKey(metricKey);
  if (!key.ok) return key;
  const m = FOR.exec(source);
  const expr = parseThresholdExpression(m?.[1] ?? source);
  if (!expr.ok) return { ok: false, message: expr.message, hint: `${expr.hint}; optionally followed by "for <duration>", e.g. "rate>0.5 for 30s"` };
  const forMs = m ? Number(m[2]) * (UNIT_MS[(m[3] ?? 's').toLowerCase()] ?? 1000) : 1000;
  const read = secondReader(key.value, expr.value);
  if (typeof read === 'string') return { ok: false, message: read, hint: 'abort conditions support http_req_failed (rate, count), http_req_duration (p(50), med, p(95), p(99), max), http_reqs and dropped_iterations (count, rate), with an optional {phase:NAME} tag' };
  return { ok: true, value: { source, key: key.value, expression: expr.value, forSec: Math.max(1, Math.ceil(forMs / 1000)), read } };
}

function secondReader(key: MetricKey, e: ThresholdExpression): SecondValue | string {
  const unsupportedTag = Object.keys(key.tags).find((t) => t !== 'phase');
  if (unsupportedTag !== undefined) return `abort conditions cannot filter by tag "${unsupportedTag}" (per-second data is not split by it)`;
  const metricRead = metricReader(key.metric, e);
  if (metricRead === null) return `abort condition "${key.source}: ${e.source}" is not supported per second`;
  const phase = key.tags['phase'];
  return phase === undefined ? metricRead : (p) => (p.phase === phase ? metricRead(p) : null);
}

function metricReader(metric: string, e: ThresholdExpression): SecondValue | null {
  const a = e.aggregation;
  const kind = a.kind === 'percentile' ? `p${a.p}` : a.kind;
  switch (`${metric}:${kind}`) {
    case 'http_req_failed:rate':
      return (p) => (p.requests > 0 ? p.errors / p.requests : null);
    case 'http_req_failed:count':
      return (p) => p.errors;
    case 'http_req_duration:p50':
    case 'http_req_duration:med':
      return (p) => p.p50Ms;
    case 'http_req_duration:p95':
      return (p) => p.p95Ms;
    case 'http_req_duration:p99':
      return (p) => p.p99Ms;
    case 'http_req_duration:max':
      return (p) => p.maxMs;
    case 'http_reqs:count':
    case 'http_reqs:rate':
      return (p) => p.requests;
    case 'dropped_iterations:count':
    case 'dropped_iterations:rate':
      return (p) => p.droppedIterations;
    default:
      return null;
  }
}

export interface AbortMonitor {
  /** Feed seconds in order as they close; returns the first trip (and keeps returning it). */
  push(point: SecondPoint): AbortTrip | null;
}

/** Incremental evaluation for the runner (O(1) per second); `delaySec` ignores the first seconds (k6 delayAbortEval). */
export function createAbortMonitor(conditions: readonly AbortCondition[], delaySec = 0): AbortMonitor {
  const streaks = conditions.map(() => ({ from: -1, last: -2 }));
  let trip: AbortTrip | null = null;
  return {
    push(point) {
      if (trip !== null || point.t < delaySec) return trip;
      conditions.forEach((c, i) => {
        const s = streaks[i];
        if (s === undefined || trip !== null) return;
        const v = c.read(point);
        const violating = v !== null && Number.isFinite(v) && compare(v, c.expression.op, c.expression.value);
        if (!violating) {
          s.from = -1;
          return;
        }
        if (s.from < 0 || s.last !== point.t - 1) s.from = point.t;
        s.last = point.t;
        if (point.t - s.from + 1 >= c.forSec) trip = { condition: `${c.key.source}: ${c.source}`, atMs: (point.t + 1) * 1000, fromSec: s.from };
      });
      return trip;
    },
  };
}

/** The first trip over a whole series (seconds sorted by t), or null. */
export function evaluateAbort(conditions: readonly AbortCondition[], points: readonly SecondPoint[], delaySec = 0): AbortTrip | null {
  const monitor = createAbortMonitor(conditions, delaySec);
  let trip: AbortTrip | null = null;
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    trip = monitor.push(p);
    if (trip !== null) break;
  }
  return trip;
}
