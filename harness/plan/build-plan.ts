import { StresslabError } from '../core/stresslab-error.ts';
import type { InputProblem } from '../core/stresslab-error.ts';
import type { LoadPhasePlan } from '../contract/plan-types.ts';
import type { FaultPlan } from '../faults/index.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { planFaults } from './plan-faults.ts';
import { planPhase } from './plan-phases.ts';

export interface BuildPlanOptions {
  seed: number;
  profile: string | null;
}

/**
 * Scenario → Plan: phases and fault injections at absolute times on one clock. Pure and
 * deterministic. Timing problems (a fault outside the load window, overlapping repeats) throw
 * BAD_SCENARIO; `planProblems` lists them without throwing, for the loader and `validate`.
 */
export function buildPlan(scenario: Scenario, options: BuildPlanOptions): FaultPlan {
  const { plan, problems } = planWithProblems(scenario, options);
  if (problems.length > 0) {
    throw new StresslabError('BAD_SCENARIO', `scenario "${scenario.name}" cannot be scheduled`, { problems });
  }
  return plan;
}

export function planProblems(scenario: Scenario): InputProblem[] {
  return planWithProblems(scenario, { seed: 0, profile: null }).problems;
}

function planWithProblems(scenario: Scenario, options: BuildPlanOptions): { plan: FaultPlan; problems: InputProblem[] } {
  const phases = scenario.load.map(planPhase);
  const faults = planFaults(scenario.faults, loadEndMs(phases));
  const durationMs = maxOf(phases, (p) => p.startMs + p.durationMs + p.gracefulStopMs);
  return {
    plan: { scenarioName: scenario.name, seed: options.seed, profile: options.profile, durationMs, phases, faults: faults.events },
    problems: faults.problems,
  };
}

/** When the last phase stops scheduling new work (graceful stops excluded). */
export function loadEndMs(phases: readonly LoadPhasePlan[]): number {
  return maxOf(phases, (p) => p.startMs + p.durationMs);
}

/** The largest value, at least 0. A loop, not Math.max(...spread): a scenario may list very many phases. */
function maxOf<T>(items: readonly T[], f: (item: T) => number): number {
  let max = 0;
  for (const item of items) max = Math.max(max, f(item));
  return max;
}
