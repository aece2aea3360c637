/**
 * The Plan: a scenario turned into absolute times on one clock (ms from the run's start).
 * Pure data, a deterministic function of scenario, profile and seed. Engines, fault drivers
 * and the runner consume it; `stresslab plan` prints it.
 */

/** One k6 stage with its target already normalised (per second for arrival rates, VUs otherwise). */
export interface StagePlan {
  target: number;
  durationMs: number;
}

interface PhaseBase {
  /** Unique phase name (the scenario's `name` for the load entry, or `load[i]`). */
  name: string;
  /** k6 `startTime`, absolute on the run clock. */
  startMs: number;
  /** How long the executor schedules new work (for iteration executors: `maxDuration`). */
  durationMs: number;
  /** k6 `gracefulStop`: how long in-flight iterations may finish after `durationMs`. */
  gracefulStopMs: number;
}

export interface ConstantArrivalRatePhase extends PhaseBase {
  executor: 'constant-arrival-rate';
  ratePerSec: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface RampingArrivalRatePhase extends PhaseBase {
  executor: 'ramping-arrival-rate';
  startRatePerSec: number;
  /** Stage targets in requests per second; the rate moves linearly to each target over its duration. */
  stages: StagePlan[];
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface ConstantVusPhase extends PhaseBase {
  executor: 'constant-vus';
  vus: number;
}

export interface RampingVusPhase extends PhaseBase {
  executor: 'ramping-vus';
  startVUs: number;
  stages: StagePlan[];
}

export interface SharedIterationsPhase extends PhaseBase {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
}

export interface PerVuIterationsPhase extends PhaseBase {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
}

export type LoadPhasePlan =
  | ConstantArrivalRatePhase
  | RampingArrivalRatePhase
  | ConstantVusPhase
  | RampingVusPhase
  | SharedIterationsPhase
  | PerVuIterationsPhase;

export type ExecutorName = LoadPhasePlan['executor'];

/**
 * Which instant a fault's time to recover counts from (docs/recovery.md): `injection` for faults
 * the system is expected to absorb while they last, `removal` for faults nothing can absorb until
 * they go away. Each fault kind has a default; a scenario may override it per fault.
 */
export type RecoveryAnchor = 'injection' | 'removal';

/**
 * One injection of a fault (a repeated fault has one entry per injection). `K` and `P` are the
 * kind and its resolved parameters: faults/ instantiates them per kind (`PlannedFault`), so a
 * driver reads its parameters at their type; readers that only need the timing use the defaults.
 */
export interface FaultEventPlan<K extends string = string, P extends object = Readonly<Record<string, unknown>>> {
  /** Unique per injection, e.g. `db-latency#2`. */
  name: string;
  kind: K;
  /** 1-based injection number within a repeated fault. */
  injection: number;
  injectAtMs: number;
  removeAtMs: number;
  /** Resolved: the scenario's override, else the kind's default. */
  recoveryAnchor: RecoveryAnchor;
  /**
   * false: the scenario accepts that this injection may have no observable effect (docs/fault-effect.md);
   * otherwise an injection without one makes the run inconclusive. Absent in plans written before it existed (true).
   */
  expectEffect?: boolean;
  /** The fault's parameters, validated and resolved by its kind's schema (durations in ms). */
  params: P;
}

export interface Plan<F extends FaultEventPlan = FaultEventPlan> {
  scenarioName: string;
  seed: number;
  profile: string | null;
  /** End of the last phase including its graceful stop. */
  durationMs: number;
  phases: LoadPhasePlan[];
  faults: F[];
}
