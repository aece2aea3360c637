import { describe, expect, it } from 'vitest';
import { timelineAggregates } from '../../../harness/analysis/timeline-aggregates.ts';
import { LatencyHistogram } from '../../../harness/metrics/latency-histogram.ts';
import type { TimelineLate, TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { requestSecond } from '../../support/request-second.ts';

const fast = (n: number, ms = 10): number[] => Array.from({ length: n }, (_, i) => ms + (i % 5));

describe('timelineAggregates', () => {
  const seconds: TimelineSecond[] = [
    { type: 'second', t: 1, phase: 'main', requests: { a: requestSecond(fast(20)) }, droppedIterations: 2 },
    { type: 'second', t: 0, phase: 'warm', requests: { a: requestSecond(fast(30)), b: requestSecond(fast(10, 40)) }, droppedIterations: 0 },
    { type: 'second', t: 2, phase: null, requests: {}, droppedIterations: 0 },
  ];
  const late: TimelineLate[] = [
    // two slow timeouts of second 0, written after it closed, in two lines
    { type: 'late', t: 0, phase: 'warm', requests: { a: requestSecond([], [5000]) }, droppedIterations: 1 },
    { type: 'late', t: 0, phase: 'warm', requests: { b: requestSecond([], [6000]) }, droppedIterations: 0 },
    // a late line whose second is not in the timeline (torn or trimmed): still counted
    { type: 'late', t: 7, phase: 'main', requests: { a: requestSecond([3000]) }, droppedIterations: 0 },
  ];
  const agg = timelineAggregates({ seconds, late });

  it('adds late outcomes into their second of the series, sorted by t', () => {
    expect(agg.series.map((p) => [p.t, p.phase, p.requests, p.errors, p.droppedIterations])).toEqual([
      [0, 'warm', 42, 2, 1],
      [1, 'main', 20, 0, 2],
      [2, null, 0, 0, 0],
      [7, 'main', 1, 0, 0],
    ]);
    const s0 = agg.series[0]!;
    expect(s0.maxMs).toBeCloseTo(6000, -1); // the late timeouts are in their second's percentiles
    expect(s0.successP95Ms).toBeLessThan(50); // and out of its success-only p95
    expect(agg.series[2]?.p95Ms).toBeNull();
    expect(agg.lateOutcomes).toBe(3);
    // outcome classes per second, late lines included: 40 answers and the two late timeouts
    expect(s0.statusCounts).toEqual({ '2xx': 40 });
    expect(s0.errorKinds).toEqual({ timeout: 2, refused: 0, reset: 0, other: 0 });
    expect(s0.failedP95Ms).toBeCloseTo(6000, -1);
    expect(s0.successP99Ms).toBeLessThan(50);
  });

  it('keeps the failed requests\' latency apart in every aggregate', () => {
    const { traffic } = agg;
    expect(traffic.totals.failedHistogram?.count).toBe(2);
    expect(traffic.totals.failedHistogram?.maxMs).toBeCloseTo(6000, -1);
    expect(traffic.requests.a?.failedHistogram?.maxMs).toBeCloseTo(5000, -1);
    expect(traffic.requests.b?.failedHistogram?.count).toBe(1);
    expect(traffic.phases.main?.total.failedHistogram ?? null).toBeNull();
  });

  it('folds seconds and late lines into totals, requests and phases', () => {
    const { traffic } = agg;
    expect(traffic.totals).toMatchObject({ requests: 63, errors: 2, droppedIterations: 3, bytes: 610 });
    expect(traffic.totals.errorKinds.timeout).toBe(2);
    expect(traffic.requests.a?.requests).toBe(52);
    expect(traffic.requests.b?.requests).toBe(11);
    expect(traffic.phases.warm?.total).toMatchObject({ requests: 42, errors: 2, droppedIterations: 1 });
    expect(traffic.phases.warm?.requests.b?.errors).toBe(1);
    expect(traffic.phases.main?.total).toMatchObject({ requests: 21, droppedIterations: 2 });
    expect(traffic.totals.histogram.count).toBe(63);
    // merged histograms equal one histogram of every value, late ones included
    const direct = LatencyHistogram.empty();
    for (const v of [...fast(20), ...fast(30), ...fast(10, 40), 5000, 6000, 3000]) direct.recordUs(v * 1000);
    for (const p of [50, 95, 99, 100]) expect(traffic.totals.histogram.percentileMs(p)).toBe(direct.percentileMs(p));
  });

  it('gives the same aggregates for a timeline written before late lines existed', () => {
    const old = timelineAggregates({ seconds, late: [] });
    expect(old.traffic.totals.requests).toBe(60);
    expect(old.series.map((p) => p.t)).toEqual([0, 1, 2]);
    expect(old.lateOutcomes).toBe(0);
  });
});
