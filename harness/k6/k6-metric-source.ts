import type { MetricSource, TrendView } from '../analysis/threshold-evaluate.ts';
import type { ExactGroup, ExactPoints } from './out-json-points.ts';
import { k6Percentile } from './out-json-points.ts';
import { counter, rate } from './k6-stats.ts';
import type { K6Summary } from './summary-formats.ts';

/**
 * Threshold values (`actual` in result.json) from k6 numbers: the exact points when given for
 * the four http metrics, the summary otherwise (a percentile the summary lacks has no value).
 */
export function k6MetricSource(summary: K6Summary, exact: ExactPoints | null, durationMs: number | null): MetricSource {
  const seconds = durationMs !== null && durationMs > 0 ? durationMs / 1000 : null;
  const group = (tags: Readonly<Record<string, string>>): ExactGroup | null => {
    if (exact === null) return null;
    const entries = Object.entries(tags);
    if (entries.length === 0) return exact.total;
    const [[k, v] = ['', '']] = entries;
    if (entries.length > 1) return null;
    return (k === 'request' ? exact.requests[v] : k === 'phase' ? exact.phases[v] : undefined) ?? null;
  };
  return {
    trend(metric, tags) {
      const g = metric === 'http_req_duration' ? group(tags) : null;
      if (g !== null) return exactTrend(g.durationsMs);
      const m = summary.metrics[keyOf(metric, tags)];
      return m?.type === 'trend' ? summaryTrend(m.stats) : null;
    },
    rate(metric, tags) {
      const g = group(tags);
      if (g !== null && metric === 'http_req_failed') return g.failed + g.succeeded > 0 ? g.failed / (g.failed + g.succeeded) : null;
      if (g !== null && seconds !== null && metric === 'http_reqs') return g.requests / seconds;
      const m = summary.metrics[keyOf(metric, tags)];
      const r = rate(m);
      if (r !== null) return r.trues + r.falses > 0 ? r.trues / (r.trues + r.falses) : null;
      const c = counter(m);
      if (c === null) return null;
      return seconds !== null ? c.count / seconds : c.rate;
    },
    count(metric, tags) {
      const g = group(tags);
      if (g !== null && metric === 'http_reqs') return g.requests;
      if (g !== null && metric === 'dropped_iterations') return g.droppedIterations;
      return counter(summary.metrics[keyOf(metric, tags)])?.count ?? null;
    },
    value(metric, tags) {
      const m = summary.metrics[keyOf(metric, tags)];
      return m?.type === 'gauge' ? m.value : null;
    },
  };
}

/** The key k6 writes for a sub-metric: name{tag:value,…} in the threshold's own order. */
export function keyOf(metric: string, tags: Readonly<Record<string, string>>): string {
  const entries = Object.entries(tags);
  return entries.length === 0 ? metric : `${metric}{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

function summaryTrend(s: Record<string, number>): TrendView {
  return {
    // Without a count stat the summary still has data: 1 keeps the threshold from reading "no data".
    count: s.count ?? 1,
    avg: s.avg ?? Number.NaN,
    min: s.min ?? Number.NaN,
    max: s.max ?? Number.NaN,
    med: s.med ?? Number.NaN,
    percentile: (p) => (p === 50 ? (s.med ?? Number.NaN) : p === 100 ? (s.max ?? Number.NaN) : p === 0 ? (s.min ?? Number.NaN) : (s[`p(${p})`] ?? Number.NaN)),
  };
}

function exactTrend(samples: readonly number[]): TrendView {
  const sorted = Array.from(Float64Array.from(samples).sort());
  const n = sorted.length;
  return {
    count: n,
    avg: n === 0 ? Number.NaN : sorted.reduce((a, b) => a + b, 0) / n,
    min: sorted[0] ?? Number.NaN,
    max: sorted[n - 1] ?? Number.NaN,
    med: k6Percentile(sorted, 50),
    percentile: (p) => k6Percentile(sorted, p),
  };
}
