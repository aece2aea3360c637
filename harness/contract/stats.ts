import { z } from 'zod';

/** Transport failures, by kind (a response with an unexpected status is not one of these). */
export const errorKindsSchema = z.strictObject({
  timeout: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  reset: z.number().int().nonnegative(),
  other: z.number().int().nonnegative(),
});
export type ErrorKinds = z.infer<typeof errorKindsSchema>;
export type ErrorKind = keyof ErrorKinds;
export const ERROR_KINDS: readonly ErrorKind[] = ['timeout', 'refused', 'reset', 'other'];

export const latencySummarySchema = z.strictObject({
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  mean: z.number(),
  min: z.number(),
});
export type LatencySummaryMs = z.infer<typeof latencySummarySchema>;

/**
 * The `Stats` of the result contract (docs/percentiles.md, section Stats in result.json).
 * `errors` counts requests that failed: a transport error or a status outside the request's
 * expected statuses.
 * Latency is in milliseconds, measured from the intended send time in the open model.
 */
export const statsSchema = z.strictObject({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  errorRate: z.number().min(0).max(1),
  rps: z.number().nonnegative(),
  droppedIterations: z.number().int().nonnegative(),
  statusCounts: z.record(z.string(), z.number().int().nonnegative()),
  errorKinds: errorKindsSchema,
  latencyMs: latencySummarySchema,
});
export type Stats = z.infer<typeof statsSchema>;

export function emptyErrorKinds(): ErrorKinds {
  return { timeout: 0, refused: 0, reset: 0, other: 0 };
}
