import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import type { StresslabError } from '../core/stresslab-error.ts';
import { openPlans } from '../plan/load-plan.ts';
import { FULL_PROFILE } from '../scenario/profile-names.ts';
import { BodyFileCache } from '../scenario/request-bodies.ts';
import type { StresslabCommand } from './command.ts';

export interface ValidateArgs {
  files: string[];
}

/** Schema and cross-field checks of scenario files (every profile), without running anything. */
export const validateCommand: StresslabCommand<ValidateArgs> = {
  builder: (y: Argv) =>
    y.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario files or preset names' }) as unknown as Argv<ValidateArgs>,
  examples: [
    ['stresslab validate scenarios/light.json scenarios/chaos-db.json', 'Check two presets'],
    ['stresslab validate my-scenario.yaml', 'Check one YAML scenario'],
  ],
  async run(args, io) {
    let failed = 0;
    // Presets and most scenarios name the same body files: each is read and parsed once per command.
    const bodyFiles = new BodyFileCache();
    for (const file of args.files) {
      const problems = await validateOne(file, io.cwd, bodyFiles);
      if (problems === null) io.out(`OK ${file}`);
      else {
        failed++;
        io.err(`FAIL ${file}\n${problems}`);
      }
    }
    if (args.files.length > 1) io.out(`${args.files.length - failed} of ${args.files.length} valid`);
    return failed === 0 ? ExitCode.ok : ExitCode.badInput;
  },
};

/** Null when the file and all its profiles are valid; otherwise the formatted problems. */
async function validateOne(file: string, cwd: string, bodyFiles: BodyFileCache): Promise<string | null> {
  try {
    // Read, parsed and schema-checked once; each profile is then resolved and planned from that.
    const opened = await openPlans(file, { cwd, seed: 0, bodyFiles });
    await opened.load(undefined);
    const errors: string[] = [];
    for (const profile of opened.profiles.filter((p) => p !== FULL_PROFILE)) {
      try {
        await opened.load(profile);
      } catch (e) {
        if (!isBadInput(e)) throw e;
        errors.push(e.format());
      }
    }
    return errors.length === 0 ? null : errors.join('\n');
  } catch (e) {
    if (!isBadInput(e)) throw e;
    return e.format();
  }
}

/** A problem of the file (exit 2); anything else (an internal error, exit 70) ends the command with its own code. */
function isBadInput(e: unknown): e is StresslabError {
  return isStresslabError(e) && e.exitCode === ExitCode.badInput;
}
