import type { Argv } from 'yargs';
import { OUTPUT_KINDS, parseOutputs } from '../run/outputs/index.ts';
import type { OutputTarget } from '../run/outputs/output-target.ts';
import type { CliIo } from './command.ts';

/** `--output kind=destination` (`-o`), repeatable: where a run's metrics go besides its run directory (docs/outputs.md). */
export interface OutputFlags {
  output: string[];
}

const KINDS = Object.values(OUTPUT_KINDS)
  .map((k) => k.usage)
  .join(', ');

export function outputOptions<T>(y: Argv<T>): Argv<T & OutputFlags> {
  return y.option('output', {
    alias: 'o',
    type: 'string',
    array: true,
    default: [],
    describe: `Also send the run's metrics (OK latency percentiles, OK/KO rates, error kinds, fault windows, TTD/TTR, verdict) to ${KINDS}; repeatable. A failed send is a warning: the verdict stands`,
  }) as unknown as Argv<T & OutputFlags>;
}

/** The --output values checked before anything runs (exit 2 naming the flag and the fix). */
export function outputTargetsOf(flags: OutputFlags, io: Pick<CliIo, 'cwd'>): Promise<OutputTarget[]> {
  // yargs gives a lone `--output x` as a string in some spellings (an env variable): always a list here.
  const values = ([] as string[]).concat(flags.output ?? []).map(String);
  return parseOutputs(values, { flag: '--output', cwd: io.cwd });
}

/**
 * Sends a finished run's metrics to each output and says what happened: a line per output on
 * stdout, a warning on stderr for one that failed. Returns how many failed; the caller decides
 * whether that changes its exit code (`run`: never).
 */
export async function sendRunOutputs(io: CliIo, runDir: string, targets: readonly OutputTarget[], consequence = "the run's verdict and exit code are unchanged"): Promise<number> {
  if (targets.length === 0) return 0;
  // Loaded only when there is something to send: the series' code is not part of every run's start-up.
  const { formatOutputOutcome, sendOutputs } = await import('../run/outputs/send-outputs.ts');
  let failed = 0;
  for (const outcome of await sendOutputs(runDir, targets)) {
    const line = formatOutputOutcome(outcome, consequence);
    if (line.stream === 'out') io.out(line.text);
    else {
      io.err(line.text);
      failed++;
    }
  }
  return failed;
}
