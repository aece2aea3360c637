import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../../harness/analysis/threshold-evaluate.ts';
import type { MetricSource, TrendView } from '../../../harness/analysis/threshold-evaluate.ts';
import type { Threshold } from '../../../harness/core/threshold-expression.ts';
import { parseMetricKey, parseThresholdExpression } from '../../../harness/core/threshold-expression.ts';
import { quantile } from '../../../harness/analysis/stats/order-stats.ts';

function trendOf(values: number[]): TrendView {
  return {
    count: values.length,
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    med: quantile(values, 0.5),
    percentile: (p) => quantile(values, p / 100),
  };
}

const durations: Record<string, number[]> = {
  '': Array.from({ length: 100 }, (_, i) => i + 1),
  'request=validate': [100, 200, 300],
};

const source: MetricSource = {
  trend: (metric, tags) => {
    if (metric === 'mttr_seconds') return trendOf([4, 12]);
    if (metric !== 'http_req_duration') return null;
    const v = durations[Object.entries(tags).map(([k, x]) => `${k}=${x}`).join(',')];
    return v === undefined ? null : trendOf(v);
  },
  rate: (metric) => (metric === 'http_req_failed' ? 0.015 : null),
  count: (metric) => (metric === 'lost_executions' ? 0 : metric === 'http_reqs' ? Number.NaN : null),
  value: (metric) => (metric === 'target_rss_bytes' ? 300e6 : null),
};

function thresholds(spec: Record<string, string[]>): Threshold[] {
  return Object.entries(spec).map(([k, exprs]) => {
    const key = parseMetricKey(k);
    if (!key.ok) throw new Error(key.message);
    return {
      key: key.value,
      expressions: exprs.map((e) => {
        const p = parseThresholdExpression(e);
        if (!p.ok) throw new Error(p.message);
        return { ...p.value, abortOnFail: false, delayAbortEvalMs: 0 };
      }),
    };
  });
}

describe('evaluateThresholds', () => {
  it('evaluates every aggregation against the right view', () => {
    const r = evaluateThresholds(
      thresholds({
        http_req_duration: ['p(95)<96', 'p(95)<95', 'avg==50.5', 'med>=50.5', 'min>1', 'max<=100'],
        'http_req_duration{request:validate}': ['p(50)<250'],
        http_req_failed: ['rate<0.02', 'rate<0.01'],
        mttr_seconds: ['max<15'],
        lost_executions: ['count==0'],
        target_rss_bytes: ['value<256000000'],
      }),
      source,
    );
    expect(r.map((x) => [x.metric, x.expression, x.actual, x.pass])).toEqual([
      ['http_req_duration', 'p(95)<96', 95.05, true],
      ['http_req_duration', 'p(95)<95', 95.05, false],
      ['http_req_duration', 'avg==50.5', 50.5, true],
      ['http_req_duration', 'med>=50.5', 50.5, true],
      ['http_req_duration', 'min>1', 1, false],
      ['http_req_duration', 'max<=100', 100, true],
      ['http_req_duration{request:validate}', 'p(50)<250', 200, true],
      ['http_req_failed', 'rate<0.02', 0.015, true],
      ['http_req_failed', 'rate<0.01', 0.015, false],
      ['mttr_seconds', 'max<15', 12, true],
      ['lost_executions', 'count==0', 0, true],
      ['target_rss_bytes', 'value<256000000', 300e6, false],
    ]);
  });

  it('fails closed without data by default, and passes like k6 when asked', () => {
    const spec = thresholds({ 'http_req_duration{request:typo}': ['p(95)<300'], http_reqs: ['count>10'], ttd_seconds: ['max<5'] });
    const closed = evaluateThresholds(spec, source);
    expect(closed.map((x) => [x.actual, x.pass])).toEqual([[null, false], [null, false], [null, false]]);
    const k6 = evaluateThresholds(spec, source, { noData: 'pass' });
    expect(k6.every((x) => x.actual === null && x.pass)).toBe(true);
  });
});
