import * as z from 'zod';
import { SUMMARY_SCHEMA_VERSION, summaryRegressionsSchema } from './summary-document.ts';

/**
 * The machine-readable answer of `stresslab compare --json`: one run against a baseline (or another
 * run), the gate's outcome and the exit code, with the regressions as the run summary document shows
 * them (contract/summary-document.ts), so a CI step reads both the same way. Same versioning:
 * fields keep their names and meaning, more may be added, `schemaVersion` changes when any changes.
 */
export const compareDocumentSchema = z.strictObject({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  tool: z.literal('stresslab'),
  toolVersion: z.string(),
  command: z.literal('compare'),
  /** `fail` when a gated metric regressed. */
  verdict: z.enum(['pass', 'fail']),
  /** The process's exit code: 0, or 1 for a gated regression. */
  exitCode: z.number().int().nonnegative(),
  current: z.strictObject({
    /** The result.json compared, absolute. */
    file: z.string(),
    runId: z.string(),
    scenario: z.strictObject({ name: z.string(), profile: z.string().nullable() }),
  }),
  reference: z.strictObject({
    /** The baseline file, or the other run's result.json, absolute. */
    file: z.string(),
    kind: z.enum(['baseline', 'run']),
    /** Runs the reference holds (one for a run: too few to estimate noise). */
    runs: z.number().int().positive(),
  }),
  /** The tolerance the gate used, in percent. */
  tolerancePct: z.number(),
  regressions: summaryRegressionsSchema,
  warnings: z.array(z.string()),
});
export type CompareDocument = z.infer<typeof compareDocumentSchema>;
