import { addToSecondBase, emptySecondBase, pointOf } from '../analysis/timeline-series.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { RequestSecond, TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
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
 * lines go into their second, as in analysis/timeline-aggregates.ts, so these add up to the same
 * totals as result.json. A generator: one second's histograms are held at a time (a 24 h run has
 * 86,400 seconds). Pure.
 */
export function* requestSecondPoints(timeline: { seconds: readonly TimelineSecond[]; late: readonly TimelineLate[] }): Generator<RequestSecondPoints> {
  const lateByT = new Map<number, TimelineLate[]>();
  for (const l of timeline.late) lateByT.set(l.t, [...(lateByT.get(l.t) ?? []), l]);
  const seconds = [...timeline.seconds];
  const present = new Set(seconds.map((s) => s.t));
  for (const [t, [first]] of lateByT) {
    if (!present.has(t) && first !== undefined) seconds.push({ type: 'second', t, phase: first.phase, requests: {}, droppedIterations: 0 });
  }
  seconds.sort((a, b) => a.t - b.t);
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  // Reused: a histogram is 60-odd KB, and pointOf keeps only numbers.
  const own = LatencyHistogram.empty();
  const ownFailed = LatencyHistogram.empty();
  for (const second of seconds) {
    const lines = [second, ...(lateByT.get(second.t) ?? [])];
    const total = emptySecondBase(second.t, second.phase, second.inFlight ?? null);
    const byName = new Map<string, RequestSecond[]>();
    for (const line of lines) {
      total.droppedIterations += line.droppedIterations;
      for (const [n, r] of Object.entries(line.requests)) byName.set(n, [...(byName.get(n) ?? []), r]);
    }
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
