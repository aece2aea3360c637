import type { Aggregation } from '../core/threshold-expression.ts';

export type MetricType = 'trend' | 'rate' | 'counter';
export type MetricTag = 'request' | 'phase';

export interface MetricInfo {
  type: MetricType;
  /** Tags a threshold key may filter on. */
  tags: readonly MetricTag[];
  /** Measured while the run goes (so abortOnFail can act on it), not only after it. */
  live: boolean;
  description: string;
}

/** The metrics thresholds and abort conditions may name (k6 names where k6 has them). */
export const METRICS = {
  http_req_duration: { type: 'trend', tags: ['request', 'phase'], live: true, description: 'request latency in ms from the intended send time' },
  http_req_failed: { type: 'rate', tags: ['request', 'phase'], live: true, description: 'share of requests failed (transport error or unexpected status)' },
  http_reqs: { type: 'counter', tags: ['request', 'phase'], live: true, description: 'requests sent (count, or rate per second)' },
  dropped_iterations: { type: 'counter', tags: ['phase'], live: true, description: 'open-model iterations dropped because maxVUs were busy' },
  mttr_seconds: { type: 'trend', tags: [], live: false, description: 'time to recover per fault injection, in s' },
  ttd_seconds: { type: 'trend', tags: [], live: false, description: 'time to detect per fault injection, in s' },
  lost_executions: { type: 'counter', tags: [], live: false, description: 'accepted executions the integrity audit could not find' },
  target_rss_bytes: { type: 'trend', tags: [], live: false, description: "the target process's resident memory" },
  target_cpu_percent: { type: 'trend', tags: [], live: false, description: "the target process's CPU use" },
  harness_cpu_percent: { type: 'trend', tags: [], live: false, description: "the harness's own CPU use" },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

const AGGREGATIONS: Record<MetricType, readonly Aggregation['kind'][]> = {
  trend: ['avg', 'min', 'max', 'med', 'percentile'],
  rate: ['rate'],
  counter: ['count', 'rate'],
};

const AGGREGATION_TEXT: Record<MetricType, string> = {
  trend: 'avg, min, max, med or p(N)',
  rate: 'rate',
  counter: 'count or rate',
};

/** Null when the aggregation fits the metric; otherwise the aggregations that would. */
export function aggregationMismatch(metric: MetricName, aggregation: Aggregation): string | null {
  const type = METRICS[metric].type;
  return AGGREGATIONS[type].includes(aggregation.kind) ? null : AGGREGATION_TEXT[type];
}
