import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { presetNames } from '../scenario/scenario-files.ts';
import { profileNames } from '../scenario/profiles.ts';
import type { StresslabCommand } from './command.ts';

export type ListArgs = Record<string, never>;

export interface ScenarioListing {
  name: string;
  description: string;
  profiles: string[];
}

/** The presets in scenarios/ with their one-line descriptions (a broken preset is listed with its error). */
export async function listScenarios(cwd: string): Promise<ScenarioListing[]> {
  const out: ScenarioListing[] = [];
  for (const name of await presetNames()) {
    try {
      const { scenario } = (await loadPlan(name, { cwd, seed: 0 })).loaded;
      out.push({ name, description: scenario.description, profiles: profileNames(scenario) });
    } catch (e) {
      if (!isStresslabError(e)) throw e;
      out.push({ name, description: `(invalid: ${e.message})`, profiles: [] });
    }
  }
  return out;
}

export const listCommand: StresslabCommand<ListArgs> = {
  command: 'list',
  describe: 'List the preset scenarios with one-line descriptions',
  builder: (y: Argv) => y as unknown as Argv<ListArgs>,
  examples: [['stresslab list', 'Show light, medium, heavy, spike, endurance, chaos-* and drill-*']],
  async run(_args, io) {
    const rows = await listScenarios(io.cwd);
    const width = Math.max(4, ...rows.map((r) => r.name.length));
    for (const r of rows) io.out(`${r.name.padEnd(width)}  ${r.description}${r.profiles.length > 0 ? `  [${r.profiles.join(', ')}]` : ''}`);
    return ExitCode.ok;
  },
};
