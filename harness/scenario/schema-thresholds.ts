import { z } from 'zod';
import { parseMetricKey, parseThresholdExpression } from '../core/threshold-expression.ts';
import type { MetricKey } from '../core/threshold-expression.ts';
import { durationSchema } from '../core/duration.ts';
import { METRICS, METRIC_NAMES, isMetricName } from './metric-catalogue.ts';

type IssueSink = { addIssue(issue: { code: 'custom'; message: string; params: { hint: string } }): void };

/** Checks a metric key against the catalogue: known metric, allowed tag names (tag values are checked against the scenario later). */
export function checkMetricKey(source: string, ctx: IssueSink): MetricKey | null {
  const parsed = parseMetricKey(source);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message, params: { hint: parsed.hint } });
    return null;
  }
  const { metric, tags } = parsed.value;
  if (!isMetricName(metric)) {
    ctx.addIssue({ code: 'custom', message: `unknown metric "${metric}"`, params: { hint: `use one of: ${METRIC_NAMES.join(', ')}` } });
    return null;
  }
  const allowed: readonly string[] = METRICS[metric].tags;
  for (const tag of Object.keys(tags)) {
    if (!allowed.includes(tag)) {
      const hint = allowed.length === 0 ? `${metric} takes no tags` : `${metric} can be filtered by ${allowed.map((t) => `{${t}:NAME}`).join(' or ')}`;
      ctx.addIssue({ code: 'custom', message: `unknown tag "${tag}" in "${source}"`, params: { hint } });
    }
  }
  return parsed.value;
}

const metricKeySchema = z.string().superRefine((v, ctx) => void checkMetricKey(v, ctx));

const expressionSchema = z.string().superRefine((v, ctx) => {
  const parsed = parseThresholdExpression(v);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { hint: parsed.hint } });
});

export const thresholdItemSchema = z.union([
  expressionSchema,
  z.strictObject({
    threshold: expressionSchema,
    abortOnFail: z.boolean().default(false).meta({ description: 'Stop the run (exit 3) as soon as this threshold fails.' }),
    delayAbortEval: durationSchema.optional().meta({ description: 'Do not evaluate abortOnFail before this much time has passed.' }),
  }),
]);

export const thresholdsSchema = z
  .record(metricKeySchema, z.array(thresholdItemSchema).min(1))
  .meta({ description: 'k6 thresholds: {"http_req_duration{request:validate}": ["p(95)<300"], "http_req_failed": ["rate<0.01"]}.' });

export type ThresholdItem = z.output<typeof thresholdItemSchema>;
