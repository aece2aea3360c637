import { mergeChecks } from './k6-checks.ts';
import type { K6Metric, K6Summary } from './summary-formats.ts';

/**
 * Several pods' summaries (k6-operator runs one k6 per pod, each with its own summary) as one.
 * Exact: counter counts, rate trues/falses, trend min/max and (with `count`) the weighted avg.
 * Not exact: percentiles — a summary holds no samples — so the merged p(N) is the largest of the
 * pods' (an upper bound when pods see similar traffic) and flagged approximate; `--out json`
 * points give exact ones. Gauges: the largest of the pods'. Durations: the longest pod's, since
 * pods run the same timeline side by side (execution segments).
 */
export interface MergedSummary {
  summary: K6Summary;
  /** Metric keys whose percentiles are approximate. */
  approximatePercentiles: string[];
  warnings: string[];
}

export function mergeSummaries(summaries: readonly K6Summary[]): MergedSummary {
  const [first] = summaries;
  if (first === undefined) throw new Error('mergeSummaries needs at least one summary');
  if (summaries.length === 1) return { summary: first, approximatePercentiles: [], warnings: [] };
  const warnings: string[] = [];
  const durations = summaries.map((s) => s.durationMs).filter((d): d is number => d !== null);
  const durationMs = durations.length > 0 ? Math.max(...durations) : null;
  const keys = [...new Set(summaries.flatMap((s) => Object.keys(s.metrics)))];
  const metrics: Record<string, K6Metric> = {};
  const approximatePercentiles: string[] = [];
  for (const key of keys) {
    const parts = summaries.flatMap((s) => (s.metrics[key] ? [s.metrics[key]] : []));
    const merged = mergeMetric(parts, durationMs);
    if (merged === null) {
      warnings.push(`metric ${key} has different types in the summaries; left out`);
      continue;
    }
    metrics[key] = merged.metric;
    if (merged.approximate) approximatePercentiles.push(key);
  }
  const thresholds = summaries.every((s) => s.thresholds !== null) ? mergeThresholds(summaries) : null;
  // Pods end together (the same timeline, split by execution segment): the last one wrote last.
  const ends = summaries.map((s) => s.endedAtMs).filter((e): e is number => e !== null);
  const endedAtMs = ends.length > 0 ? Math.max(...ends) : null;
  const checks = mergeChecks(summaries.map((s) => s.checks));
  return { summary: { format: first.format, durationMs, metrics, thresholds, checks, endedAtMs, exportedFrom: first.exportedFrom }, approximatePercentiles, warnings };
}

function mergeMetric(parts: readonly K6Metric[], durationMs: number | null): { metric: K6Metric; approximate: boolean } | null {
  const type = parts[0]?.type;
  if (parts.some((p) => p.type !== type)) return null;
  switch (type) {
    case 'counter': {
      const cs = parts as Extract<K6Metric, { type: 'counter' }>[];
      const count = sum(cs.map((c) => c.count));
      return { metric: { type: 'counter', count, rate: durationMs !== null && durationMs > 0 ? count / (durationMs / 1000) : null }, approximate: false };
    }
    case 'rate': {
      const rs = parts as Extract<K6Metric, { type: 'rate' }>[];
      return { metric: { type: 'rate', trues: sum(rs.map((r) => r.trues)), falses: sum(rs.map((r) => r.falses)) }, approximate: false };
    }
    case 'gauge': {
      const gs = parts as Extract<K6Metric, { type: 'gauge' }>[];
      return { metric: { type: 'gauge', value: Math.max(...gs.map((g) => g.value)), min: Math.min(...gs.map((g) => g.min)), max: Math.max(...gs.map((g) => g.max)) }, approximate: false };
    }
    case 'trend':
      return { metric: mergeTrends(parts as Extract<K6Metric, { type: 'trend' }>[]), approximate: true };
    default:
      return null;
  }
}

function mergeTrends(ts: readonly Extract<K6Metric, { type: 'trend' }>[]): K6Metric {
  const stats: Record<string, number> = {};
  const keys = new Set(ts.flatMap((t) => Object.keys(t.stats)));
  const all = (k: string): number[] => ts.flatMap((t) => (t.stats[k] === undefined ? [] : [t.stats[k]]));
  for (const k of keys) {
    const values = all(k);
    if (k === 'min') stats[k] = Math.min(...values);
    else if (k === 'count') stats[k] = sum(values);
    else if (k !== 'avg') stats[k] = Math.max(...values);
  }
  const counts = ts.map((t) => t.stats.count);
  if (counts.every((c): c is number => c !== undefined) && sum(counts) > 0) {
    stats.avg = sum(ts.map((t) => (t.stats.avg ?? 0) * (t.stats.count ?? 0))) / sum(counts);
  } else if (keys.has('avg')) {
    // Without counts the pods weigh the same: close when segments split traffic evenly.
    stats.avg = sum(all('avg')) / all('avg').length;
  }
  return { type: 'trend', stats };
}

/** A threshold passes only when it passed on every pod that evaluated it (k6 exits 99 on any failing pod). */
function mergeThresholds(summaries: readonly K6Summary[]): NonNullable<K6Summary['thresholds']> {
  const byKey = new Map<string, { metric: string; expression: string; pass: boolean }>();
  for (const s of summaries) {
    for (const t of s.thresholds ?? []) {
      const k = `${t.metric}\0${t.expression}`;
      const seen = byKey.get(k);
      byKey.set(k, seen ? { ...seen, pass: seen.pass && t.pass } : { ...t });
    }
  }
  return [...byKey.values()];
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
