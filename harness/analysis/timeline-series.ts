import { LatencyHistogram } from '../metrics/latency-histogram.ts';
import { emptyErrorKinds, ERROR_KINDS } from '../contract/stats.ts';
import type { RequestSecond, TimelineSecond } from '../contract/timeline-types.ts';
import type { SecondPoint } from '../contract/second-point.ts';

function percentileOrNull(h: LatencyHistogram, p: number): number | null {
  return h.count === 0 ? null : h.percentileMs(p);
}

/** What a point is made of besides its histograms: counts, outcome classes and in-flight requests. */
export type SecondBase = Pick<SecondPoint, 't' | 'phase' | 'requests' | 'errors' | 'droppedIterations'>
  & Required<Pick<SecondPoint, 'statusCounts' | 'errorKinds' | 'inFlight'>>;

/** Empty counts for second `t`, to add a second's (and its late lines') request names into. */
export function emptySecondBase(t: number, phase: string | null, inFlight: number | null): SecondBase {
  return { t, phase, requests: 0, errors: 0, droppedIterations: 0, statusCounts: {}, errorKinds: emptyErrorKinds(), inFlight };
}

/** Adds one request name's counts of a second (or late line) into the second's base. */
export function addToSecondBase(base: SecondBase, r: RequestSecond): void {
  base.requests += r.count;
  base.errors += r.errors;
  for (const [cls, n] of Object.entries(r.statusCounts)) base.statusCounts[cls] = (base.statusCounts[cls] ?? 0) + n;
  for (const k of ERROR_KINDS) base.errorKinds[k] += r.errorKinds[k];
}

/** A second line's counts over request names, as a SecondPoint has them. */
export function secondCounts(second: TimelineSecond): SecondBase {
  const base = emptySecondBase(second.t, second.phase, second.inFlight ?? null);
  base.droppedIterations = second.droppedIterations;
  for (const r of Object.values(second.requests)) addToSecondBase(base, r);
  return base;
}

/** One second merged over request names (the live view's; analysis folds late lines in too, see timeline-aggregates.ts). */
export function secondPoint(second: TimelineSecond): SecondPoint {
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  for (const r of Object.values(second.requests)) {
    all.addEncoded(r.histogram);
    if (r.errorHistogram !== undefined) failed.addEncoded(r.errorHistogram);
  }
  return pointOf(secondCounts(second), all, failed);
}

/**
 * A second's point from its counts and its merged histograms (all requests, failed ones only).
 * Latency is given for all requests, for the successful ones (OK) and the failed ones that have a
 * latency (KO) apart: during a partition every request fails fast, and with the failures in it p95
 * read as the run's fastest second (docs/outcomes.md).
 */
export function pointOf(base: SecondBase, all: LatencyHistogram, failed: LatencyHistogram): SecondPoint {
  // all − failed = successful; without failures that is `all` itself, and no 60 KB copy is made.
  let success = all;
  if (failed.count > 0) {
    success = all.copy();
    success.subtract(failed);
  }
  return {
    t: base.t,
    phase: base.phase,
    requests: base.requests,
    errors: base.errors,
    successes: base.requests - base.errors,
    droppedIterations: base.droppedIterations,
    p50Ms: percentileOrNull(all, 50),
    p95Ms: percentileOrNull(all, 95),
    p99Ms: percentileOrNull(all, 99),
    maxMs: all.count === 0 ? null : all.maxMs,
    successP95Ms: percentileOrNull(success, 95),
    successP50Ms: percentileOrNull(success, 50),
    successP99Ms: percentileOrNull(success, 99),
    failedP95Ms: percentileOrNull(failed, 95),
    statusCounts: base.statusCounts,
    errorKinds: base.errorKinds,
    inFlight: base.inFlight,
  };
}
