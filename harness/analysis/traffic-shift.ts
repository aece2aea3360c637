import type { TrafficShift, TrafficShiftKind } from '../contract/fault-evidence.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import { median } from './stats/order-stats.ts';
import type { HealthTolerances } from './steady-state.ts';

/** The steady state's figures a fault's window is compared with (steady-state.ts). */
export interface TrafficBaseline {
  errorRate: number;
  successP95Ms: number;
  successRps: number;
  tolerances: HealthTolerances;
}

export interface TrafficShiftOptions {
  /** Open model: fewer successes than healthy is a shift (in a closed model throughput follows latency). */
  openModel: boolean;
  /** Start of the traffic's impact (recovery analysis), or null: an impact that began inside the window is a shift. */
  detectedAtMs: number | null;
}

/**
 * Fewest errors in a window for an error-rate rise to count: on a quiet window (20 requests) one
 * stray error would be 5 %, far over the 1 % tolerance, and prove nothing about the fault.
 */
export const MIN_SHIFT_ERRORS = 3;

/**
 * How the traffic in a fault's window [injection, removal] differs from the steady state
 * (docs/fault-effect.md, section Traffic). The window is the whole seconds it touches (at least
 * one); a second missing from the series had no request. It shifted when:
 * - `errors`: its error rate is above the healthy one (the steady state's tolerance) with at least
 *   MIN_SHIFT_ERRORS errors;
 * - `latency`: at least half of its seconds have a success p95 above the healthy one;
 * - `throughput`: at least half of its seconds have fewer requests than a healthy second (or, in the
 *   open model, fewer successes);
 * - `impact`: the recovery analysis found an impact that began inside the window.
 * "Half of its seconds" and not "one": a healthy steady state may itself hold 1 % of unhealthy
 * seconds (a GC pause), so a single slow second is noise, while a fault that bites is visible in
 * most of its window. Pure.
 */
export function trafficShift(series: readonly SecondPoint[], window: { startMs: number; endMs: number }, base: TrafficBaseline, opts: TrafficShiftOptions): TrafficShift {
  const fromSec = Math.floor(window.startMs / 1000);
  const toSec = Math.max(fromSec + 1, Math.ceil(window.endMs / 1000));
  const bySec = new Map(series.map((p) => [p.t, p]));
  const tol = base.tolerances;
  let requests = 0;
  let errors = 0;
  let successes = 0;
  let slowSeconds = 0;
  let starvedSeconds = 0;
  const p95s: number[] = [];
  for (let t = fromSec; t < toSec; t++) {
    const p = bySec.get(t);
    const n = p?.requests ?? 0;
    const ok = p?.successes ?? 0;
    requests += n;
    errors += p?.errors ?? 0;
    successes += ok;
    if (p?.successP95Ms != null) {
      p95s.push(p.successP95Ms);
      if (p.successP95Ms > tol.maxSuccessP95Ms) slowSeconds++;
    }
    if (n < tol.minRequests || (opts.openModel && ok < tol.minSuccessRps)) starvedSeconds++;
  }
  const seconds = toSec - fromSec;
  const half = Math.max(1, Math.ceil(seconds / 2));
  const errorRate = requests === 0 ? 0 : errors / requests;
  const shifted: TrafficShiftKind[] = [];
  if (errors >= MIN_SHIFT_ERRORS && errorRate > tol.maxErrorRate) shifted.push('errors');
  if (slowSeconds >= half) shifted.push('latency');
  if (starvedSeconds >= half) shifted.push('throughput');
  if (opts.detectedAtMs !== null && opts.detectedAtMs >= fromSec * 1000 && opts.detectedAtMs <= window.endMs) shifted.push('impact');
  return {
    fromSec,
    toSec,
    requests,
    errorRate: round(errorRate, 4),
    steadyErrorRate: round(base.errorRate, 4),
    maxErrorRate: round(tol.maxErrorRate, 4),
    successP95Ms: p95s.length === 0 ? null : round(median(p95s), 3),
    steadySuccessP95Ms: round(base.successP95Ms, 3),
    maxSuccessP95Ms: round(tol.maxSuccessP95Ms, 3),
    slowSeconds,
    starvedSeconds,
    successRps: round(successes / seconds, 3),
    steadySuccessRps: round(base.successRps, 3),
    shifted,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
