import type { TrafficAggregate } from '../metrics/traffic-aggregate.ts';
import type { TrafficBreakdown } from '../metrics/traffic-breakdown.ts';
import type { MetricSource, TrendView } from './threshold-evaluate.ts';

/**
 * Run metrics outside the traffic, keyed by metric name: a single number (lost_executions,
 * target_rss_bytes peak) or one value per observation (mttr_seconds: one TTR per injection).
 */
export type ScalarMetrics = Readonly<Record<string, number | readonly number[] | null | undefined>>;

/**
 * The k6 metrics over the recorded traffic: `http_req_duration` (trend, ms), `http_req_failed`
 * (rate), `http_reqs` and `dropped_iterations` (counters), filtered by `{request}` and `{phase}`;
 * plus scalar metrics (mttr_seconds, lost_executions, …) where every aggregation reads the one value.
 */
export function trafficMetricSource(
  agg: TrafficBreakdown,
  windows: { runMs: number; phaseMs: Readonly<Record<string, number>> },
  scalars: ScalarMetrics = {},
): MetricSource {
  const pick = (tags: Readonly<Record<string, string>>): { a: TrafficAggregate; ms: number } | null => {
    const { request, phase } = tags;
    if (phase !== undefined) {
      const p = agg.phases[phase];
      const ms = windows.phaseMs[phase] ?? windows.runMs;
      if (!p) return null;
      if (request === undefined) return { a: p.total, ms };
      const r = p.requests[request];
      return r ? { a: r, ms } : null;
    }
    if (request !== undefined) {
      const r = agg.requests[request];
      return r ? { a: r, ms: windows.runMs } : null;
    }
    return { a: agg.totals, ms: windows.runMs };
  };
  const scalar = (metric: string): number | null => {
    const v = scalars[metric];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number') return v;
    return v.length === 0 ? null : Math.max(...v);
  };
  return {
    trend(metric, tags) {
      if (metric !== 'http_req_duration') return scalarTrend(scalars[metric]);
      const w = pick(tags);
      return w ? histogramTrend(w.a) : null;
    },
    rate(metric, tags) {
      const w = pick(tags);
      switch (metric) {
        case 'http_req_failed':
          return w && w.a.requests > 0 ? w.a.errors / w.a.requests : null;
        case 'http_reqs':
          return w && w.ms > 0 ? w.a.requests / (w.ms / 1000) : null;
        case 'dropped_iterations':
          return w && w.ms > 0 ? w.a.droppedIterations / (w.ms / 1000) : null;
        default:
          return scalar(metric);
      }
    },
    count(metric, tags) {
      const w = pick(tags);
      switch (metric) {
        case 'http_reqs':
          return w ? w.a.requests : null;
        case 'dropped_iterations':
          return w ? w.a.droppedIterations : 0;
        case 'http_req_failed':
          return w ? w.a.errors : null;
        default:
          return scalar(metric);
      }
    },
    value(metric) {
      return scalar(metric);
    },
  };
}

function histogramTrend(a: TrafficAggregate): TrendView | null {
  const h = a.histogram;
  if (h.count === 0) return null;
  return { count: h.count, avg: h.meanMs, min: h.minMs, max: h.maxMs, med: h.percentileMs(50), percentile: (p) => h.percentileMs(p) };
}

function scalarTrend(v: number | readonly number[] | null | undefined): TrendView | null {
  if (v === undefined || v === null) return null;
  const values = (typeof v === 'number' ? [v] : [...v]).sort((x, y) => x - y);
  if (values.length === 0) return null;
  // Nearest-rank percentiles: with a handful of injections interpolation would invent values.
  const at = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))]!;
  return {
    count: values.length,
    avg: values.reduce((s, x) => s + x, 0) / values.length,
    min: values[0]!,
    max: values[values.length - 1]!,
    med: at(50),
    percentile: at,
  };
}
