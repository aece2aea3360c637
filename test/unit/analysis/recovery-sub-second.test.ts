import { describe, expect, it } from 'vitest';
import { analyzeRecovery } from '../../../harness/analysis/recovery.ts';
import type { FaultInjection } from '../../../harness/analysis/recovery.ts';
import { sliceSeries } from '../../../harness/analysis/slice-series.ts';
import { computeSteadyState } from '../../../harness/analysis/steady-state.ts';
import { timelineAggregates } from '../../../harness/analysis/timeline-aggregates.ts';
import { recordedTimeline } from '../../support/recorded-timeline.ts';
import type { Fate } from '../../support/recorded-timeline.ts';

/** The recovery section's defaults (scenario/schema-chaos.ts): M = 3 s, N = 5 s, W_post = 120 s. */
const RULES = { unhealthyForMs: 3000, healthyForMs: 5000, postWindowMs: 120_000 };
const OK: Fate = { failed: false, latencyMs: 10 };
const FAIL: Fate = { failed: true, latencyMs: 1 };

function fault(overrides: Partial<FaultInjection> = {}): FaultInjection {
  return { name: 'f#1', kind: 'cpu-hog', injection: 1, injectAtMs: 10_000, removeAtMs: 25_000, params: {}, recoveryAnchor: 'injection', ...overrides };
}

/** Records the traffic through the real recorder, then analyses it as analyzeRun does. */
function recover(rps: number, seconds: number, fate: (atMs: number) => Fate, f: FaultInjection = fault(), openModel = true, lag?: (atMs: number) => number) {
  const lines = recordedTimeline(rps, seconds, fate, lag);
  const points = timelineAggregates(lines).series;
  const slices = sliceSeries(lines);
  expect(slices?.sliceMs).toBe(100);
  const steady = computeSteadyState(points, f.injectAtMs, { openModel });
  expect(steady.valid, steady.reason ?? '').toBe(true);
  const out = analyzeRecovery(points, [f], steady.tolerances, RULES, slices);
  expect(out.resolutionMs).toBe(100);
  return out.faults[0]!;
}

/** Each character one second: H healthy, x every request failed, . no request at all. */
function pattern(p: string): (atMs: number) => Fate {
  return (atMs) => {
    const c = p[Math.floor(atMs / 1000)] ?? 'H';
    return c === 'H' ? OK : c === 'x' ? FAIL : 'none';
  };
}
const H = (n: number): string => 'H'.repeat(n);
const X = (n: number): string => 'x'.repeat(n);

// measurement.md §2.7's cases, with the rules in time and the timeline at 100 ms (injected at 10 s rather than 60 s: only the times after it matter).
describe('the worked examples at 100 ms resolution', () => {
  it.each([
    ['H, 15 x, H… → TTR 15 s', H(10) + X(15), 25_000, 15],
    ['H, 10 x, 3 H, 6 x, H… → the 3 s healthy stretch is shorter than N: 19 s', H(10) + X(10) + H(3) + X(6), 29_000, 19],
    ['H, 10 x, 10 H, 6 x, H… → a relapse moves the recovery: 26 s', H(10) + X(10) + H(10) + X(6), 36_000, 26],
    ['H, 10 x, 4 H, 1 x, H… → a 1 s blip breaks the stretch but is no relapse: 15 s', H(10) + X(10) + H(4) + X(1), 25_000, 15],
    ['H, 12 s without requests, H… → no traffic is unhealthy: 12 s', H(10) + '.'.repeat(12), 22_000, 12],
  ])('%s', (_, p, recoveredAtMs, ttrSec) => {
    const r = recover(50, 45, pattern(p));
    expect(r).toMatchObject({ impacted: true, detectedAtMs: 10_000, ttdSec: 0, recoveredAtMs, ttrSec, recovered: true });
  });

  it('H, 2 x, H… → not impacted (shorter than unhealthyFor)', () => {
    expect(recover(50, 30, pattern(H(10) + X(2)))).toMatchObject({ impacted: false, ttrSec: 0, recovered: true });
  });

  it('x to the end of the window → censored', () => {
    expect(recover(50, 30, pattern(H(10) + X(20)))).toMatchObject({ impacted: true, recovered: false, ttrSec: null });
  });
});

