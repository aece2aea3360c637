import { describe, expect, it } from 'vitest';
import type { SecondPoint } from '../../../harness/contract/second-point.ts';
import { computeSteadyState } from '../../../harness/analysis/steady-state.ts';
import { analyzeRecovery } from '../../../harness/analysis/recovery.ts';
import type { FaultInjection } from '../../../harness/analysis/recovery.ts';
import { FAULT_KINDS } from '../../../harness/faults/index.ts';

/** H = healthy second, x = every request failed, . = no traffic at all (empty bucket). */
function timeline(pattern: string): SecondPoint[] {
  return [...pattern].map((c, t) => {
    if (c === 'H') return point(t, 100, 0, 10);
    if (c === 'x') return point(t, 100, 100, null);
    return point(t, 0, 0, null);
  });
}

function point(t: number, requests: number, errors: number, successP95Ms: number | null): SecondPoint {
  return { t, phase: 'main', requests, errors, successes: requests - errors, droppedIterations: 0, p50Ms: successP95Ms, p95Ms: successP95Ms, p99Ms: successP95Ms, maxMs: successP95Ms, successP95Ms };
}

const H = (n: number): string => 'H'.repeat(n);
const X = (n: number): string => 'x'.repeat(n);

/** The recovery section's defaults (scenario/schema-chaos.ts): M = 3 s, N = 5 s, W_post = 120 s. */
const RULES = { unhealthyForMs: 3000, healthyForMs: 5000, postWindowMs: 120_000 };

function fault(overrides: Partial<FaultInjection> = {}): FaultInjection {
  return { name: 'f#1', kind: 'cpu-hog', injection: 1, injectAtMs: 60_000, removeAtMs: 75_000, params: {}, recoveryAnchor: 'injection', ...overrides };
}

function recover(pattern: string, f: FaultInjection = fault()) {
  const points = timeline(pattern);
  const steady = computeSteadyState(points, f.injectAtMs);
  expect(steady.valid).toBe(true);
  const [r] = analyzeRecovery(points, [f], steady.tolerances, RULES).faults;
  if (r === undefined) throw new Error('no result');
  return r;
}

// The worked examples of docs/recovery.md (t_i at bucket 60, M = 3, N = 5).
describe('recovery per docs/recovery.md', () => {
  it('60 H, 15 x, then H… → TTI 0, TTR_inj 15 s', () => {
    const r = recover(H(60) + X(15) + H(60));
    expect(r.impactAtMs).toBe(60_000);
    expect(r.ttdSec).toBe(0);
    expect(r.ttrSec).toBe(15);
    expect(r.recoveredAtMs).toBe(75_000);
    expect(r.recovered).toBe(true);
  });

  it('60 H, 2 x, then H… → not impacted (blip < M), TTR 0', () => {
    const r = recover(H(60) + X(2) + H(60));
    expect(r.impacted).toBe(false);
    expect(r.ttrSec).toBe(0);
    expect(r.detectedAtMs).toBeNull();
    expect(r.recovered).toBe(true);
  });

  it('60 H, 10 x, 3 H, 6 x, then H… → healthy stretch shorter than N; recovery at bucket 79, TTR_inj 19 s', () => {
    const r = recover(H(60) + X(10) + H(3) + X(6) + H(60));
    expect(r.recoveredAtMs).toBe(79_000);
    expect(r.ttrSec).toBe(19);
  });

  it('60 H, 10 x, 10 H, 6 x, then H… → relapse after an apparent recovery; recovery at bucket 86, TTR_inj 26 s', () => {
    const r = recover(H(60) + X(10) + H(10) + X(6) + H(60));
    expect(r.recoveredAtMs).toBe(86_000);
    expect(r.ttrSec).toBe(26);
  });

  it('60 H, 10 x, 4 H, 1 x, then H… → the single x breaks the N-window at 70; recovery at bucket 75, TTR_inj 15 s', () => {
    const r = recover(H(60) + X(10) + H(4) + X(1) + H(60));
    expect(r.recoveredAtMs).toBe(75_000);
    expect(r.ttrSec).toBe(15);
  });

  it('x until the end of the window → censored (recovered: false)', () => {
    const r = recover(H(60) + X(80));
    expect(r.recovered).toBe(false);
    expect(r.recoveredAtMs).toBeNull();
    expect(r.ttrSec).toBeNull();
    expect(r.ttdSec).toBe(0);
  });

  it('empty buckets (no completions) during an outage are unhealthy, not "0 % errors"', () => {
    const r = recover(H(60) + '.'.repeat(12) + H(60));
    expect(r.impacted).toBe(true);
    expect(r.ttrSec).toBe(12);
  });

  it('a baseline window with > 1 % unhealthy buckets is INVALID', () => {
    const points = timeline(H(30) + X(1) + H(9) + X(1) + H(19) + X(15) + H(60));
    const steady = computeSteadyState(points, 60_000);
    expect(steady.valid).toBe(false);
    expect(steady.reason).toMatch(/steady state not met/);
  });
});

