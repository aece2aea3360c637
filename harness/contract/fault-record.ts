import * as z from 'zod';
import { faultObservationSchema } from './fault-observation.ts';

/**
 * What happened to one planned injection (faults/fault-runner.ts fills it in): times on the run
 * clock when the step had completed, or the error that stopped it. Kept in record.json, so the
 * recovery analysis can be run again from the run record alone.
 */
export const faultRecordSchema = z.object({
  name: z.string(),
  kind: z.string(),
  injectedAtMs: z.number().nullable(),
  removedAtMs: z.number().nullable(),
  error: z.string().nullable(),
  /** What the fault saw of its own effect (fault-observation.ts); absent when it has nothing to say, and in older records. */
  observation: faultObservationSchema.nullable().optional(),
});
export type FaultRecord = z.infer<typeof faultRecordSchema>;
