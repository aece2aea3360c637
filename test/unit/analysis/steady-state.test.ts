import { describe, expect, it } from 'vitest';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';
import { computeSteadyState, isHealthy } from '../../../harness/analysis/steady-state.ts';

function pt(t: number, o: Partial<SecondPoint> = {}): SecondPoint {
  const requests = o.requests ?? 100;
  const errors = o.errors ?? 0;
  return { t, phase: 'main', requests, errors, successes: requests - errors, droppedIterations: 0, p50Ms: 5, p95Ms: 20, p99Ms: 30, maxMs: 40, successP95Ms: 20, ...o };
}

function series(n: number, f: (t: number) => Partial<SecondPoint> = () => ({})): SecondPoint[] {
  return Array.from({ length: n }, (_, t) => pt(t, f(t)));
}

describe('computeSteadyState', () => {
  it('derives ε₀, ℓ₀, σ_ℓ, g₀ and the default tolerances from the window before the fault', () => {
    // 1 error per 100 requests, p95 alternating 18/22 ms: median 20, MAD 2.
    const points = series(40, (t) => ({ errors: 1, successP95Ms: t % 2 === 0 ? 18 : 22 }));
    // Slack 0 isolates the tolerance formula of docs/recovery.md; the default slack is checked below.
    const s = computeSteadyState(points, 31_000, { warmupSec: 5, minLatencySlackMs: 0 });
    expect(s.window).toEqual({ startSec: 5, endSec: 29, buckets: 24 });
    expect(s.valid).toBe(true);
    expect(s.errorRate).toBeCloseTo(0.01, 9);
    expect(s.successP95Ms).toBe(20);
    expect(s.successP95SigmaMs).toBeCloseTo(1.4826 * 2, 9);
    expect(s.successRps).toBe(99);
    expect(s.offeredPerSec).toBe(100);
    expect(s.tolerances.maxErrorRate).toBeCloseTo(0.02, 9);
    expect(s.tolerances.maxSuccessP95Ms).toBeCloseTo(20 + 4 * 1.4826 * 2, 9);
    expect(s.tolerances.minSuccessRps).toBeCloseTo(89.1, 9);
    expect(s.tolerances.minRequests).toBe(50);
    expect(computeSteadyState(points, 31_000, { warmupSec: 5 }).tolerances.maxSuccessP95Ms).toBe(45);
  });

  it('limits the window to W_pre before the fault and skips the warm-up', () => {
    const s = computeSteadyState(series(200), 150_000, { warmupSec: 10 });
    expect(s.window).toEqual({ startSec: 88, endSec: 148, buckets: 60 });
    const late = computeSteadyState(series(40, (t) => ({ requests: t < 3 ? 0 : 100 })), 30_000, { warmupSec: 10 });
    expect(late.window.startSec).toBe(13);
  });

  it('is invalid when the window is shorter than the minimum, saying so', () => {
    const s = computeSteadyState(series(20), 9_000);
    expect(s.window).toEqual({ startSec: 3, endSec: 7, buckets: 4 });
    expect(s.valid).toBe(false);
    expect(s.reason).toMatch(/4 s long.*at least 5 s/);
    expect(computeSteadyState(series(20), 9_000, { warmupSec: 0 }).valid).toBe(true);
    expect(computeSteadyState(series(20), 10_000).valid).toBe(true);
  });

  it('counts a missing second inside the window as unhealthy', () => {
    const points = series(130).filter((p) => p.t !== 100 && p.t !== 110);
    const s = computeSteadyState(points, 125_000);
    expect(s.healthyFraction).toBeCloseTo(58 / 60, 9);
    expect(s.valid).toBe(false);
    expect(s.reason).toMatch(/2 unhealthy, at most 1 allowed/);
  });

  it('tolerates one unhealthy second in a short window, not two', () => {
    // A quick profile: 6 buckets (seconds 4–10) before a fault at 12 s; one second's p95 spikes.
    const spike = (ts: number[]) => series(20, (t) => ({ successP95Ms: ts.includes(t) ? 200 : 20 }));
    const one = computeSteadyState(spike([7]), 12_000, { warmupSec: 4 });
    expect(one.window.buckets).toBe(6);
    expect(one.healthyFraction).toBeCloseTo(5 / 6, 9);
    expect(one.valid).toBe(true);
    expect(computeSteadyState(spike([5, 8]), 12_000, { warmupSec: 4 }).valid).toBe(false);
  });

  it('accepts a long window with at most 1 % unhealthy seconds', () => {
    const bad = (ts: number[]) => series(400, (t) => ({ errors: ts.includes(t) ? 50 : 0 }));
    const s = computeSteadyState(bad([200, 250, 300]), 390_000, { maxWindowSec: 300 });
    expect(s.window.buckets).toBe(300);
    expect(s.valid).toBe(true);
    expect(s.healthyFraction).toBeCloseTo(297 / 300, 9);
    expect(computeSteadyState(bad([200, 250, 300, 350]), 390_000, { maxWindowSec: 300 }).valid).toBe(false);
  });

  it('honours tolerance overrides and the closed model', () => {
    const s = computeSteadyState(series(40), 30_000, { tolerances: { maxSuccessP95Ms: 100, maxErrorRate: undefined }, openModel: false });
    expect(s.tolerances.maxSuccessP95Ms).toBe(100);
    expect(s.tolerances.maxErrorRate).toBeCloseTo(0.01, 9);
    expect(s.tolerances.minSuccessRps).toBe(0);
  });
});

describe('isHealthy', () => {
  const tol = { maxErrorRate: 0.02, maxSuccessP95Ms: 30, minSuccessRps: 90, minRequests: 50 };
  it('checks every condition of H(b)', () => {
    expect(isHealthy(pt(0), tol)).toBe(true);
    expect(isHealthy(pt(0, { errors: 3 }), tol)).toBe(false);
    expect(isHealthy(pt(0, { successP95Ms: 31 }), tol)).toBe(false);
    expect(isHealthy(pt(0, { successP95Ms: null }), tol)).toBe(false);
    expect(isHealthy(pt(0, { requests: 80, successes: 80 }), tol)).toBe(false);
    expect(isHealthy(pt(0, { requests: 40, successes: 40 }), { ...tol, minSuccessRps: 0 })).toBe(false);
    expect(isHealthy(pt(0, { requests: 0, successes: 0 }), { ...tol, minSuccessRps: 0, minRequests: 0 })).toBe(false);
    expect(isHealthy(undefined, tol)).toBe(false);
  });
});
