import { emptyErrorKinds, ERROR_KINDS } from '../contract/stats.ts';
import type { ErrorKinds } from '../contract/stats.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import type { RequestSecond } from '../contract/timeline-types.ts';

/**
 * Merged traffic of a window (a run, a phase, a request name): the input of `summarizeStats`.
 * Holds one histogram and counters, so its size does not depend on how long the window is.
 */
export interface TrafficAggregate {
  requests: number;
  errors: number;
  droppedIterations: number;
  bytes: number;
  statusCounts: Record<string, number>;
  errorKinds: ErrorKinds;
  /** Requests the harness cancelled: not in `requests` or `errors` (contract/stats.ts). */
  cancelled: number;
  /** Latency of the requests that have one (answered or timed out; request-second-builder.ts), µs. */
  histogram: LatencyHistogram;
  /**
   * The failed requests' part of `histogram` (their `errorHistogram`s), so OK and KO latency can be
   * told apart; null until a failure with a latency is added. The analysis fold fills it; the
   * recorder's live aggregates, which only thresholds read, leave it null.
   */
  failedHistogram: LatencyHistogram | null;
}

export function emptyAggregate(): TrafficAggregate {
  return {
    requests: 0,
    errors: 0,
    droppedIterations: 0,
    bytes: 0,
    statusCounts: {},
    errorKinds: emptyErrorKinds(),
    cancelled: 0,
    histogram: LatencyHistogram.empty(),
    failedHistogram: null,
  };
}

/** Adds failed requests' latencies into the aggregate's failed part (allocated on first use). */
export function addFailedHistogram(into: TrafficAggregate, failed: LatencyHistogram): void {
  if (failed.count === 0) return;
  (into.failedHistogram ??= LatencyHistogram.empty()).add(failed);
}

/** Adds counters (not the histogram) of one request name's second. */
export function addCounters(into: TrafficAggregate, from: Pick<RequestSecond, 'count' | 'errors' | 'bytes' | 'statusCounts' | 'errorKinds' | 'cancelled'>): void {
  into.requests += from.count;
  into.cancelled += from.cancelled ?? 0;
  into.errors += from.errors;
  into.bytes += from.bytes;
  for (const [cls, n] of Object.entries(from.statusCounts)) into.statusCounts[cls] = (into.statusCounts[cls] ?? 0) + n;
  for (const k of ERROR_KINDS) into.errorKinds[k] += from.errorKinds[k];
}

/** Adds a whole aggregate (counters and histogram) into another. */
export function addAggregate(into: TrafficAggregate, from: TrafficAggregate): void {
  addCounters(into, { count: from.requests, errors: from.errors, bytes: from.bytes, statusCounts: from.statusCounts, errorKinds: from.errorKinds, cancelled: from.cancelled });
  into.droppedIterations += from.droppedIterations;
  into.histogram.add(from.histogram);
  if (from.failedHistogram !== null) addFailedHistogram(into, from.failedHistogram);
}

/** Adds a `timeline.jsonl` second of one request name (histogram decoded). */
export function addRequestSecond(into: TrafficAggregate, second: RequestSecond): void {
  addCounters(into, second);
  into.histogram.add(LatencyHistogram.decode(second.histogram));
  if (second.errorHistogram !== undefined) addFailedHistogram(into, LatencyHistogram.decode(second.errorHistogram));
}

/** "2xx" for 204; "0xx"-style classes never occur since failed transports have no status. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
