import type { ErrorKinds } from './stats.ts';

/**
 * One second of the run, summarised for analysis and charts (derived from `TimelineSecond` lines
 * by `timeline-series.ts`). `t` is the second index since the run's start.
 */
export interface SecondPoint {
  t: number;
  phase: string | null;
  /** Requests whose intended send time falls in this second. */
  requests: number;
  errors: number;
  successes: number;
  droppedIterations: number;
  /** Latency percentiles of all requests of the second (ms), null when the second had none. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** p95 of successful requests only (recovery health uses it), null when none succeeded. */
  successP95Ms: number | null;
  /*
   * The outcome detail below is always set by timeline-series.ts; optional so that points written
   * by hand (tests of recovery and steady state) need not spell it out. Charts read a missing one
   * as no data.
   */
  /** p50 and p99 of successful requests only (ms), null when none succeeded. */
  successP50Ms?: number | null;
  successP99Ms?: number | null;
  /** p95 of the failed requests that have a latency (an unexpected status, a timeout), null when none. */
  failedP95Ms?: number | null;
  /** Responses by status class ("2xx", "5xx", …), expected or not. */
  statusCounts?: Record<string, number>;
  /** Requests that got no response, by kind: with `statusCounts`, every request of the second once. */
  errorKinds?: ErrorKinds;
  /** Requests in flight when the second closed, null when the timeline does not say. */
  inFlight?: number | null;
}
