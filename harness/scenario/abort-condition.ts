import { z } from 'zod';
import { parseAbortCondition as parsePerSecondCondition } from '../analysis/abort-condition.ts';
import { parseMetricKey, parseThresholdExpression } from '../core/threshold-expression.ts';
import type { MetricKey, ParseOutcome, ThresholdExpression } from '../core/threshold-expression.ts';
import { parseDurationMs, DURATION_HINT } from '../core/duration.ts';
import { checkMetricKey } from './schema-thresholds.ts';

/**
 * An abort condition (Chaos Toolkit stop condition, k6 abortOnFail): the run stops, faults are
 * rolled back and partial results written (exit 3) when `expression` HOLDS for `forMs` on end.
 * Unlike a threshold, the expression describes the bad state: "rate>0.5 for 30s".
 */
export interface AbortCondition {
  metric: MetricKey;
  expression: ThresholdExpression;
  /** How long the condition must hold without a break before the run aborts (0 = at once). */
  forMs: number;
  /** The source text, e.g. "rate>0.5 for 30s". */
  source: string;
}

const FOR = /^(.*?)(?:\s+for\s+(\S+))?\s*$/;

export function parseAbortCondition(metricKey: string, text: string): ParseOutcome<AbortCondition> {
  const key = parseMetricKey(metricKey);
  if (!key.ok) return key;
  const m = FOR.exec(text);
  const exprText = m?.[1] ?? text;
  const expression = parseThresholdExpression(exprText);
  if (!expression.ok) {
    return { ok: false, message: expression.message, hint: `write "<aggregation><op><number> for <duration>", e.g. "rate>0.5 for 30s"` };
  }
  const forText = m?.[2];
  const forMs = forText === undefined ? 0 : parseDurationMs(forText);
  if (forMs === null) return { ok: false, message: `"${forText}" is not a duration`, hint: DURATION_HINT };
  return { ok: true, value: { metric: key.value, expression: expression.value, forMs, source: text } };
}

export const abortSchema = z
  .record(
    z.string().superRefine((v, ctx) => void checkMetricKey(v, ctx)),
    z.string().meta({ description: '"<aggregation><op><number> for <duration>": abort when this holds that long, e.g. "rate>0.5 for 30s".' }),
  )
  .superRefine((record, ctx) => {
    for (const [key, text] of Object.entries(record)) {
      const parsed = parseAbortCondition(key, text);
      // The runner evaluates conditions per second (analysis/abort-condition.ts): a condition it
      // cannot evaluate that way must be an error here, not silently never trip.
      const evaluable = parsed.ok ? parsePerSecondCondition(key, text) : parsed;
      if (!evaluable.ok) ctx.addIssue({ code: 'custom', path: [key], message: evaluable.message, params: { hint: evaluable.hint } });
    }
  })
  .meta({ description: 'Stop conditions: {"http_req_failed": "rate>0.5 for 30s"} → faults rolled back, load stopped, exit 3.' });

/** The typed abort conditions of a validated scenario's `abort` section. */
export function abortConditions(abort: Readonly<Record<string, string>> | undefined): AbortCondition[] {
  const out: AbortCondition[] = [];
  for (const [key, text] of Object.entries(abort ?? {})) {
    const parsed = parseAbortCondition(key, text);
    if (parsed.ok) out.push(parsed.value);
  }
  return out;
}
