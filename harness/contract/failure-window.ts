import * as z from 'zod';
import { errorKindsSchema } from './stats.ts';

/**
 * A stretch of the run in which requests failed (docs/outcomes.md): seconds with failures, merged
 * across gaps of up to two clean seconds. `requests` and the outcome classes count every request
 * intended in the window, failed or not; `faults` are those active during any part of it.
 */
export const failureWindowSchema = z.object({
  fromMs: z.number().nonnegative(),
  toMs: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Responses by status class, expected or not. */
  statusCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Requests that got no response, by kind. */
  errorKinds: errorKindsSchema,
  /** The most failures in one second of the window. */
  peakErrorsPerSec: z.number().int().nonnegative(),
  faults: z.array(z.string()),
});
export type FailureWindow = z.infer<typeof failureWindowSchema>;

/** The run's failure windows, the ones with most failures first kept (`omitted`: how many more there were), in time order. */
export const failureWindowsSchema = z.object({
  windows: z.array(failureWindowSchema),
  omitted: z.number().int().nonnegative(),
});
export type FailureWindows = z.infer<typeof failureWindowsSchema>;
