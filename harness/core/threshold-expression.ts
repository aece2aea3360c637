/**
 * k6 threshold syntax (k6 `metrics/thresholds_parser.go`): a metric key with an optional tag
 * filter, and expressions `<aggregation> <op> <number>` such as `p(95)<300`, `rate<0.01`.
 * Parsed into typed values; evaluated without `eval`.
 */

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export type Aggregation =
  | { kind: 'avg' }
  | { kind: 'min' }
  | { kind: 'max' }
  | { kind: 'med' }
  | { kind: 'count' }
  | { kind: 'rate' }
  | { kind: 'value' }
  | { kind: 'percentile'; p: number };

export interface ThresholdExpression {
  /** The source text, kept verbatim: it names the threshold in results (as in k6 summaries). */
  source: string;
  aggregation: Aggregation;
  op: ThresholdOperator;
  value: number;
}

export interface MetricKey {
  source: string;
  metric: string;
  /** Tag filter, e.g. `{request: 'validate'}`; several tags are ANDed. */
  tags: Record<string, string>;
}

/** One expression of a threshold as the scenario resolved it, with k6's abort options. */
export interface ThresholdRule extends ThresholdExpression {
  /** Stop the run (exit 3) as soon as this rule fails, evaluated on the run so far (k6 abortOnFail). */
  abortOnFail: boolean;
  /** Do not evaluate abortOnFail before this much of the run has passed (k6 delayAbortEval). */
  delayAbortEvalMs: number;
}

/** A scenario threshold: a metric key and its rules, typed once when the scenario is loaded. */
export interface Threshold {
  key: MetricKey;
  expressions: readonly ThresholdRule[];
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; message: string; hint: string };

const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;
const METRIC_KEY = /^([a-z_][a-z0-9_]*)(?:\{([^{}]*)\})?$/i;

export function parseThresholdExpression(source: string): ParseOutcome<ThresholdExpression> {
  const m = EXPRESSION.exec(source);
  if (!m) {
    return {
      ok: false,
      message: `"${source}" is not a threshold expression`,
      hint: 'write <aggregation><op><number>, e.g. "p(95)<300", "rate<0.01", "avg<=200", "count>1000"',
    };
  }
  const [, agg = '', pct, op = '<', num = '0'] = m;
  let aggregation: Aggregation;
  if (pct !== undefined) {
    const p = Number(pct);
    if (!(p >= 0 && p <= 100)) {
      return { ok: false, message: `percentile ${pct} is outside 0–100`, hint: 'use p(N) with N between 0 and 100, e.g. p(99.9)' };
    }
    aggregation = { kind: 'percentile', p };
  } else {
    aggregation = { kind: agg.toLowerCase() as Exclude<Aggregation['kind'], 'percentile'> } as Aggregation;
  }
  return { ok: true, value: { source, aggregation, op: op as ThresholdOperator, value: Number(num) } };
}

export function parseMetricKey(source: string): ParseOutcome<MetricKey> {
  const m = METRIC_KEY.exec(source.trim());
  if (!m) {
    return { ok: false, message: `"${source}" is not a metric key`, hint: 'write a metric name with an optional tag filter, e.g. http_req_duration{request:validate}' };
  }
  const tags: Record<string, string> = {};
  const tagText = m[2];
  if (tagText !== undefined && tagText.trim() !== '') {
    for (const part of tagText.split(',')) {
      const idx = part.indexOf(':');
      const k = part.slice(0, idx).trim();
      const v = part.slice(idx + 1).trim();
      if (idx <= 0 || k === '' || v === '') {
        return { ok: false, message: `tag filter "${part.trim()}" in "${source}" is not name:value`, hint: 'write tags as {request:NAME} or {phase:NAME}; several are separated by commas' };
      }
      tags[k] = v;
    }
  }
  return { ok: true, value: { source, metric: m[1] ?? '', tags } };
}

export function compare(actual: number, op: ThresholdOperator, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
    case '===':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}