describe('sub-second edges', () => {
  it('an outage from 10.35 s to 13.75 s is found to the slice on both edges', () => {
    const r = recover(100, 35, (t) => (t >= 10_350 && t < 13_750 ? FAIL : OK), fault({ injectAtMs: 10_000 }));
    expect(r.impactAtMs).toBe(10_300);
    expect(r.ttdSec).toBeCloseTo(0.3, 6);
    expect(r.recoveredAtMs).toBe(13_800);
    expect(r.ttrSec).toBeCloseTo(3.8, 6);
  });

  it('counts TTR from a mid-second removal: healed exactly 2.0 s after a removal at 14.37 s', () => {
    const r = recover(100, 35, (t) => (t >= 10_000 && t < 16_370 ? FAIL : OK), fault({ injectAtMs: 10_000, removeAtMs: 14_370, recoveryAnchor: 'removal' }));
    expect(r.recoveredAtMs).toBe(16_400);
    expect(Math.abs(r.ttrSec! - 2.0)).toBeLessThanOrEqual(0.1);
  });

  it('dropped iterations (the generator out of virtual users) are unhealthy, to the slice', () => {
    const r = recover(100, 35, (t) => (t >= 10_000 && t < 14_250 ? 'dropped' : OK));
    expect(r.impactAtMs).toBe(10_000);
    // the slice of the edge (14.2–14.3 s) is half dropped, half answered: within the tolerated 10 % of missing throughput
    expect(Math.abs(r.recoveredAtMs! - 14_250)).toBeLessThanOrEqual(100);
  });

  it('latency: successes 20× slower from 10.5 s to 14.5 s are an impact with exact edges', () => {
    const r = recover(100, 35, (t) => (t >= 10_500 && t < 14_500 ? { failed: false, latencyMs: 200 } : OK));
    expect(r.impactAtMs).toBe(10_500);
    expect(r.recoveredAtMs).toBe(14_500);
  });

  it('a generator 400 ms behind its schedule: the edges are where the requests really went out', () => {
    const lag = (t: number): number => (t >= 5_000 && t < 25_000 ? 400 : 0);
    // the target fails from 11.0 s to 14.0 s of real time: the requests intended 400 ms earlier see it
    const r = recover(100, 35, (t) => (t + lag(t) >= 11_000 && t + lag(t) < 14_000 ? FAIL : OK), fault(), true, lag);
    expect(r.impactAtMs).toBe(11_000);
    expect(r.recoveredAtMs).toBe(14_000);
    expect(r.ttrSec).toBe(4);
  });

  it('a generator stalled at the edge: the recovery is the middle of the gap it left, at most half the stall off', () => {
    // nothing went out from 14.0 to 14.8 s (a stall), then everything intended meanwhile at once; the target healed at 14.3 s
    const lag = (t: number): number => (t >= 14_000 && t < 14_800 ? 14_800 - t : 0);
    const r = recover(100, 35, (t) => (t >= 10_000 && t + lag(t) < 14_300 ? FAIL : OK), fault(), true, lag);
    expect(r.recoveredAtMs).toBeGreaterThanOrEqual(14_300);
    expect(r.recoveredAtMs! - 14_300).toBeLessThanOrEqual(400);
  });

  it('closed model: a 4 s gap without requests ends where the requests come back, not half a window early', () => {
    const r = recover(50, 35, (t) => (t >= 10_000 && t < 14_000 ? 'none' : OK), fault(), false);
    expect(r.impactAtMs).toBe(10_000);
    expect(r.recoveredAtMs).toBe(14_000);
  });
});

describe('sparse traffic and strays', () => {
  it('20 req/s (2 a slice): a healthy run with one slow request a second has no impact', () => {
    const r = recover(20, 35, (t) => (t % 1000 === 350 ? { failed: false, latencyMs: 900 } : OK));
    expect(r.impacted).toBe(false);
  });

  it('20 req/s with one slow request a second: a 5 s outage recovers at its end, the strays do not break the healthy stretch', () => {
    const r = recover(20, 35, (t) => (t >= 10_000 && t < 15_000 ? FAIL : t % 1000 === 350 ? { failed: false, latencyMs: 900 } : OK));
    expect(r.impactAtMs).toBe(10_000);
    expect(r.recoveredAtMs).toBe(15_000);
  });

  it('20 req/s: a partial outage (every third request fails) does not look healthy in its healthy-looking slices', () => {
    let i = 0;
    const r = recover(20, 35, (t) => (t >= 10_000 && t < 20_000 ? (i++ % 3 === 0 ? FAIL : OK) : OK));
    expect(r.impactAtMs).toBe(10_000);
    expect(Math.abs(r.recoveredAtMs! - 20_000)).toBeLessThanOrEqual(100);
  });

  it('1 req/s: most slices are empty, and the healthy stretch after an outage still counts', () => {
    const r = recover(1, 35, (t) => (t >= 10_000 && t < 15_000 ? FAIL : OK));
    expect(r.impactAtMs).toBe(10_000);
    expect(r.recoveredAtMs).toBe(15_000);
  });
});
