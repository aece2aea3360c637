import { LatencyHistogram } from '../metrics/latency-histogram.ts';
import type { TimelineSecond } from '../contract/timeline-types.ts';
import type { SecondPoint } from '../contract/second-point.ts';

function percentileOrNull(h: LatencyHistogram, p: number): number | null {
  return h.count === 0 ? null : h.percentileMs(p);
}

/** A second line's counts over request names, as a SecondPoint has them. */
export function secondCounts(second: TimelineSecond): Pick<SecondPoint, 't' | 'phase' | 'requests' | 'errors' | 'droppedIterations'> {
  let requests = 0;
  let errors = 0;
  for (const r of Object.values(second.requests)) {
    requests += r.count;
    errors += r.errors;
  }
  return { t: second.t, phase: second.phase, requests, errors, droppedIterations: second.droppedIterations };
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

/** A second's point from its counts and its merged histograms (all requests, failed ones only). */
export function pointOf(
  base: Pick<SecondPoint, 't' | 'phase' | 'requests' | 'errors' | 'droppedIterations'>,
  all: LatencyHistogram,
  failed: LatencyHistogram,
): SecondPoint {
  // all − failed = successful; without failures that is `all` itself, and no 60 KB copy is made.
  let success = all;
  if (failed.count > 0) {
    success = all.copy();
    success.subtract(failed);
  }
  return {
    ...base,
    successes: base.requests - base.errors,
    p50Ms: percentileOrNull(all, 50),
    p95Ms: percentileOrNull(all, 95),
    p99Ms: percentileOrNull(all, 99),
    maxMs: all.count === 0 ? null : all.maxMs,
    successP95Ms: percentileOrNull(success, 95),
  };
}
