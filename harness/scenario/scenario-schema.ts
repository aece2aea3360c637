import { z } from 'zod';
import { faultSpecSchema } from '../faults/fault-spec-schema.ts';
import { abortSchema } from './abort-condition.ts';
import { nameSchema } from '../core/scalar-schemas.ts';
import { auditSchema, baselineSchema, proxySchema, recoverySchema, toxiproxySchema } from './schema-chaos.ts';
import { loadPhaseSchema } from './schema-load.ts';
import { requestSchema } from './schema-requests.ts';
import { targetSchema } from './schema-target.ts';
import { thresholdsSchema } from './schema-thresholds.ts';

/** Top-level fields a profile may override (each replaces the field as a whole). */
const overridableShape = {
  description: z.string().regex(/^[^\n\r]*$/, { message: 'must be one line' }).max(200).meta({ description: 'One line, shown by `stresslab list`.' }),
  target: targetSchema,
  allowTargets: z.array(z.string().min(1)).optional().meta({
    description: 'Hosts (or URL prefixes) this scenario may be pointed at with --target besides loopback.',
  }),
  requests: z.array(requestSchema).min(1),
  load: z.array(loadPhaseSchema).min(1).meta({ description: 'Load phases with k6 executor names and options; they run in parallel unless startTime separates them.' }),
  thresholds: thresholdsSchema.default({}),
  faults: z.array(faultSpecSchema).optional(),
  proxies: z.array(proxySchema).optional(),
  toxiproxy: toxiproxySchema.optional(),
  audit: auditSchema.optional(),
  abort: abortSchema.optional(),
  recovery: recoverySchema.optional(),
  baseline: baselineSchema.optional(),
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
  // No defaults inside an override: a default there would replace the scenario's own value.
  override: z.strictObject({ ...overridableShape, thresholds: thresholdsSchema }).partial().optional().meta({ description: 'Top-level fields replaced as a whole, before scaling.' }),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: nameSchema,
    ...overridableShape,
    profiles: z.record(nameSchema, profileSchema).optional().meta({
      description: 'Named variants picked with --profile; "full" is the file as written, "quick" has a built-in default.',
    }),
  })
  .meta({ title: 'stresslab scenario', description: 'A stresslab scenario: requests, k6-style load phases, thresholds, faults.' });

/** A validated scenario with defaults filled. */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a scenario file may contain. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioProfile = z.output<typeof profileSchema>;
