import * as z from 'zod';
import { durationSchema } from '../core/duration.ts';
import { parseMetricKey, parseThresholdExpression } from '../core/threshold-expression.ts';
import type { MetricKey, Threshold, ThresholdExpression, ThresholdRule } from '../core/threshold-expression.ts';
import { METRICS, METRIC_NAMES, aggregationMismatch, isMetricName } from './threshold-metrics.ts';

type IssueSink = { addIssue(issue: { code: 'custom'; message: string; path?: PropertyKey[]; params: { hint: string } }): void };

/**
 * Checks a metric key against the catalogue (known metric, allowed tag names; tag values are
 * checked against the scenario's requests and phases later). Returns the typed key, or null after
 * reporting why not.
 */
export function checkMetricKey(source: string, ctx: IssueSink, path: PropertyKey[] = []): MetricKey | null {
  const parsed = parseMetricKey(source);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', path, message: parsed.message, params: { hint: parsed.hint } });
    return null;
  }
  const { metric, tags } = parsed.value;
  if (!isMetricName(metric)) {
    ctx.addIssue({ code: 'custom', path, message: `unknown metric "${metric}"`, params: { hint: `use one of: ${METRIC_NAMES.join(', ')}` } });
    return null;
  }
  const allowed: readonly string[] = METRICS[metric].tags;
  const unknown = Object.keys(tags).filter((tag) => !allowed.includes(tag));
  for (const tag of unknown) {
    const hint = allowed.length === 0 ? `${metric} takes no tags` : `${metric} can be filtered by ${allowed.map((t) => `{${t}:NAME}`).join(' or ')}`;
    ctx.addIssue({ code: 'custom', path, message: `unknown tag "${tag}" in "${source}"`, params: { hint } });
  }
  return unknown.length === 0 ? parsed.value : null;
}

/** Reports an aggregation that does not fit the metric (p(95) of a rate, say); true when it fits. */
export function checkAggregation(key: MetricKey, e: ThresholdExpression, ctx: IssueSink, path: PropertyKey[]): boolean {
  if (!isMetricName(key.metric)) return false;
  const fits = aggregationMismatch(key.metric, e.aggregation);
  if (fits === null) return true;
  ctx.addIssue({ code: 'custom', path, message: `"${e.source}" does not apply to ${key.metric}`, params: { hint: `${key.metric} takes ${fits}` } });
  return false;
}

/**
 * abortOnFail is evaluated while the run goes, on the traffic so far (k6 semantics). Recovery,
 * integrity and resource metrics exist only after the run, so abortOnFail on them could never fire.
 */
function checkLiveAbort(key: MetricKey, rule: ThresholdRule, ctx: IssueSink, path: PropertyKey[]): boolean {
  if (!rule.abortOnFail || !isMetricName(key.metric) || METRICS[key.metric].live) return true;
  const live = METRIC_NAMES.filter((m) => METRICS[m].live);
  ctx.addIssue({ code: 'custom', path, message: `abortOnFail cannot apply to ${key.metric}: it is known only after the run`, params: { hint: `use abortOnFail on ${live.join(', ')}, or drop it` } });
  return false;
}

const expressionSchema = z.string().transform((v, ctx) => {
  const parsed = parseThresholdExpression(v);
  if (parsed.ok) return parsed.value;
  ctx.issues.push({ code: 'custom', input: v, message: parsed.message, params: { hint: parsed.hint } });
  return z.NEVER;
});

export const thresholdItemSchema = z.union([
  expressionSchema.transform((e): ThresholdRule => ({ ...e, abortOnFail: false, delayAbortEvalMs: 0 })),
  z
    .strictObject({
      threshold: expressionSchema,
      abortOnFail: z.boolean().default(false).meta({ description: 'Stop the run (exit 3) as soon as this threshold fails.' }),
      delayAbortEval: durationSchema.optional().meta({ description: 'Do not evaluate abortOnFail before this much time has passed.' }),
    })
    .transform(({ threshold, abortOnFail, delayAbortEval }): ThresholdRule => ({ ...threshold, abortOnFail, delayAbortEvalMs: delayAbortEval ?? 0 })),
]);

/**
 * k6 thresholds, resolved once: each key checked against the metric catalogue and parsed, each
 * expression parsed and checked against its metric's aggregations. Nothing downstream parses them
 * again, so a threshold that validates is a threshold that is evaluated.
 */
export const thresholdsSchema = z
  .record(z.string(), z.array(thresholdItemSchema).min(1))
  .meta({ description: 'k6 thresholds: {"http_req_duration{request:validate}": ["p(95)<300"], "http_req_failed": ["rate<0.01"]}.' })
  .transform((record, ctx) => {
    const out: Threshold[] = [];
    for (const [source, expressions] of Object.entries(record)) {
      const key = checkMetricKey(source, ctx, [source]);
      if (key === null) continue;
      const fitting = expressions.filter((e, i) => checkAggregation(key, e, ctx, [source, i]) && checkLiveAbort(key, e, ctx, [source, i]));
      out.push({ key, expressions: fitting });
    }
    return out;
  });
