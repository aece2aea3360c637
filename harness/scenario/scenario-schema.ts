import * as z from 'zod';
import { nameSchema } from '../core/scalar-schemas.ts';
import { faultSpecSchema } from '../faults/fault-spec-schema.ts';
import { abortSchema } from './schema-abort.ts';
import { auditSchema } from './schema-audit.ts';
import { baselineSchema, proxySchema, recoverySchema, toxiproxySchema } from './schema-chaos.ts';
import { loadSchema } from './schema-load.ts';
import { requestSchema } from './schema-requests.ts';
import { targetSchema } from './schema-target.ts';
import { thresholdsSchema } from './schema-thresholds.ts';

/**
 * Top-level fields a profile may override (each replaces the field as a whole). No defaults at this
 * level: a profile's override is a partial of these, and a default there would replace the
 * scenario's own value. The scenario schema below adds the defaults.
 */
const overridableShape = {
  description: z.string().regex(/^[^\n\r]*$/, { message: 'must be one line' }).max(200).meta({ description: 'One line, shown by `stresslab list`.' }),
  target: targetSchema,
  allowTargets: z.array(z.string().min(1)).optional().meta({
    description: 'Hosts (or URL prefixes) this scenario may be pointed at with --target besides loopback.',
  }),
  requests: z.array(requestSchema).min(1),
  load: loadSchema,
  thresholds: thresholdsSchema,
  faults: z.array(faultSpecSchema),
  proxies: z.array(proxySchema),
  toxiproxy: toxiproxySchema.optional(),
  audit: auditSchema.optional(),
  abort: abortSchema,
  recovery: recoverySchema,
  baseline: baselineSchema.optional(),
  workers: z.number().int().min(1).max(64).optional().meta({
    description: 'Load threads, each an execution segment of the load (default: what the peak arrival rate needs at 8,000 rps per thread, at most one per core, leaving one to a target on this machine; --workers overrides).',
  }),
};

const factor = z.number().positive().max(1000);

export const profileSchema = z.strictObject({
  scale: z
    .strictObject({
      duration: factor.optional().meta({ description: 'Multiplies durations, stage lengths, start times and fault times (default 1).' }),
      rate: factor.optional().meta({ description: 'Multiplies arrival rates and their VU pools (default 1).' }),
      vus: factor.optional().meta({ description: 'Multiplies closed-model VUs (default 1).' }),
    })
    .optional(),
  override: z.strictObject(overridableShape).partial().optional().meta({ description: 'Top-level fields replaced as a whole, before scaling.' }),
});

/**
 * A scenario file → the resolved Scenario: every duration in ms, thresholds and abort conditions
 * typed, defaults applied (an absent `recovery` gets all of its defaults), phase and fault names
 * resolved. This is the only place a scenario is parsed; everything downstream reads these values.
 */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: nameSchema,
    ...overridableShape,
    thresholds: thresholdsSchema.prefault({}),
    faults: overridableShape.faults.prefault([]),
    proxies: overridableShape.proxies.prefault([]),
    abort: abortSchema.prefault({}),
    recovery: recoverySchema.prefault({}),
    profiles: z.record(nameSchema, profileSchema).optional().meta({
      description: 'Named variants picked with --profile; "full" is the file as written, "quick" has a built-in default.',
    }),
  })
  .meta({ title: 'stresslab scenario', description: 'A stresslab scenario: requests, k6-style load phases, thresholds, faults.' });

/** A validated, resolved scenario. */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a scenario file may contain. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioProfile = z.output<typeof profileSchema>;
