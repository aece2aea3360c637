import type { LatencySummaryMs, Stats } from '../contract/stats.ts';
import { emptyErrorKinds } from '../contract/stats.ts';
import type { ExactGroup } from './out-json-points.ts';
import { k6Percentile } from './out-json-points.ts';
import type { K6Metric, K6Summary } from './summary-formats.ts';

/**
 * The result contract's Stats from k6 numbers. `suffix` picks the sub-metric: "" for the whole
 * run, "{request:NAME}" or "{phase:NAME}" (the tags the exported script sets).
 * From a summary: requests = http_reqs count, errors = http_req_failed trues (k6's "passes" are
 * the FAILED requests), latency from the http_req_duration trend as k6 printed it. A summary has
 * no status classes or error kinds, so those stay empty unless `--out json` points are given.
 */
export function statsFromSummary(summary: K6Summary, suffix: string, durationMs: number | null, missing: (what: string) => void): Stats {
  const reqs = counter(summary.metrics[`http_reqs${suffix}`]);
  const failed = rate(summary.metrics[`http_req_failed${suffix}`]);
  const dropped = counter(summary.metrics[`dropped_iterations${suffix}`]);
  const trend = summary.metrics[`http_req_duration${suffix}`];
  const requests = reqs?.count ?? (failed ? failed.trues + failed.falses : 0);
  const judged = failed ? failed.trues + failed.falses : 0;
  return {
    requests,
    errors: failed?.trues ?? 0,
    errorRate: judged > 0 ? (failed?.trues ?? 0) / judged : 0,
    rps: durationMs !== null && durationMs > 0 ? requests / (durationMs / 1000) : (reqs?.rate ?? 0),
    droppedIterations: dropped?.count ?? 0,
    statusCounts: {},
    errorKinds: emptyErrorKinds(),
    latencyMs: trend?.type === 'trend' ? latencyFromTrend(trend.stats, `http_req_duration${suffix}`, missing) : zeroLatency(),
  };
}

/** Stats from `--out json` points: exact counts, statuses, error kinds and k6's own percentile maths. */
export function statsFromExact(g: ExactGroup, durationMs: number | null): Stats {
  const sorted = Float64Array.from(g.durationsMs).sort();
  const values = Array.from(sorted);
  const judged = g.failed + g.succeeded;
  const n = values.length;
  return {
    requests: g.requests,
    errors: g.failed,
    errorRate: judged > 0 ? g.failed / judged : 0,
    rps: durationMs !== null && durationMs > 0 ? g.requests / (durationMs / 1000) : 0,
    droppedIterations: g.droppedIterations,
    statusCounts: { ...g.statusCounts },
    errorKinds: { ...g.errorKinds },
    latencyMs:
      n === 0
        ? zeroLatency()
        : {
            p50: k6Percentile(values, 50),
            p90: k6Percentile(values, 90),
            p95: k6Percentile(values, 95),
            p99: k6Percentile(values, 99),
            p999: k6Percentile(values, 99.9),
            max: values[n - 1] ?? 0,
            mean: values.reduce((a, b) => a + b, 0) / n,
            min: values[0] ?? 0,
          },
  };
}

/**
 * Percentiles the summary lacks (k6's default summaryTrendStats stop at p(95)) fall back to the
 * next larger stat printed, an upper bound, and are reported through `missing`.
 */
function latencyFromTrend(s: Record<string, number>, key: string, missing: (what: string) => void): LatencySummaryMs {
  const pick = (stat: string, ...fallbacks: string[]): number => {
    if (s[stat] !== undefined) return s[stat];
    const found = fallbacks.find((f) => s[f] !== undefined);
    missing(`${key} has no ${stat} in the summary; reported as ${found ?? '0'} (add it to summaryTrendStats)`);
    return found === undefined ? 0 : (s[found] ?? 0);
  };
  return {
    p50: pick('med', 'p(50)'),
    p90: pick('p(90)', 'p(95)', 'max'),
    p95: pick('p(95)', 'p(99)', 'max'),
    p99: pick('p(99)', 'p(99.9)', 'max'),
    p999: pick('p(99.9)', 'max'),
    max: pick('max'),
    mean: pick('avg'),
    min: pick('min'),
  };
}

function zeroLatency(): LatencySummaryMs {
  return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0, min: 0 };
}

export function counter(m: K6Metric | undefined): Extract<K6Metric, { type: 'counter' }> | null {
  return m?.type === 'counter' ? m : null;
}

export function rate(m: K6Metric | undefined): Extract<K6Metric, { type: 'rate' }> | null {
  return m?.type === 'rate' ? m : null;
}
