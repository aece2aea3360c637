import { z } from 'zod';
import { durationSchema } from '../core/duration.ts';
import { hostPortSchema, httpUrlSchema, nameSchema } from '../core/scalar-schemas.ts';

export const proxySchema = z.strictObject({
  name: nameSchema.meta({ description: 'Proxy name that faults refer to ("api" and "db" are created by the embedded setup).' }),
  listen: hostPortSchema,
  upstream: hostPortSchema,
});

export const toxiproxySchema = z.strictObject({
  url: httpUrlSchema.meta({ description: 'A real Toxiproxy API, e.g. http://127.0.0.1:8474 (default: the embedded one).' }),
});

export const auditSchema = z.strictObject({
  executions: z.strictObject({
    lookup: z
      .string()
      .regex(/^(GET|POST|PUT) \/\S*$/, { message: 'must be "METHOD /path", e.g. "POST /v1/executions/lookup"' })
      .default('POST /v1/executions/lookup'),
    capture: nameSchema.meta({ description: 'The capture variable holding the accepted execution ids.' }),
    terminal: z.array(z.string().min(1)).min(1).default(['succeeded', 'dead_lettered']),
    graceSeconds: z.number().nonnegative().default(60).meta({ description: 'How long to wait for non-terminal executions after the load ends.' }),
    batchSize: z.number().int().min(1).max(10_000).default(1000),
    concurrency: z.number().int().min(1).max(64).default(4),
  }),
});

/**
 * How recovery is judged (docs/recovery.md). Every field has its default here and only here; the
 * scenario schema applies them when the section is absent, so the analysis always gets all of them.
 */
export const recoverySchema = z
  .strictObject({
    steadyStateWindow: durationSchema.prefault('60s').meta({ description: 'Window before each fault that defines the steady state.' }),
    healthyBuckets: z.number().int().min(1).default(5).meta({ description: 'Consecutive healthy seconds that count as recovered (N).' }),
    unhealthyBuckets: z.number().int().min(1).default(3).meta({ description: 'Consecutive unhealthy seconds that count as impact (M).' }),
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
  .transform(({ steadyStateWindow, observationWindow, probeInterval, ...r }) => ({
    ...r,
    steadyStateWindowMs: steadyStateWindow,
    observationWindowMs: observationWindow,
    probeIntervalMs: probeInterval,
  }));

/** The resolved recovery section: the analysis's parameters, every duration in ms. */
export type RecoveryParams = z.output<typeof recoverySchema>;

export const baselineSchema = z.strictObject({
  tolerancePct: z.number().positive().max(1000).default(5).meta({ description: 'A metric worse by more than this (and beyond noise) is a regression.' }),
  metrics: z.record(z.string(), z.strictObject({ tolerancePct: z.number().positive().max(1000) })).optional(),
});
