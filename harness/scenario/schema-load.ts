import * as z from 'zod';
import { durationSchema } from '../core/duration.ts';
import { nameSchema } from '../core/scalar-schemas.ts';

/**
 * k6's options common to every executor. Durations resolve to milliseconds here (`startTime` →
 * `startTimeMs`); the phase name is resolved by the scenario schema, which knows the phase's index.
 */
const common = {
  name: nameSchema.optional().meta({ description: 'Phase name for {phase:NAME} thresholds and reports (default "load[i]").' }),
  startTime: durationSchema.prefault('0s').meta({ description: 'Offset from the run start; phases otherwise run in parallel.' }),
  gracefulStop: durationSchema.prefault('30s').meta({ description: 'How long in-flight requests may finish after the phase ends.' }),
  requests: z.array(nameSchema).min(1).optional().meta({ description: 'Names of the requests this phase sends (default: all).' }),
};

const count = z.number().int().positive();
const stage = z.strictObject({ target: z.number().int().nonnegative(), duration: durationSchema }).transform(({ target, duration }) => ({ target, durationMs: duration }));
const stages = z.array(stage).min(1);

/** Renames the common timing fields to their resolved names. */
function resolveCommon<T extends { startTime: number; gracefulStop: number }>(p: T): Omit<T, 'startTime' | 'gracefulStop'> & { startTimeMs: number; gracefulStopMs: number } {
  const { startTime, gracefulStop, ...rest } = p;
  return { ...rest, startTimeMs: startTime, gracefulStopMs: gracefulStop };
}

export const constantArrivalRateSchema = z
  .strictObject({
    executor: z.literal('constant-arrival-rate'),
    ...common,
    rate: count.meta({ description: 'Iterations (requests) per timeUnit.' }),
    timeUnit: durationSchema.prefault('1s'),
    duration: durationSchema,
    preAllocatedVUs: count,
    maxVUs: count.optional().meta({ description: 'Most requests in flight; more are dropped iterations (default preAllocatedVUs).' }),
  })
  .transform(({ timeUnit, duration, ...p }) => ({ ...resolveCommon(p), timeUnitMs: timeUnit, durationMs: duration }));

export const rampingArrivalRateSchema = z
  .strictObject({
    executor: z.literal('ramping-arrival-rate'),
    ...common,
    startRate: z.number().int().nonnegative().default(0),
    timeUnit: durationSchema.prefault('1s'),
    stages: stages.meta({ description: 'The rate moves linearly to each target (per timeUnit) over the stage duration; duration "0s" jumps.' }),
    preAllocatedVUs: count,
    maxVUs: count.optional(),
  })
  .transform(({ timeUnit, ...p }) => ({ ...resolveCommon(p), timeUnitMs: timeUnit }));

export const constantVusSchema = z
  .strictObject({
    executor: z.literal('constant-vus'),
    ...common,
    vus: count,
    duration: durationSchema,
  })
  .transform(({ duration, ...p }) => ({ ...resolveCommon(p), durationMs: duration }));

export const rampingVusSchema = z
  .strictObject({
    executor: z.literal('ramping-vus'),
    ...common,
    startVUs: z.number().int().nonnegative().default(1),
    stages,
  })
  .transform(resolveCommon);

export const sharedIterationsSchema = z
  .strictObject({
    executor: z.literal('shared-iterations'),
    ...common,
    vus: count.default(1),
    iterations: count.meta({ description: 'Total iterations shared by all VUs.' }),
    maxDuration: durationSchema.prefault('10m'),
  })
  .transform(({ maxDuration, ...p }) => ({ ...resolveCommon(p), maxDurationMs: maxDuration }));

export const perVuIterationsSchema = z
  .strictObject({
    executor: z.literal('per-vu-iterations'),
    ...common,
    vus: count.default(1),
    iterations: count.meta({ description: 'Iterations per VU.' }),
    maxDuration: durationSchema.prefault('10m'),
  })
  .transform(({ maxDuration, ...p }) => ({ ...resolveCommon(p), maxDurationMs: maxDuration }));

export const loadPhaseSchema = z.discriminatedUnion('executor', [
  constantArrivalRateSchema,
  rampingArrivalRateSchema,
  constantVusSchema,
  rampingVusSchema,
  sharedIterationsSchema,
  perVuIterationsSchema,
]);

/**
 * The load section: phases in k6's vocabulary, each named (`load[i]` unless the file names it), every
 * duration in milliseconds.
 */
export const loadSchema = z
  .array(loadPhaseSchema)
  .min(1)
  .meta({ description: 'Load phases with k6 executor names and options; they run in parallel unless startTime separates them.' })
  .transform((phases) => phases.map((p, i) => ({ ...p, name: p.name ?? `load[${i}]` })));

/** A resolved load phase: named, durations in ms. */
export type LoadPhase = z.output<typeof loadSchema>[number];
export type Executor = LoadPhase['executor'];
