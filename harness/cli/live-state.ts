import type { SecondPoint } from '../contract/second-point.ts';
import { computeSteadyState, isHealthy } from '../analysis/steady-state.ts';
import type { SteadyState } from '../analysis/steady-state.ts';
import type { FaultEventPlan, Plan } from '../contract/plan-types.ts';
import type { ActiveFault, LiveState, RemovedFault } from './live-view.ts';

/**
 * Feeds the live view from what the runner already has: the plan (phases, fault times) and the
 * recorder's last closed second (`secondPoint(recorder.snapshot())`). The recovery status is an
 * indication for the person watching; the verdict's MTTR comes from the full analysis afterwards.
 */

export interface LiveStateInput {
  plan: Plan;
  elapsedMs: number;
  /** The last closed second, null before the first closes. */
  second: SecondPoint | null;
  recovery: string | null;
  /** How the managed target died, once it did (live-observer.ts); absent or null while it lives. */
  targetDown?: string | null;
  /** The faults as injected and removed (LiveFaults); absent: as the plan schedules them. */
  faults?: LiveFaults;
}

export function liveStateAt(input: LiveStateInput): LiveState {
  const { plan, elapsedMs, second } = input;
  const fault = input.faults === undefined ? scheduled(plan.faults, elapsedMs) : input.faults.active(elapsedMs);
  const removed = input.faults?.removed ?? null;
  const phase = plan.phases.find((p) => elapsedMs >= p.startMs && elapsedMs < p.startMs + p.durationMs + p.gracefulStopMs)?.name ?? second?.phase ?? null;
  return {
    elapsedMs,
    totalMs: plan.durationMs,
    rps: second === null ? null : second.requests,
    p95Ms: second?.p95Ms ?? null,
    errorRate: second === null || second.requests === 0 ? null : second.errors / second.requests,
    activeFault: fault,
    ...(removed === null ? {} : { removedFault: removed }),
    recovery: input.recovery,
    phase,
    ...(input.targetDown ? { targetDown: input.targetDown } : {}),
  };
}

function scheduled(faults: readonly FaultEventPlan[], elapsedMs: number): ActiveFault | null {
  const f = activeFault(faults, elapsedMs);
  return f === null ? null : { name: f.name, kind: f.kind, remainingMs: f.removeAtMs - elapsedMs };
}

/**
 * The faults as the runner reports them (RunObserver.onFault), not as the plan schedules them: a
 * fault removed early (Ctrl-C, an abort, the end of the load) shows as removed at once, and one
 * whose injection failed never shows as active.
 */
export class LiveFaults {
  readonly #planned: ReadonlyMap<string, FaultEventPlan>;
  readonly #active = new Map<string, { name: string; kind: string }>();
  #removed: RemovedFault | null = null;

  constructor(plan: Plan) {
    this.#planned = new Map(plan.faults.map((f) => [f.name, f]));
  }

  onEvent(e: { event: 'fault-inject' | 'fault-remove' | 'fault-error'; name: string; kind: string; atMs: number }): void {
    if (e.event === 'fault-inject') {
      this.#active.delete(e.name);
      this.#active.set(e.name, { name: e.name, kind: e.kind });
    } else if (this.#active.delete(e.name)) this.#removed = { name: e.name, kind: e.kind, atMs: e.atMs };
  }

  /** The newest fault still active; its countdown runs to its planned removal. */
  active(elapsedMs: number): ActiveFault | null {
    const f = [...this.#active.values()].at(-1);
    if (f === undefined) return null;
    const removeAtMs = this.#planned.get(f.name)?.removeAtMs ?? elapsedMs;
    return { name: f.name, kind: f.kind, remainingMs: Math.max(0, removeAtMs - elapsedMs) };
  }

  get removed(): RemovedFault | null {
    return this.#removed;
  }

  /** At the end of the load every fault has been rolled back, whether or not its removal was reported. */
  endAll(atMs: number): void {
    for (const f of [...this.#active.values()]) this.onEvent({ event: 'fault-remove', name: f.name, kind: f.kind, atMs });
  }
}

/** The most recently injected fault still active at `atMs` (overlapping faults: the newest). */
export function activeFault(faults: readonly FaultEventPlan[], atMs: number): FaultEventPlan | null {
  let found: FaultEventPlan | null = null;
  for (const f of faults) if (f.injectAtMs <= atMs && atMs < f.removeAtMs && (found === null || f.injectAtMs >= found.injectAtMs)) found = f;
  return found;
}

const MAX_POINTS = 4096;

export interface LiveRecoveryOptions {
  /** Consecutive healthy seconds that count as recovered (the scenario's recovery.healthyFor, in whole seconds). */
  healthyBuckets: number;
}

/** Keeps the per-second points of the run and says how the system is doing around the latest fault. */
export class LiveRecovery {
  readonly #plan: Plan;
  readonly #healthyBuckets: number;
  readonly #points: SecondPoint[] = [];
  #steady: SteadyState | null = null;

  constructor(plan: Plan, options: LiveRecoveryOptions) {
    this.#plan = plan;
    this.#healthyBuckets = options.healthyBuckets;
  }

  add(point: SecondPoint): void {
    if (this.#points.at(-1)?.t === point.t) return;
    this.#points.push(point);
  }

  status(elapsedMs: number): string | null {
    // Under a fault: that fault. Between faults: the one removed last, whose recovery is pending.
    const fault = activeFault(this.#plan.faults, elapsedMs) ?? lastRemoved(this.#plan.faults, elapsedMs);
    if (fault === null) return null;
    const first = this.#plan.faults[0];
    if (this.#steady === null && first !== undefined) this.#steady = computeSteadyState(this.#points, first.injectAtMs);
    const steady = this.#steady;
    if (steady === null || !steady.valid) return `no steady state to compare with${steady?.reason ? ` (${steady.reason})` : ''}`;
    const healthy = (p: SecondPoint): boolean => isHealthy(p, steady.tolerances);
    const injectSec = Math.floor(fault.injectAtMs / 1000);
    // A 24 h endurance run must not keep every second: only the latest fault's are still needed.
    if (this.#points.length > MAX_POINTS) this.#points.splice(0, this.#points.findIndex((p) => p.t >= injectSec));
    const removeSec = Math.ceil(fault.removeAtMs / 1000);
    if (elapsedMs < fault.removeAtMs) {
      const unhealthy = this.#points.filter((p) => p.t >= injectSec && !healthy(p)).length;
      return unhealthy === 0 ? 'healthy under the fault so far' : `impact: ${unhealthy} unhealthy s`;
    }
    let run = 0;
    for (const p of this.#points) {
      if (p.t < removeSec) continue;
      run = healthy(p) ? run + 1 : 0;
      if (run >= this.#healthyBuckets) return `recovered ${p.t - this.#healthyBuckets + 1 - removeSec} s after removal`;
    }
    return `recovering ${run}/${this.#healthyBuckets} healthy s`;
  }
}

function lastRemoved(faults: readonly FaultEventPlan[], atMs: number): FaultEventPlan | null {
  let found: FaultEventPlan | null = null;
  for (const f of faults) if (f.removeAtMs <= atMs && (found === null || f.removeAtMs >= found.removeAtMs)) found = f;
  return found;
}
