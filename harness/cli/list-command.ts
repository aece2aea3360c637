import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import { profileNames } from '../scenario/profile-names.ts';
import { readScenarioSource } from '../scenario/read-scenario-source.ts';
import { presetNames } from '../scenario/scenario-files.ts';
import type { StresslabCommand } from './command.ts';

export type ListArgs = Record<string, never>;

export interface ScenarioListing {
  name: string;
  description: string;
  profiles: string[];
}

/**
 * The presets in scenarios/ with their one-line descriptions, read as documents: checking them
 * against the schema is `validate`'s job (and the tests keep every preset valid), and loading the
 * schema alone would be a third of the command's start-up. One that cannot be read or parsed, or
 * has no description, is listed as invalid.
 */
export async function listScenarios(cwd: string): Promise<ScenarioListing[]> {
  const out: ScenarioListing[] = [];
  for (const name of await presetNames()) {
    try {
      const { raw } = await readScenarioSource(name, cwd);
      const doc = typeof raw === 'object' && raw !== null ? (raw as { description?: unknown; profiles?: unknown }) : {};
      if (typeof doc.description !== 'string') {
        out.push({ name, description: '(invalid: no "description"; `stresslab validate` says more)', profiles: [] });
        continue;
      }
      const profiles = typeof doc.profiles === 'object' && doc.profiles !== null ? (doc.profiles as Record<string, never>) : undefined;
      out.push({ name, description: doc.description, profiles: profileNames({ profiles }) });
    } catch (e) {
      if (!isStresslabError(e)) throw e;
      out.push({ name, description: `(invalid: ${e.message})`, profiles: [] });
    }
  }
  return out;
}

export const listCommand: StresslabCommand<ListArgs> = {
  builder: (y: Argv) => y as unknown as Argv<ListArgs>,
  examples: [['stresslab list', 'Show light, medium, heavy, spike, endurance, chaos-* and drill-*']],
  async run(_args, io) {
    const rows = await listScenarios(io.cwd);
    const width = Math.max(4, ...rows.map((r) => r.name.length));
    for (const r of rows) io.out(`${r.name.padEnd(width)}  ${r.description}${r.profiles.length > 0 ? `  [${r.profiles.join(', ')}]` : ''}`);
    return ExitCode.ok;
  },
};
