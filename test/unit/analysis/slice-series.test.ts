import { describe, expect, it } from 'vitest';
import { sliceCounts, sliceSecondHealth, sliceSeries } from '../../../harness/analysis/slice-series.ts';
import { computeSteadyState } from '../../../harness/analysis/steady-state.ts';
import type { HealthTolerances } from '../../../harness/analysis/steady-state.ts';
import { timelineAggregates } from '../../../harness/analysis/timeline-aggregates.ts';
import type { TimelineLate, TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { sliceLatencyBin } from '../../../harness/contract/traffic-slices.ts';
import type { TrafficSlices } from '../../../harness/contract/traffic-slices.ts';
import { requestSecond } from '../../support/request-second.ts';

const zeros = (): number[] => Array.from({ length: 10 }, () => 0);

/** 5 successes of `okMs` in each slice. */
function slices(okMs: number, extra: Partial<TrafficSlices> = {}): TrafficSlices {
  return { ms: 100, requests: zeros().map(() => 5), errors: zeros(), dropped: zeros(), okLatency: zeros().map(() => [sliceLatencyBin(okMs * 1000), 5]), ...extra };
}

/** Second t: its per-name line says 50 requests with p95 `p95Ms`, its slices what `s` says. */
function second(t: number, p95Ms: number, s: TrafficSlices | undefined): TimelineSecond {
  const line: TimelineSecond = { type: 'second', t, phase: 'main', requests: { work: requestSecond(Array.from({ length: 50 }, () => p95Ms)) }, droppedIterations: 0 };
  if (s !== undefined) line.slices = s;
  return line;
}

const TOL: HealthTolerances = { maxErrorRate: 0.01, maxSuccessP95Ms: 100, minSuccessRps: 45, minRequests: 25 };

describe('sliceSeries', () => {
  it('is null for a timeline written before slices (a line with traffic has none), or with slices of two widths', () => {
    expect(sliceSeries({ seconds: [second(0, 5, slices(5)), second(1, 5, undefined)], late: [] })).toBeNull();
    expect(sliceSeries({ seconds: [second(0, 5, slices(5)), second(1, 5, { ...slices(5), ms: 200 })], late: [] })).toBeNull();
    const empty: TimelineSecond = { type: 'second', t: 2, phase: null, requests: {}, droppedIterations: 0 };
    expect(sliceSeries({ seconds: [second(0, 5, slices(5)), empty], late: [] })?.sliceMs).toBe(100);
  });

  it('adds late lines into their slices and weighs their send lag by their requests', () => {
    const late: TimelineLate = { type: 'late', t: 0, phase: 'main', requests: {}, droppedIterations: 0, slices: { ...slices(900), requests: [5, ...zeros().slice(1)], errors: [5, ...zeros().slice(1)], okLatency: zeros().map(() => []), sendLagMs: [300, ...zeros().slice(1)] } };
    const series = sliceSeries({ seconds: [second(0, 5, slices(5))], late: [late] });
    const c = sliceCounts(series!, 9, 100);
    expect([c.requests[0], c.errors[0], c.successes[0], c.slow[0]]).toEqual([10, 5, 5, 0]);
    expect(c.sendLagMs[0]).toBe(150);
    expect(sliceCounts(series!, 9, 1).slow[0]).toBe(5);
  });
});

describe('sliceSecondHealth', () => {
  it("judges a second from its slices: without the harness's stalls that its histogram still holds", () => {
    // second 1's histogram says p95 400 ms (every request waited out a harness stall); its slices, stall removed, 5 ms
    const timeline = { seconds: [second(0, 5, slices(5)), second(1, 400, slices(5)), second(2, 400, slices(400))], late: [] };
    const judge = sliceSecondHealth(sliceSeries(timeline)!);
    expect([0, 1, 2, 3].map((t) => judge(t, TOL))).toEqual([true, true, false, false]);
  });

  it('keeps a steady state with harness stalls in it valid', () => {
    const seconds = Array.from({ length: 12 }, (_, t) => second(t, t === 5 || t === 7 ? 600 : 5, slices(5)));
    const points = timelineAggregates({ seconds, late: [] }).series;
    expect(computeSteadyState(points, 12_000, { tolerances: { maxSuccessP95Ms: 100 } }).valid).toBe(false);
    const judged = computeSteadyState(points, 12_000, { tolerances: { maxSuccessP95Ms: 100 }, secondHealth: sliceSecondHealth(sliceSeries({ seconds, late: [] })!) });
    expect(judged.valid).toBe(true);
  });
});
