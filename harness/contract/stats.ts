import * as z from 'zod';

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

/**
 * How a request ended without an expected answer, as an engine reports it: a target error kind,
 * or `cancelled` when the harness itself stopped it (in flight when the run was interrupted or
 * aborted). Cancelled requests are counted apart (`cancelled` in Stats and timeline lines): they
 * are neither requests nor errors of the target, so they never move the error rate or a threshold.
 */
export type OutcomeErrorKind = ErrorKind | 'cancelled';

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
 * Latency is in milliseconds, measured from the intended send time in the open model, over the
 * requests that got an answer or timed out: a request that got no answer (refused, reset, other
 * transport errors) has no latency, so a dead target's instant refusals cannot pass for fast answers.
 */
export const statsSchema = z.strictObject({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  errorRate: z.number().min(0).max(1),
  rps: z.number().nonnegative(),
  droppedIterations: z.number().int().nonnegative(),
  statusCounts: z.record(z.string(), z.number().int().nonnegative()),
  errorKinds: errorKindsSchema,
  /**
   * Requests the harness cancelled (in flight when the run stopped early): not in `requests`,
   * `errors` or the latency. Absent when none (and in results written before it existed).
   */
  cancelled: z.number().int().nonnegative().optional(),
  latencyMs: latencySummarySchema,
  /**
   * Latency of the successful requests only (Gatling's OK, k6's `expected_response:true`): what a
   * user waited for an answer that worked. Null when none succeeded; absent in results written
   * before it existed (docs/outcomes.md).
   */
  okLatencyMs: latencySummarySchema.nullable().optional(),
  /**
   * Latency of the failed requests that have one (an unexpected status, a timeout); refused, reset
   * and other transport errors have none. Null when no failed request has a latency; absent in
   * results written before it existed.
   */
  koLatencyMs: latencySummarySchema.nullable().optional(),
});
export type Stats = z.infer<typeof statsSchema>;

export function emptyErrorKinds(): ErrorKinds {
  return { timeout: 0, refused: 0, reset: 0, other: 0 };
}
