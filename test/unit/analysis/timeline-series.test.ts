import { describe, expect, it } from 'vitest';
import { secondPoint } from '../../../harness/analysis/timeline-series.ts';
import type { TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { requestSecond } from '../../support/request-second.ts';

describe('secondPoint', () => {
  it('merges request names per second and derives success-only p95', () => {
    const ok = Array.from({ length: 95 }, () => 10);
    const seconds: TimelineSecond[] = [
      { type: 'second', t: 1, phase: 'p', requests: {}, droppedIterations: 4 },
      // 95 fast successes + 5 slow timeouts: p95 of all sits on the boundary; success-only p95 is fast
      { type: 'second', t: 0, phase: 'p', requests: { a: requestSecond(ok.slice(0, 50), [1000, 1000]), b: requestSecond(ok.slice(50), [1000, 1000, 1000]) }, droppedIterations: 0 },
    ];
    const [s1, s0] = seconds.map(secondPoint);
    expect(s0).toMatchObject({ t: 0, requests: 100, errors: 5, successes: 95, droppedIterations: 0 });
    expect(s0?.p50Ms).toBeCloseTo(10, 1);
    expect(s0?.p99Ms).toBeCloseTo(1000, -1);
    expect(s0?.maxMs).toBeCloseTo(1000, -1);
    expect(s0?.successP95Ms).toBeCloseTo(10, 1);
    expect(s0?.successP50Ms).toBeCloseTo(10, 1);
    expect(s0?.successP99Ms).toBeCloseTo(10, 1);
    expect(s0?.failedP95Ms).toBeCloseTo(1000, -1);
    expect(s0?.statusCounts).toEqual({ '2xx': 95 });
    expect(s0?.errorKinds).toEqual({ timeout: 5, refused: 0, reset: 0, other: 0 });
    expect(s1).toEqual({
      t: 1, phase: 'p', requests: 0, errors: 0, successes: 0, droppedIterations: 4, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null,
      successP95Ms: null, successP50Ms: null, successP99Ms: null, failedP95Ms: null,
      statusCounts: {}, errorKinds: { timeout: 0, refused: 0, reset: 0, other: 0 }, inFlight: null,
    });
  });

  it('keeps the in-flight count of the second', () => {
    const s = secondPoint({ type: 'second', t: 3, phase: null, requests: { a: requestSecond([5]) }, droppedIterations: 2, inFlight: 17 });
    expect(s).toMatchObject({ inFlight: 17, droppedIterations: 2, failedP95Ms: null });
    expect(s.successP50Ms).toBeCloseTo(5, 1);
  });

  it('gives a null success p95 when every request failed', () => {
    const s = secondPoint({ type: 'second', t: 0, phase: null, requests: { a: requestSecond([], [5, 6]) }, droppedIterations: 0 });
    expect(s?.successP95Ms).toBeNull();
    expect(s?.successP50Ms).toBeNull();
    expect(s?.p95Ms).toBeCloseTo(6, 1);
    expect(s?.failedP95Ms).toBeCloseTo(6, 1);
  });
});
