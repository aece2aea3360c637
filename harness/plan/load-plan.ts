import { loadScenario, openScenario } from '../scenario/load-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { BodyFileCache } from '../scenario/request-bodies.ts';
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

export interface OpenedPlans {
  /** Every profile of the scenario, `full` first. */
  profiles: readonly string[];
  /** What `loadPlan` with this profile gives (undefined: none asked for), and the same errors. */
  load(profile: string | undefined): Promise<LoadedPlan>;
}

/**
 * A scenario read, parsed and schema-checked once, then loaded and planned per profile: what
 * `stresslab validate` needs to check every profile without parsing the file again for each.
 * Throws as loadPlan does when the file itself cannot be read or fails the schema.
 */
export async function openPlans(fileOrName: string, options: Omit<LoadPlanOptions, 'profile'> & { bodyFiles?: BodyFileCache }): Promise<OpenedPlans> {
  const opened = await openScenario(fileOrName, { cwd: options.cwd, check: planProblems, ...(options.bodyFiles ? { bodyFiles: options.bodyFiles } : {}) });
  return {
    profiles: opened.profiles,
    load: async (profile) => {
      const loaded = await opened.resolve(profile);
      return { loaded, plan: buildPlan(loaded.scenario, { seed: options.seed, profile: loaded.profile }) };
    },
  };
}
