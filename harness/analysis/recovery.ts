import type { FaultEventPlan, RecoveryAnchor } from '../contract/plan-types.ts';
import type { FaultResult } from '../contract/run-result.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { HealthTolerances } from './steady-state.ts';
import { isHealthy } from './steady-state.ts';
import { findImpactAndRecovery } from './recovery-runs.ts';
import { sliceCounts } from './slice-series.ts';
import type { SliceSeries } from './slice-series.ts';
import { windowCoveredHealth } from './window-health.ts';

/**
 * Per-injection time to detect and time to recover (docs/recovery.md), given the health
 * tolerances of the steady state.
 *
 * Choices:
 * - Resolution: the timeline's 100 ms slices, judged in one-second windows (window-health.ts); a
 *   timeline without them (written before they existed) is judged on whole seconds, as it was then.
 *   The rules are durations, so they mean the same at either resolution.
 * - TTD is the start of the first unhealthy stretch of at least `unhealthyForMs` at or after the
 *   injection's slice (clamped to the injection instant): the moment user traffic shows the impact.
 *   Not impacted → detectedAtMs/ttdSec null, ttrSec 0, recovered true.
 * - The recovery instant is found once; the anchor (injection or removal, per kind by default)
 *   only changes what TTR counts from. TTR from removal is max(0, t(recovery) − t_remove).
 * - The observation window of an injection ends at the earliest of: the end of the load
 *   (default: the slice before the last slice with traffic, which may be partial), W_post after
 *   the removal, and the slice before the next injection that starts after this removal (so a
 *   repeated fault's next injection is not taken for a relapse). Overlapping faults share outages.
 */

/** A planned injection at the times it really happened; its recovery anchor is resolved in the plan. */
export type FaultInjection = FaultEventPlan;

export interface RecoveryOptions {
  /** M in time: how long traffic must be unhealthy to be an impact, and a relapse (recovery.unhealthyFor). */
  unhealthyForMs: number;
  /** N in time: how long traffic must be healthy without a break to have recovered (recovery.healthyFor). */
  healthyForMs: number;
  /** W_post: how long after the removal a relapse still counts (recovery.observationWindow). */
  postWindowMs: number;
  /** Last instant (ms, exclusive) that belongs to the observation; see the choices above. */
  observationEndMs?: number;
}

export interface FaultRecovery extends FaultResult {
  anchor: RecoveryAnchor;
  impacted: boolean;
  /** Start of the impact (t(b_imp)), null when not impacted. */
  impactAtMs: number | null;
}

export interface TrafficRecovery {
  /** The step TTD and TTR were found on: 100 ms from slices, 1000 ms from whole seconds. */
  resolutionMs: number;
  faults: FaultRecovery[];
}

/** The window a slice's health is judged in: one second, the steady state's bucket. */
export const HEALTH_WINDOW_MS = 1000;

/** Health flag per second index 0 … lastSec (a missing second is an empty, unhealthy bucket). */
export function healthFlags(points: readonly SecondPoint[], tol: HealthTolerances, lastSec: number): boolean[] {
  const bySec = new Map<number, SecondPoint>();
  for (const p of points) bySec.set(p.t, p);
  const flags: boolean[] = [];
  for (let t = 0; t <= lastSec; t++) flags.push(isHealthy(bySec.get(t), tol));
  return flags;
}

/** The default end of observation: the start of the last second with traffic (which may be partial). */
export function defaultObservationEndMs(points: readonly SecondPoint[]): number {
  let last = -1;
  for (const p of points) if (p.requests + p.droppedIterations > 0 && p.t > last) last = p.t;
  return Math.max(0, last) * 1000;
}

/**
 * Recovery of every injection. `slices`: the timeline's sub-second series (slice-series.ts), null
 * for a timeline without one.
 */
export function analyzeRecovery(
  points: readonly SecondPoint[],
  faults: readonly FaultInjection[],
  tolerances: HealthTolerances,
  options: RecoveryOptions,
  slices: SliceSeries | null = null,
): TrafficRecovery {
  const grid = healthOnGrid(points, tolerances, options, slices);
  const lastIndex = grid.flags.length - 1;
  return {
    resolutionMs: grid.stepMs,
    faults: faults.map((f) => recoverOne(grid, f, windowEnd(f, faults, lastIndex, grid.stepMs, options), options)),
  };
}

/** Health per step from the run's start to the end of observation (exclusive), at the finest resolution the timeline has. */
interface HealthGrid {
  stepMs: number;
  flags: boolean[];
  /** When the edge at the start of step `i` really happened: see edgeAtMs. */
  sentAtMs: (i: number) => number;
}

