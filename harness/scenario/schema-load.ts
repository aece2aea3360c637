import { z } from 'zod';
import { durationSchema } from '../core/duration.ts';
import { nameSchema } from '../core/scalar-schemas.ts';

/** k6's options common to every executor (reference/k6-and-autocannon.md §1.1). */
const common = {
  name: nameSchema.optional().meta({ description: 'Phase name for {phase:NAME} thresholds and reports (default "load[i]").' }),
  startTime: durationSchema.default('0s').meta({ description: 'Offset from the run start; phases otherwise run in parallel.' }),
  gracefulStop: durationSchema.default('30s').meta({ description: 'How long in-flight requests may finish after the phase ends.' }),
  requests: z.array(nameSchema).min(1).optional().meta({ description: 'Names of the requests this phase sends (default: all).' }),
};

const count = z.number().int().positive();
const stage = z.strictObject({ target: z.number().int().nonnegative(), duration: durationSchema });
const stages = z.array(stage).min(1);

export const constantArrivalRateSchema = z.strictObject({
  executor: z.literal('constant-arrival-rate'),
  ...common,
  rate: count.meta({ description: 'Iterations (requests) per timeUnit.' }),
  timeUnit: durationSchema.default('1s'),
  duration: durationSchema,
  preAllocatedVUs: count,
  maxVUs: count.optional().meta({ description: 'Most requests in flight; more are dropped iterations (default preAllocatedVUs).' }),
});

export const rampingArrivalRateSchema = z.strictObject({
  executor: z.literal('ramping-arrival-rate'),
  ...common,
  startRate: z.number().int().nonnegative().default(0),
  timeUnit: durationSchema.default('1s'),
  stages: stages.meta({ description: 'The rate moves linearly to each target (per timeUnit) over the stage duration; duration "0s" jumps.' }),
  preAllocatedVUs: count,
  maxVUs: count.optional(),
});

export const constantVusSchema = z.strictObject({
  executor: z.literal('constant-vus'),
  ...common,
  vus: count,
  duration: durationSchema,
});

export const rampingVusSchema = z.strictObject({
  executor: z.literal('ramping-vus'),
  ...common,
  startVUs: z.number().int().nonnegative().default(1),
  stages,
});

export const sharedIterationsSchema = z.strictObject({
  executor: z.literal('shared-iterations'),
  ...common,
  vus: count.default(1),
  iterations: count.meta({ description: 'Total iterations shared by all VUs.' }),
  maxDuration: durationSchema.default('10m'),
});

export const perVuIterationsSchema = z.strictObject({
  executor: z.literal('per-vu-iterations'),
  ...common,
  vus: count.default(1),
  iterations: count.meta({ description: 'Iterations per VU.' }),
  maxDuration: durationSchema.default('10m'),
});

export const loadPhaseSchema = z.discriminatedUnion('executor', [
  constantArrivalRateSchema,
  rampingArrivalRateSchema,
  constantVusSchema,
  rampingVusSchema,
  sharedIterationsSchema,
  perVuIterationsSchema,
]);

export type LoadPhase = z.output<typeof loadPhaseSchema>;
export type Executor = LoadPhase['executor'];

/** The phase name used in plans, tags and reports. */
export function phaseName(phase: LoadPhase, index: number): string {
  return phase.name ?? `load[${index}]`;
}
