import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { formatPlanTable } from '../plan/format-plan-table.ts';
import { loadPlan } from '../plan/load-plan.ts';
import type { StresslabCommand } from './command.ts';

export interface PlanArgs {
  scenario: string;
  profile: string | undefined;
  seed: number;
}

/** Prints the phases and fault injections on the run clock; touches no network. */
export const planCommand: StresslabCommand<PlanArgs> = {
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Preset name or scenario file' })
      .option('profile', { type: 'string', describe: 'Scenario profile, e.g. quick or full' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed (shown in the plan; the plan itself does not depend on it yet)' }) as unknown as Argv<PlanArgs>,
  examples: [
    ['stresslab plan chaos-db', 'The chaos-db preset as written'],
    ['stresslab plan spike --profile quick', 'The CI-sized spike preset'],
  ],
  async run(args, io) {
    if (!Number.isInteger(args.seed)) throw new StresslabError('BAD_USAGE', `--seed must be an integer, got ${args.seed}`, { hint: 'e.g. --seed 42' });
    const { plan } = await loadPlan(args.scenario, { cwd: io.cwd, profile: args.profile, seed: args.seed });
    io.out(formatPlanTable(plan).trimEnd());
    return ExitCode.ok;
  },
};
