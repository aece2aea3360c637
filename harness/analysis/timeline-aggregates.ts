import type { TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import { LatencyHistogram } from '../metrics/latency-histogram.ts';
import { addCounters, addFailedHistogram } from '../metrics/traffic-aggregate.ts';
import { addDropped, emptyBreakdown, requestAggregatesFor, totalAggregatesFor } from '../metrics/traffic-breakdown.ts';
import type { TrafficBreakdown } from '../metrics/traffic-breakdown.ts';
import { timelineSecondGroups } from './timeline-second-groups.ts';
import { addToSecondBase, emptySecondBase, pointOf } from './timeline-series.ts';

/** What a run's traffic lines add up to. */
export interface TimelineAggregates {
  /** Per request, per phase and total: the input of result stats and thresholds. */
  traffic: TrafficBreakdown;
  /** One point per second that has a line, sorted by `t`, late outcomes added into their second. */
  series: SecondPoint[];
  /** Outcomes that came in `late` lines. */
  lateOutcomes: number;
}

/**
 * Folds `second` and `late` lines into the run's aggregates and per-second series in one pass,
 * late lines in their second (timeline-second-groups.ts). Each histogram is decoded once, into its
 * request name's histogram of the second, which is added to that name's aggregates and to the second's; the second's goes into the run and phase totals
 * once. Adding a histogram walks all its 17,408 buckets, which is most of the cost of a long run:
 * a synthesized 24 h timeline (86,400 seconds, 4 request names) folds in about a minute on the
 * 2-core machine. Pure; histograms held: four scratch ones and the aggregates' (a failed part only
 * where failures had a latency).
 */
export function timelineAggregates(timeline: { seconds: readonly TimelineSecond[]; late: readonly TimelineLate[] }): TimelineAggregates {
  let lateOutcomes = 0;
  for (const l of timeline.late) for (const r of Object.values(l.requests)) lateOutcomes += r.count;

  const traffic = emptyBreakdown();
  const series: SecondPoint[] = [];
  // Reused across seconds: a histogram is 60-odd KB, and a 24 h run has 86,400 seconds.
  const name = LatencyHistogram.empty();
  const nameFailed = LatencyHistogram.empty();
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  for (const { second, droppedIterations, byName } of timelineSecondGroups(timeline)) {
    // The second's own line names the phase; its late lines repeat it.
    const { t, phase } = second;
    const base = emptySecondBase(t, phase, second.inFlight ?? null);
    base.droppedIterations = droppedIterations;
    all.reset();
    failed.reset();
    const totals = totalAggregatesFor(traffic, phase);
    for (const [requestName, parts] of byName) {
      name.reset();
      nameFailed.reset();
      const own = requestAggregatesFor(traffic, phase, requestName);
      for (const r of parts) {
        addToSecondBase(base, r);
        name.addEncoded(r.histogram);
        if (r.errorHistogram !== undefined) nameFailed.addEncoded(r.errorHistogram);
        for (const agg of own) addCounters(agg, r);
        for (const agg of totals) addCounters(agg, r);
      }
      for (const agg of own) {
        agg.histogram.add(name);
        addFailedHistogram(agg, nameFailed);
      }
      all.add(name);
      failed.add(nameFailed);
    }
    if (all.count > 0) for (const agg of totals) agg.histogram.add(all);
    for (const agg of totals) addFailedHistogram(agg, failed);
    addDropped(traffic, phase, base.droppedIterations);
    series.push(pointOf(base, all, failed));
  }
  return { traffic, series, lateOutcomes };
}
