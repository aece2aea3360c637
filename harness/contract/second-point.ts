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
}
