import { describe, expect, it } from 'vitest';
import { failureWindows } from '../../../harness/analysis/failure-windows.ts';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';

function point(t: number, requests: number, refused: number, bad5xx = 0): SecondPoint {
  const errors = refused + bad5xx;
  return {
    t, phase: 'main', requests, errors, successes: requests - errors, droppedIterations: 0,
    p50Ms: 5, p95Ms: 9, p99Ms: 12, maxMs: 20, successP95Ms: 9,
    statusCounts: { '2xx': requests - errors, ...(bad5xx > 0 ? { '5xx': bad5xx } : {}) },
    errorKinds: { timeout: 0, refused, reset: 0, other: 0 },
  };
}

describe('failureWindows', () => {
  const series = [
    ...Array.from({ length: 10 }, (_, t) => point(t, 50, 0)),
    point(10, 50, 50), point(11, 50, 50), point(12, 50, 0), point(13, 50, 0), point(14, 50, 20, 3), // two clean seconds: one stretch
    ...Array.from({ length: 10 }, (_, i) => point(15 + i, 50, 0)),
    point(25, 50, 0, 1), // three clean seconds before it: a stretch of its own
  ];
  const faults = [{ name: 'cut', injectedAtMs: 10_000, removedAtMs: 14_200 }];

  it('merges seconds with failures across up to two clean seconds, with their outcomes and the faults active', () => {
    const { windows, omitted } = failureWindows(series, faults);
    expect(omitted).toBe(0);
    expect(windows).toEqual([
      { fromMs: 10_000, toMs: 15_000, requests: 250, errors: 123, statusCounts: { '2xx': 127, '5xx': 3 }, errorKinds: { timeout: 0, refused: 120, reset: 0, other: 0 }, peakErrorsPerSec: 50, faults: ['cut'] },
      { fromMs: 25_000, toMs: 26_000, requests: 50, errors: 1, statusCounts: { '2xx': 49, '5xx': 1 }, errorKinds: { timeout: 0, refused: 0, reset: 0, other: 0 }, peakErrorsPerSec: 1, faults: [] },
    ]);
  });

  it('keeps the stretches with most failures, in time order, and counts the rest', () => {
    const { windows, omitted } = failureWindows(series, faults, 1);
    expect(windows.map((w) => w.fromMs)).toEqual([10_000]);
    expect(omitted).toBe(1);
    expect(failureWindows(series.slice(0, 10), faults)).toEqual({ windows: [], omitted: 0 });
  });
});
