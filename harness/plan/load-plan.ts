import { loadScenario } from '../scenario/load-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { FaultPlan } from '../faults/index.ts';
import { buildPlan, planProblems } from './build-plan.ts';

export interface LoadPlanOptions {
  profile?: string | undefined;
  cwd: string;
  /** The seed the run will use (recorded in the plan, printed by --dry-run). */
  seed: number;
}

export interface LoadedPlan {
  loaded: LoadedScenario;
  plan: FaultPlan;
}

/**
 * A scenario loaded and planned once: what `stresslab run`, `plan` and `validate` start from. Timing
 * problems are reported together with the scenario's other problems, naming the file.
 */
export async function loadPlan(fileOrName: string, options: LoadPlanOptions): Promise<LoadedPlan> {
  const loaded = await loadScenario(fileOrName, { profile: options.profile, cwd: options.cwd, check: planProblems });
  return { loaded, plan: buildPlan(loaded.scenario, { seed: options.seed, profile: loaded.profile }) };
}
