import * as z from 'zod';
import { parseAbortCondition } from '../core/abort-condition.ts';
import type { AbortCondition } from '../core/abort-condition.ts';
import { checkAggregation, checkMetricKey } from './schema-thresholds.ts';

/**
 * The abort section, resolved by the one parser (core/abort-condition.ts): a condition the schema
 * accepts is one the runner evaluates every second, and one it cannot evaluate is an error here.
 */
export const abortSchema = z
  .record(z.string(), z.string().meta({ description: '"<aggregation><op><number> for <duration>": abort when this holds that long, e.g. "rate>0.5 for 30s".' }))
  .meta({ description: 'Stop conditions: {"http_req_failed": "rate>0.5 for 30s"} → faults rolled back, load stopped, exit 3.' })
  .transform((record, ctx) => {
    const out: AbortCondition[] = [];
    for (const [key, text] of Object.entries(record)) {
      const metric = checkMetricKey(key, ctx, [key]);
      if (metric === null) continue;
      const parsed = parseAbortCondition(key, text);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', path: [key], message: parsed.message, params: { hint: parsed.hint } });
        continue;
      }
      if (checkAggregation(metric, parsed.value.expression, ctx, [key])) out.push(parsed.value);
    }
    return out;
  });