function healthOnGrid(points: readonly SecondPoint[], tol: HealthTolerances, o: RecoveryOptions, slices: SliceSeries | null): HealthGrid {
  if (slices === null) {
    const endMs = o.observationEndMs ?? defaultObservationEndMs(points);
    return { stepMs: 1000, flags: healthFlags(points, tol, Math.ceil(endMs / 1000) - 1), sentAtMs: (i) => i * 1000 };
  }
  const stepMs = slices.sliceMs;
  const endMs = o.observationEndMs ?? lastTrafficSliceStartMs(slices);
  const lastSlice = Math.ceil(endMs / stepMs) - 1;
  const counts = sliceCounts(slices, lastSlice, tol.maxSuccessP95Ms);
  return { stepMs, flags: windowCoveredHealth(counts, tol, HEALTH_WINDOW_MS, lastSlice), sentAtMs: (i) => edgeAtMs(counts.sendLagMs, i, stepMs) };
}

/**
 * The instant of an edge between slices i − 1 and i on the run clock: the slice boundary plus the
 * generator's lag to the wire there. The requests on each side of it went out at the boundary plus
 * their slice's lag; a generator stalled at the edge sent nothing in between, so the edge happened
 * somewhere in that gap, and its middle is at most half the stall off (docs/recovery.md, section
 * Resolution). On schedule both lags are 0 and the edge is the boundary.
 */
function edgeAtMs(lagMs: Float64Array, i: number, stepMs: number): number {
  const after = lagMs[i] ?? 0;
  const before = i > 0 ? (lagMs[i - 1] ?? 0) : after;
  return i * stepMs + (before + after) / 2;
}

/** The start of the last slice with traffic: observation ends there, since that slice may be partial. */
function lastTrafficSliceStartMs(slices: SliceSeries): number {
  let last = -1;
  const perSecond = 1000 / slices.sliceMs;
  for (const [t, lines] of slices.bySecond) {
    for (const s of lines) {
      for (let i = perSecond - 1; i >= 0; i--) {
        if ((s.requests[i] ?? 0) + (s.dropped[i] ?? 0) > 0) {
          last = Math.max(last, t * perSecond + i);
          break;
        }
      }
    }
  }
  return Math.max(0, last) * slices.sliceMs;
}

function windowEnd(f: FaultInjection, all: readonly FaultInjection[], lastIndex: number, stepMs: number, o: RecoveryOptions): number {
  let end = Math.min(lastIndex, Math.floor(f.removeAtMs / stepMs) + Math.round(o.postWindowMs / stepMs));
  for (const other of all) {
    if (other !== f && other.injectAtMs >= f.removeAtMs) end = Math.min(end, Math.floor(other.injectAtMs / stepMs) - 1);
  }
  return end;
}

function recoverOne(grid: HealthGrid, f: FaultInjection, endIndex: number, o: RecoveryOptions): FaultRecovery {
  const { stepMs, flags } = grid;
  const anchor = f.recoveryAnchor;
  const base = { name: f.name, kind: f.kind, injectedAtMs: f.injectAtMs, removedAtMs: f.removeAtMs, anchor };
  const outcome = findImpactAndRecovery(flags, Math.floor(f.injectAtMs / stepMs), endIndex, {
    onsetRun: Math.max(1, Math.ceil(o.unhealthyForMs / stepMs - 1e-9)),
    recoveryRun: Math.max(1, Math.ceil(o.healthyForMs / stepMs - 1e-9)),
  });
  if (!outcome.impacted) {
    return { ...base, impacted: false, impactAtMs: null, detectedAtMs: null, recoveredAtMs: null, ttdSec: null, ttrSec: 0, recovered: true };
  }
  const impactAtMs = grid.sentAtMs(outcome.impactIndex);
  const detectedAtMs = Math.max(impactAtMs, f.injectAtMs);
  const detected = { impacted: true, impactAtMs, detectedAtMs, ttdSec: (detectedAtMs - f.injectAtMs) / 1000 };
  if (outcome.recoveryIndex === null) {
    return { ...base, ...detected, recoveredAtMs: null, ttrSec: null, recovered: false };
  }
  const recoveredAtMs = grid.sentAtMs(outcome.recoveryIndex);
  const anchorMs = anchor === 'injection' ? f.injectAtMs : f.removeAtMs;
  return { ...base, ...detected, recoveredAtMs, ttrSec: Math.max(0, recoveredAtMs - anchorMs) / 1000, recovered: true };
}
