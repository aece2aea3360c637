import { formatDuration } from '../core/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { Aggregation, ThresholdExpression, ThresholdOperator } from '../core/threshold-expression.ts';

/**
 * Scenario thresholds and abort conditions → k6 `options.thresholds`.
 *
 * - Metrics k6 measures itself (http_req_duration, http_req_failed, http_reqs, dropped_iterations)
 *   keep their key unchanged: the script tags every request `request:NAME` and every k6 scenario
 *   `phase:NAME`, so `{request:…}` / `{phase:…}` filters mean the same thing in k6.
 * - Harness-only metrics (mttr_seconds, lost_executions, target_rss_bytes, …) need the harness's
 *   fault timeline, audit or samplers: they are left out and listed.
 * - An abort condition "rate>0.9 for 60s" describes the BAD state; a k6 threshold describes the
 *   good one, so it becomes `{threshold: "rate<=0.9", abortOnFail: true, delayAbortEval: "60s"}`.
 *   Not the same test: k6 thresholds are cumulative from the test start and delayAbortEval only
 *   postpones the first evaluation, where the harness asks for the condition to hold 60 s without
 *   a break. The k6 form is the nearest k6 can express.
 * - Every request and phase gets trivially true "surfacing" thresholds (k6-docs#205), because
 *   k6 only puts tagged sub-metrics into its summary when a threshold names them; the importer
 *   needs them for per-request and per-phase stats and drops them again.
 */

export type K6Threshold = string | { threshold: string; abortOnFail: boolean; delayAbortEval?: string };

export const K6_METRICS = ['http_req_duration', 'http_req_failed', 'http_reqs', 'dropped_iterations'] as const;
type K6Metric = (typeof K6_METRICS)[number];

/** The trivially true expression that makes k6 report a sub-metric, by metric. */
export const SURFACING: Readonly<Record<K6Metric, string>> = {
  http_req_duration: 'max>=0',
  http_req_failed: 'rate>=0',
  http_reqs: 'count>=0',
  dropped_iterations: 'count>=0',
};

export interface LeftOutThreshold {
  metric: string;
  expression: string;
  /** "threshold" or "abort". */
  from: 'threshold' | 'abort';
}

export interface AbortThreshold {
  metric: string;
  /** The k6 threshold expression (the negated condition). */
  threshold: string;
  /** The scenario's condition, e.g. "rate>0.9 for 60s". */
  condition: string;
}

export interface K6Thresholds {
  thresholds: Record<string, K6Threshold[]>;
  leftOut: LeftOutThreshold[];
  aborts: AbortThreshold[];
}

export function isK6Metric(name: string): name is K6Metric {
  return (K6_METRICS as readonly string[]).includes(name);
}

export function k6Thresholds(scenario: Scenario): K6Thresholds {
  const out: K6Thresholds = { thresholds: {}, leftOut: [], aborts: [] };
  const add = (key: string, item: K6Threshold): void => void (out.thresholds[key] ??= []).push(item);
  for (const { key, expressions } of scenario.thresholds) {
    for (const rule of expressions) {
      const expression = rule.source;
      if (!isK6Metric(key.metric)) out.leftOut.push({ metric: key.source, expression, from: 'threshold' });
      else if (!rule.abortOnFail && rule.delayAbortEvalMs === 0) add(key.source, expression);
      else add(key.source, { threshold: expression, abortOnFail: rule.abortOnFail, ...(rule.delayAbortEvalMs > 0 ? { delayAbortEval: formatDuration(rule.delayAbortEvalMs) } : {}) });
    }
  }
  for (const c of scenario.abort) {
    if (!isK6Metric(c.metric.metric)) {
      out.leftOut.push({ metric: c.metric.source, expression: c.source, from: 'abort' });
      continue;
    }
    const threshold = negatedExpression(c.expression);
    add(c.metric.source, { threshold, abortOnFail: true, ...(c.forMs > 0 ? { delayAbortEval: formatDuration(c.forMs) } : {}) });
    out.aborts.push({ metric: c.metric.source, threshold, condition: c.source });
  }
  for (const key of surfacingKeys(scenario)) {
    const metric = key.slice(0, key.indexOf('{')) as K6Metric;
    if (out.thresholds[key] === undefined) add(key, SURFACING[metric]);
  }
  return out;
}

/** Sub-metric keys the importer reads: per request and per phase. */
export function surfacingKeys(scenario: Scenario): string[] {
  const keys: string[] = [];
  for (const r of scenario.requests) {
    for (const m of ['http_req_duration', 'http_reqs', 'http_req_failed'] as const) keys.push(`${m}{request:${r.name}}`);
  }
  for (const p of scenario.load) for (const m of K6_METRICS) keys.push(`${m}{phase:${p.name}}`);
  return keys;
}

const NEGATED: Record<ThresholdOperator, ThresholdOperator> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '===': '!=', '!=': '==' };

/** The expression that passes exactly when `e` does not hold. */
export function negatedExpression(e: ThresholdExpression): string {
  return `${aggregationText(e.aggregation)}${NEGATED[e.op]}${e.value}`;
}

function aggregationText(a: Aggregation): string {
  return a.kind === 'percentile' ? `p(${a.p})` : a.kind;
}
