import { LatencyHistogram } from '../metrics/latency-histogram.ts';
import type { TimelineSecond } from '../contract/timeline-types.ts';
import type { SecondPoint } from '../contract/second-point.ts';

function percentileOrNull(h: LatencyHistogram, p: number): number | null {
  return h.count === 0 ? null : h.percentileMs(p);
}

/** One second merged over request names. */
export function secondPoint(second: TimelineSecond): SecondPoint {
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  let requests = 0;
  let errors = 0;
  for (const r of Object.values(second.requests)) {
    requests += r.count;
    errors += r.errors;
    all.add(LatencyHistogram.decode(r.histogram));
    if (r.errorHistogram !== undefined) failed.add(LatencyHistogram.decode(r.errorHistogram));
  }
  const success = all.copy();
  success.subtract(failed);
  return {
    t: second.t,
    phase: second.phase,
    requests,
    errors,
    successes: requests - errors,
    droppedIterations: second.droppedIterations,
    p50Ms: percentileOrNull(all, 50),
    p95Ms: percentileOrNull(all, 95),
    p99Ms: percentileOrNull(all, 99),
    maxMs: all.count === 0 ? null : all.maxMs,
    successP95Ms: percentileOrNull(success, 95),
  };
}

/** TimelineSecond lines → per-second points, sorted by `t`. */
export function timelineSeries(seconds: readonly TimelineSecond[]): SecondPoint[] {
  return [...seconds].sort((a, b) => a.t - b.t).map(secondPoint);
}
