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

/** One injection of a fault (a repeated fault has one entry per injection). */
export interface FaultEventPlan {
  /** Unique per injection, e.g. `db-latency#2`. */
  name: string;
  kind: string;
  /** 1-based injection number within a repeated fault. */
  injection: number;
  injectAtMs: number;
  removeAtMs: number;
  /** The fault's validated parameters (its kind's schema), passed to its driver untouched. */
  params: Readonly<Record<string, unknown>>;
}

export interface Plan {
  scenarioName: string;
  seed: number;
  profile: string | null;
  /** End of the last phase including its graceful stop. */
  durationMs: number;
  phases: LoadPhasePlan[];
  faults: FaultEventPlan[];
}
