import type { ThresholdResult } from '../contract/run-result.ts';
import { compare } from '../core/threshold-expression.ts';
import type { MetricKey, Threshold, ThresholdExpression } from '../core/threshold-expression.ts';

/**
 * Evaluates parsed k6-style thresholds against the run's metrics, over the whole run (k6
 * semantics). The aggregation picks the view: avg/min/max/med/p(N) read a trend, `rate` a rate,
 * `count` a counter, `value` a gauge.
 *
 * No data (the source returns null, or a non-finite number): `actual` is null and `pass` follows
 * `noData`, default 'fail'. k6 skips such thresholds (they pass), which hides typos in metric names
 * and tags (grafana/k6 #1526, #1053): a gate must fail closed (docs/percentiles.md, section No
 * data fails). Pass `noData: 'pass'` for k6's behaviour.
 */

/** A trend's aggregations, in the metric's own unit (ms for http_req_duration, s for mttr_seconds). */
export interface TrendView {
  count: number;
  avg: number;
  min: number;
  max: number;
  med: number;
  /** p in 0…100. */
  percentile(p: number): number;
}

export interface MetricSource {
  trend(metric: string, tags: Readonly<Record<string, string>>): TrendView | null;
  rate(metric: string, tags: Readonly<Record<string, string>>): number | null;
  count(metric: string, tags: Readonly<Record<string, string>>): number | null;
  /** A gauge's value (k6 `value`). */
  value(metric: string, tags: Readonly<Record<string, string>>): number | null;
}

export interface ThresholdEvaluateOptions {
  noData?: 'pass' | 'fail';
}

export function evaluateThresholds(
  thresholds: readonly Threshold[],
  source: MetricSource,
  options: ThresholdEvaluateOptions = {},
): ThresholdResult[] {
  const noDataPasses = options.noData === 'pass';
  return thresholds.flatMap((t) =>
    t.expressions.map((e) => {
      const actual = aggregate(source, t.key, e);
      return {
        metric: t.key.source,
        expression: e.source,
        actual,
        pass: actual === null ? noDataPasses : compare(actual, e.op, e.value),
      };
    }),
  );
}

/** The number a threshold expression compares, or null without data. */
export function aggregate(source: MetricSource, key: MetricKey, e: ThresholdExpression): number | null {
  const a = e.aggregation;
  let v: number | null;
  switch (a.kind) {
    case 'avg':
    case 'min':
    case 'max':
    case 'med': {
      const trend = source.trend(key.metric, key.tags);
      v = trend === null || trend.count === 0 ? null : trend[a.kind];
      break;
    }
    case 'percentile': {
      const trend = source.trend(key.metric, key.tags);
      v = trend === null || trend.count === 0 ? null : trend.percentile(a.p);
      break;
    }
    case 'rate':
      v = source.rate(key.metric, key.tags);
      break;
    case 'count':
      v = source.count(key.metric, key.tags);
      break;
    case 'value':
      v = source.value(key.metric, key.tags);
      break;
  }
  return v === null || !Number.isFinite(v) ? null : v;
}
