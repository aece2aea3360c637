import * as z from 'zod';
import { durationSchema } from '../core/duration.ts';
import { SLICE_MS } from '../contract/traffic-slices.ts';
import { hostPortSchema, httpUrlSchema, nameSchema } from '../core/scalar-schemas.ts';

export const proxySchema = z.strictObject({
  name: nameSchema.meta({ description: 'Proxy name that faults refer to ("api" and "db" are created by the embedded setup).' }),
  listen: hostPortSchema,
  upstream: hostPortSchema,
});

export const toxiproxySchema = z.strictObject({
  url: httpUrlSchema.meta({ description: 'A real Toxiproxy API, e.g. http://127.0.0.1:8474 (default: the embedded one).' }),
});

/** The recovery rules' defaults (docs/recovery.md): M = 3 s unhealthy is an impact, N = 5 s healthy a recovery. */
const DEFAULT_UNHEALTHY_FOR_MS = 3000;
const DEFAULT_HEALTHY_FOR_MS = 5000;

/**
 * How recovery is judged (docs/recovery.md). Every field has its default here and only here; the
 * scenario schema applies them when the section is absent, so the analysis always gets all of them.
 * The rules are durations (`unhealthyFor`, `healthyFor`); `unhealthyBuckets` and `healthyBuckets`,
 * their spelling in whole seconds before recovery was measured below a second, stay accepted so
 * older scenario files keep their meaning (3 = "3s"). Giving both spellings of one rule is an error.
 */
export const recoverySchema = z
  .strictObject({
    steadyStateWindow: durationSchema.prefault('60s').meta({ description: 'Window before each fault that defines the steady state.' }),
    unhealthyFor: durationSchema.optional().meta({ description: 'How long traffic must be unhealthy to be an impact, and a relapse (M; default "3s", at least "100ms").' }),
    healthyFor: durationSchema.optional().meta({ description: 'How long traffic must be healthy without a break to have recovered (N; default "5s", at least "100ms").' }),
    unhealthyBuckets: z.number().int().min(1).optional().meta({ description: 'unhealthyFor in whole seconds (the older spelling: 3 is "3s").', deprecated: true }),
    healthyBuckets: z.number().int().min(1).optional().meta({ description: 'healthyFor in whole seconds (the older spelling: 5 is "5s").', deprecated: true }),
    observationWindow: durationSchema.prefault('120s').meta({ description: 'How long after removal recovery is looked for.' }),
    probeInterval: durationSchema.prefault('250ms').meta({ description: 'Health-probe period.' }),
    tolerances: z
      .strictObject({
        errorRate: z.number().min(0).max(1).optional().meta({ description: 'Highest healthy error rate (default max(2ε₀, ε₀ + 0.01)).' }),
        p95Ms: z.number().positive().optional().meta({ description: 'Highest healthy p95 in ms (default max(1.25ℓ₀, ℓ₀ + 4σ, ℓ₀ + 25 ms)).' }),
        throughputRatio: z.number().min(0).max(1).optional().meta({ description: 'Lowest healthy throughput as a share of steady state (default 0.9).' }),
      })
      .default({}),
  })
  .superRefine((r, ctx) => {
    for (const [time, buckets] of [['unhealthyFor', 'unhealthyBuckets'], ['healthyFor', 'healthyBuckets']] as const) {
      if (r[time] !== undefined && r[buckets] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [buckets], message: `${buckets} is the older spelling of ${time}: give one of them`, params: { hint: `remove ${buckets} and keep ${time}` } });
      }
      // One slice of the timeline is the finest step recovery is measured on.
      const ms = r[time];
      if (ms !== undefined && ms < SLICE_MS) {
        ctx.addIssue({ code: 'custom', path: [time], message: `must be at least ${SLICE_MS}ms, the resolution of recovery`, params: { hint: `e.g. "${time === 'healthyFor' ? '5s' : '3s'}" (the default)` } });
      }
    }
  })
  .transform(({ steadyStateWindow, observationWindow, probeInterval, unhealthyFor, healthyFor, unhealthyBuckets, healthyBuckets, ...r }) => ({
    ...r,
    unhealthyForMs: unhealthyFor ?? (unhealthyBuckets === undefined ? DEFAULT_UNHEALTHY_FOR_MS : unhealthyBuckets * 1000),
    healthyForMs: healthyFor ?? (healthyBuckets === undefined ? DEFAULT_HEALTHY_FOR_MS : healthyBuckets * 1000),
    steadyStateWindowMs: steadyStateWindow,
    observationWindowMs: observationWindow,
    probeIntervalMs: probeInterval,
  }));

/** The resolved recovery section: the analysis's parameters, every duration in ms. */
export type RecoveryParams = z.output<typeof recoverySchema>;

export const baselineSchema = z.strictObject({
  tolerancePct: z.number().positive().max(1000).default(5).meta({ description: 'A metric worse by more than this (and beyond noise) is a regression.' }),
  metrics: z.record(z.string(), z.strictObject({ tolerancePct: z.number().positive().max(1000) })).optional(),
  blind: z.enum(['warn', 'fail']).default('warn').meta({
    description: 'A gated metric whose comparison could not have seen a change of the tolerance (its detectable change is larger): warn (default) or fail the gate.',
  }),
});
