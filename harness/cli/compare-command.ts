import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { newBaseline } from '../baseline/baseline-builder.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import { readBaseline } from '../baseline/baseline-store.ts';
import { harnessVersion } from '../core/version.ts';
import { readResult } from '../run/read-result.ts';
import type { StresslabCommand } from './command.ts';
import { table } from './summary-table.ts';
import { fmtInterval, fmtPct, fmtValue } from './format-number.ts';

export interface CompareArgs {
  current: string;
  reference: string;
  tolerance: number | undefined;
}

function resultFile(cwd: string, p: string): string {
  const abs = path.resolve(cwd, p);
  return abs.endsWith('.json') ? abs : path.join(abs, 'result.json');
}

export const compareCommand: StresslabCommand<CompareArgs> = {
  command: 'compare <current> <reference>',
  describe: 'Compare a result with a baseline (or with another result) and print the regression table; exit 1 on a gated regression',
  builder: (y: Argv) =>
    y
      .positional('current', { type: 'string', demandOption: true, describe: 'result.json (or its run directory)' })
      .positional('reference', { type: 'string', demandOption: true, describe: 'A baseline .json or another result.json / run directory' })
      .option('tolerance', { type: 'number', describe: 'Tolerance in percent (default: the baseline\'s, normally 5)' }) as unknown as Argv<CompareArgs>,
  examples: [
    ['stresslab compare reports/light/<run-id> baselines/ci/light.quick.json', 'Against a recorded baseline'],
    ['stresslab compare reports/light/<run-b> reports/light/<run-a>', 'Two runs (one reference run cannot estimate noise: expect no-data verdicts)'],
  ],
  async run(args, io) {
    const current = await readResult(resultFile(io.cwd, args.current));
    const refFile = resultFile(io.cwd, args.reference);
    const baseline = await readBaseline(refFile).catch(async (e: unknown) => {
      // Not a baseline: maybe a result.json — then it becomes a one-run baseline.
      if (e instanceof StresslabError && e.code === 'BAD_BASELINE') {
        const ref = await readResult(refFile);
        return newBaseline([ref], { nowIso: new Date().toISOString(), harnessVersion });
      }
      throw e;
    });
    const { regressions, warnings } = gateAgainstBaseline(baseline, [current], { tolerancePct: args.tolerance });
    const rows = regressions.map((r) => [r.metric, fmtValue(r.baseline), fmtValue(r.current), fmtPct(r.changePct), fmtInterval(r.ciLowPct, r.ciHighPct), r.verdict + (r.gated ? '' : ' (not gated)')]);
    io.out(table([['metric', 'baseline', 'current', 'change', 'CI', 'verdict'], ...rows]));
    for (const w of warnings) io.out(`warning: ${w}`);
    const failed = regressions.filter((r) => r.verdict === 'regression' && r.gated);
    io.out(failed.length > 0 ? `REGRESSION in ${failed.map((r) => r.metric).join(', ')}` : 'no gated regression');
    return failed.length > 0 ? ExitCode.gateFailed : ExitCode.ok;
  },
};