describe('recovery anchors and windows', () => {
  it('measures a 3 s outage at t = 10 s with the default short steady-state window (the recovery ground truth)', () => {
    const points = timeline(H(10) + X(3) + H(20));
    const steady = computeSteadyState(points, 10_000);
    expect(steady.window).toEqual({ startSec: 3, endSec: 8, buckets: 5 });
    expect(steady.valid).toBe(true);
    const [inj] = analyzeRecovery(points, [fault({ injectAtMs: 10_000, removeAtMs: 13_000 })], steady.tolerances, RULES).faults;
    expect(inj).toMatchObject({ detectedAtMs: 10_000, ttdSec: 0, recoveredAtMs: 13_000, ttrSec: 3, recovered: true });
    const [rem] = analyzeRecovery(points, [fault({ kind: 'db-down', recoveryAnchor: FAULT_KINDS['db-down'].recoveryAnchor, injectAtMs: 10_000, removeAtMs: 13_000 })], steady.tolerances, RULES).faults;
    expect(rem?.ttrSec).toBe(0);
  });

  it('counts TTR from removal for removal-anchored kinds, never below 0', () => {
    const pattern = H(60) + X(15) + H(60);
    expect(recover(pattern, fault({ kind: 'db-down', recoveryAnchor: FAULT_KINDS['db-down'].recoveryAnchor, removeAtMs: 72_000 })).ttrSec).toBe(3);
    expect(recover(pattern, fault({ kind: 'db-down', recoveryAnchor: FAULT_KINDS['db-down'].recoveryAnchor, removeAtMs: 80_000 })).ttrSec).toBe(0);
    expect(FAULT_KINDS['db-down'].recoveryAnchor).toBe('removal');
    expect(FAULT_KINDS['process-kill'].recoveryAnchor).toBe('injection');
  });

  it('detects from a mid-second injection without a negative TTD', () => {
    const r = recover(H(60) + X(15) + H(60), fault({ injectAtMs: 60_400 }));
    expect(r.detectedAtMs).toBe(60_400);
    expect(r.ttdSec).toBe(0);
    expect(r.ttrSec).toBeCloseTo(14.6, 6);
  });

  it('detects a late impact: TTD is the start of the first unhealthy run after injection', () => {
    const r = recover(H(64) + X(8) + H(60));
    expect(r.detectedAtMs).toBe(64_000);
    expect(r.ttdSec).toBe(4);
    expect(r.ttrSec).toBe(12);
  });

  it('does not take the next injection of a repeated fault for a relapse', () => {
    const points = timeline(H(60) + X(10) + H(20) + X(10) + H(40));
    const steady = computeSteadyState(points, 60_000);
    const faults = [fault({ name: 'f#1', removeAtMs: 70_000 }), fault({ name: 'f#2', injection: 2, injectAtMs: 90_000, removeAtMs: 100_000 })];
    const [a, b] = analyzeRecovery(points, faults, steady.tolerances, RULES).faults;
    expect(a?.ttrSec).toBe(10);
    expect(b?.ttrSec).toBe(10);
    expect(b?.ttdSec).toBe(0);
  });

  it('ignores the trailing seconds after the load stopped', () => {
    // Load ends at second 100; seconds 101… have no traffic and must not count as a relapse.
    const points = timeline(H(60) + X(10) + H(31)).concat(timeline('.'.repeat(20)).map((p, i) => ({ ...p, t: 101 + i })));
    const steady = computeSteadyState(points, 60_000);
    const [r] = analyzeRecovery(points, [fault({ removeAtMs: 70_000 })], steady.tolerances, RULES).faults;
    expect(r?.recovered).toBe(true);
    expect(r?.ttrSec).toBe(10);
  });
});
