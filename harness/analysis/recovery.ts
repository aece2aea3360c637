import type { FaultEventPlan, RecoveryAnchor } from '../contract/plan-types.ts';
import type { FaultResult } from '../contract/run-result.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { HealthTolerances } from './steady-state.ts';
import { isHealthy } from './steady-state.ts';
import { findImpactAndRecovery } from './recovery-runs.ts';

/**
 * Per-injection time to detect and time to recover from the one-second timeline
 * (docs/recovery.md), given the health tolerances of the steady state.
 *
 * Choices:
 * - TTD is the start of the first run of M unhealthy seconds at or after the injection second
 *   (clamped to the injection instant): the moment user traffic shows the impact, confirmed by M
 *   seconds. Not impacted → detectedAtMs/ttdSec null, ttrSec 0, recovered true.
 * - The recovery second is found once; the anchor (injection or removal, per kind by default)
 *   only changes what TTR counts from. TTR from removal is max(0, t(recovery) − t_remove).
 * - The observation window of an injection ends at the earliest of: the end of the load
 *   (default: the second before the last second with traffic, which may be partial), W_post after
 *   the removal, and the second before the next injection that starts after this removal (so a
 *   repeated fault's next injection is not taken for a relapse). Overlapping faults share outages.
 */

/** A planned injection at the times it really happened; its recovery anchor is resolved in the plan. */
export type FaultInjection = FaultEventPlan;

export interface RecoveryOptions {
  /** M: consecutive unhealthy seconds that make an impact (the scenario's recovery.unhealthyBuckets). */
  onsetRunSec: number;
  /** N: consecutive healthy seconds that make a recovery (recovery.healthyBuckets). */
  recoveryRunSec: number;
  /** W_post: how long after the removal a relapse still counts (recovery.observationWindow). */
  postWindowSec: number;
  /** Last second index (inclusive) that belongs to the observation; see the choices above. */
  observationEndSec?: number;
}

export interface FaultRecovery extends FaultResult {
  anchor: RecoveryAnchor;
  impacted: boolean;
  /** Start of the impact (t(b_imp)), null when not impacted. */
  impactAtMs: number | null;
}


/** Health flag per second index 0 … lastSec (a missing second is an empty, unhealthy bucket). */
export function healthFlags(points: readonly SecondPoint[], tol: HealthTolerances, lastSec: number): boolean[] {
  const bySec = new Map<number, SecondPoint>();
  for (const p of points) bySec.set(p.t, p);
  const flags: boolean[] = [];
  for (let t = 0; t <= lastSec; t++) flags.push(isHealthy(bySec.get(t), tol));
  return flags;
}

/** The default end of observation: the second before the last one with traffic. */
export function defaultObservationEndSec(points: readonly SecondPoint[]): number {
  let last = -1;
  for (const p of points) if (p.requests + p.droppedIterations > 0 && p.t > last) last = p.t;
  return Math.max(0, last - 1);
}

export function analyzeRecovery(
  points: readonly SecondPoint[],
  faults: readonly FaultInjection[],
  tolerances: HealthTolerances,
  options: RecoveryOptions,
): FaultRecovery[] {
  const endSec = options.observationEndSec ?? defaultObservationEndSec(points);
  const flags = healthFlags(points, tolerances, endSec);
  return faults.map((f) => recoverOne(flags, f, windowEndSec(f, faults, endSec, options), options));
}

function windowEndSec(f: FaultInjection, all: readonly FaultInjection[], endSec: number, o: RecoveryOptions): number {
  const removalSec = Math.floor(f.removeAtMs / 1000);
  let end = Math.min(endSec, removalSec + o.postWindowSec);
  for (const other of all) {
    if (other !== f && other.injectAtMs >= f.removeAtMs) end = Math.min(end, Math.floor(other.injectAtMs / 1000) - 1);
  }
  return end;
}

function recoverOne(flags: readonly boolean[], f: FaultInjection, endSec: number, o: RecoveryOptions): FaultRecovery {
  const anchor = f.recoveryAnchor;
  const base = { name: f.name, kind: f.kind, injectedAtMs: f.injectAtMs, removedAtMs: f.removeAtMs, anchor };
  const outcome = findImpactAndRecovery(flags, Math.floor(f.injectAtMs / 1000), endSec, {
    onsetRun: o.onsetRunSec,
    recoveryRun: o.recoveryRunSec,
  });
  if (!outcome.impacted) {
    return { ...base, impacted: false, impactAtMs: null, detectedAtMs: null, recoveredAtMs: null, ttdSec: null, ttrSec: 0, recovered: true };
  }
  const impactAtMs = outcome.impactIndex * 1000;
  const detectedAtMs = Math.max(impactAtMs, f.injectAtMs);
  const detected = { impacted: true, impactAtMs, detectedAtMs, ttdSec: (detectedAtMs - f.injectAtMs) / 1000 };
  if (outcome.recoveryIndex === null) {
    return { ...base, ...detected, recoveredAtMs: null, ttrSec: null, recovered: false };
  }
  const recoveredAtMs = outcome.recoveryIndex * 1000;
  const anchorMs = anchor === 'injection' ? f.injectAtMs : f.removeAtMs;
  return { ...base, ...detected, recoveredAtMs, ttrSec: Math.max(0, recoveredAtMs - anchorMs) / 1000, recovered: true };
}
