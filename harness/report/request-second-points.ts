import { timelineSecondGroups } from '../analysis/timeline-second-groups.ts';
import { addToSecondBase, emptySecondBase, pointOf } from '../analysis/timeline-series.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import { LatencyHistogram } from '../metrics/latency-histogram.ts';

/** One second of the run: all request names together and each on its own, late outcomes folded in. */
export interface RequestSecondPoints {
  t: number;
  total: SecondPoint;
  byRequest: ReadonlyMap<string, SecondPoint>;
}

/**
 * The timeline's seconds, each as the run's point and one point per request name (OK and KO
 * latency, status classes, error kinds: analysis/timeline-series.ts's `pointOf`, per name). Late
 * lines go into their second (analysis/timeline-second-groups.ts, as for result.json's totals), so
 * these add up to the same totals. A generator: one second's histograms are held at a time (a 24 h run has
 * 86,400 seconds). Pure.
 */
export function* requestSecondPoints(timeline: { seconds: readonly TimelineSecond[]; late: readonly TimelineLate[] }): Generator<RequestSecondPoints> {
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  // Reused: a histogram is 60-odd KB, and pointOf keeps only numbers.
  const own = LatencyHistogram.empty();
  const ownFailed = LatencyHistogram.empty();
  for (const { second, droppedIterations, byName } of timelineSecondGroups(timeline)) {
    const total = emptySecondBase(second.t, second.phase, second.inFlight ?? null);
    total.droppedIterations = droppedIterations;
    all.reset();
    failed.reset();
    const byRequest = new Map<string, SecondPoint>();
    for (const [name, parts] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // Per name: its own counts (no dropped iterations or in-flight: those belong to the run).
      const base = emptySecondBase(second.t, second.phase, null);
      own.reset();
      ownFailed.reset();
      for (const r of parts) {
        addToSecondBase(base, r);
        addToSecondBase(total, r);
        own.addEncoded(r.histogram);
        if (r.errorHistogram !== undefined) ownFailed.addEncoded(r.errorHistogram);
      }
      all.add(own);
      failed.add(ownFailed);
      byRequest.set(name, pointOf(base, own, ownFailed));
    }
    yield { t: second.t, total: pointOf(total, all, failed), byRequest };
  }
}
