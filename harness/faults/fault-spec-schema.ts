import * as z from 'zod';
import type { RecoveryAnchor } from '../contract/plan-types.ts';
import { durationSchema } from '../core/duration.ts';
import { nameSchema } from '../core/scalar-schemas.ts';
import type { FaultKindDefinition } from './fault-kind.ts';
import { FAULT_KINDS, FAULT_KIND_NAMES } from './index.ts';
import type { FaultKind, FaultParams, FaultParamsInput } from './index.ts';

/**
 * A fault as a scenario entry: the timing fields every fault has, an optional recovery anchor, and
 * its kind's parameters. The schema resolves it: durations in ms, the name and the anchor defaulted,
 * the parameters apart and at their kind's type.
 */

const timing = {
  name: nameSchema.optional().meta({ description: 'Fault name in plans and results (default: the kind); injections are NAME#1, NAME#2…' }),
  at: durationSchema.meta({ description: 'First injection, from the run start.' }),
  duration: durationSchema.meta({ description: 'How long each injection stays active before removal.' }),
  every: durationSchema.optional().meta({ description: 'Repeat: time between injection starts (must exceed duration).' }),
  times: z.number().int().min(1).max(1000).optional().meta({
    description: 'Number of injections (default 1, or as many as fit in the load window when every is set).',
  }),
  expectEffect: z.boolean().default(true).meta({
    description: 'Whether the fault must have an observable effect (docs/fault-effect.md); an injection without one makes the run inconclusive unless false.',
  }),
};

/** A resolved fault entry of kind K. */
export interface FaultSpecOf<K extends FaultKind> {
  kind: K;
  /** The entry's name, or its kind. */
  name: string;
  atMs: number;
  durationMs: number;
  /** Time between injection starts; null for a single injection. */
  everyMs: number | null;
  /** Injections asked for; null: one, or as many as fit when `everyMs` is set. */
  times: number | null;
  recoveryAnchor: RecoveryAnchor;
  /** An injection without observable effect makes the run inconclusive unless false. */
  expectEffect: boolean;
  params: FaultParams<K>;
}
export type FaultSpec = { [K in FaultKind]: FaultSpecOf<K> }[FaultKind];

type TimingInput = z.input<z.ZodObject<typeof timing>> & { recoveryAnchor?: RecoveryAnchor };
export type FaultSpecInput = { [K in FaultKind]: TimingInput & { kind: K } & FaultParamsInput<K> }[FaultKind];

function specSchema<K extends string, S extends z.ZodRawShape, P extends object>(def: FaultKindDefinition<K, S, P>) {
  const anchor = z.enum(['injection', 'removal']).optional().meta({ description: `Where TTR counts from (default for ${def.kind}: ${def.recoveryAnchor}).` });
  return z
    .strictObject({ kind: z.literal(def.kind), ...timing, recoveryAnchor: anchor, ...def.params })
    .transform((entry) => {
      const { kind, name, at, duration, every, times, expectEffect, recoveryAnchor, ...params } = entry as z.output<z.ZodObject<typeof timing>> & {
        kind: K;
        recoveryAnchor?: RecoveryAnchor;
      } & Record<string, unknown>;
      return {
        kind,
        name: name ?? kind,
        atMs: at,
        durationMs: duration,
        everyMs: every ?? null,
        times: times ?? null,
        recoveryAnchor: recoveryAnchor ?? def.recoveryAnchor,
        expectEffect,
        // The rest of the entry is exactly the kind's own fields, validated by them just above.
        params: def.resolve(params as z.output<z.ZodObject<S>>),
      };
    });
}

const schemas = FAULT_KIND_NAMES.map((kind) => specSchema(FAULT_KINDS[kind] as FaultKindDefinition<string, z.ZodRawShape, object>));

/**
 * Every kind's entry schema, told apart by `kind`. Zod cannot infer a union built from the registry
 * at run time, so its type is stated here from the same registry: FaultSpec and FaultSpecInput.
 */
export const faultSpecSchema = z.discriminatedUnion('kind', schemas as [(typeof schemas)[number], ...(typeof schemas)[number][]]) as unknown as z.ZodType<
  FaultSpec,
  FaultSpecInput
>;
