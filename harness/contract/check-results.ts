import * as z from 'zod';

/**
 * k6 checks carried into the result of `stresslab k6 import` (k6's `checks` Rate metric and its
 * per-check counts). A check does not fail a k6 run by itself, so the verdict does not read these;
 * a threshold on `checks` (e.g. `rate>0.99`) does, and is in the result's `thresholds` like any other,
 * repeated here beside the counts it judges.
 */
export const checkResultsSchema = z.object({
  /** Checks that held (k6's `passes`). */
  passes: z.number().int().nonnegative(),
  /** Checks that did not hold (k6's `fails`). */
  fails: z.number().int().nonnegative(),
  /** passes / (passes + fails); null with no check evaluated. */
  rate: z.number().min(0).max(1).nullable(),
  /** Per check, as k6 lists them; empty when the file has only the totals. */
  byName: z.array(z.object({ name: z.string(), path: z.string(), passes: z.number().int().nonnegative(), fails: z.number().int().nonnegative() })),
  /** The thresholds on `checks` and their verdicts (also in the result's `thresholds`). */
  thresholds: z.array(z.object({ expression: z.string(), actual: z.number().nullable(), pass: z.boolean() })),
});
export type CheckResults = z.infer<typeof checkResultsSchema>;
