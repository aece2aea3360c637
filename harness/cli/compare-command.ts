import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { newBaseline } from '../baseline/baseline-builder.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import { readBaseline } from '../baseline/baseline-store.ts';
import { harnessVersion } from '../core/version.ts';
import { readResult } from '../run/read-result.ts';
import type { StresslabCommand } from './command.ts';
import { gateTable } from '../report/gate-table.ts';
import { formatGateLines } from './gate-lines.ts';

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
    // A result.json becomes a one-run baseline; anything else is read as a baseline, so a corrupt
    // baseline shows the baseline parser's problems (file, path), not the result parser's.
    const baseline = (await looksLikeResult(refFile))
      ? newBaseline([await readResult(refFile)], { nowIso: new Date().toISOString(), harnessVersion })
      : await readBaseline(refFile);
    const { regressions, warnings } = gateAgainstBaseline(baseline, [current], { tolerancePct: args.tolerance });
    const gate = gateTable({ regressions });
    io.out(formatGateLines(gate, current.environment.calibration));
    for (const w of warnings) io.out(`warning: ${w}`);
    const failed = gate.rows.filter((r) => r.outcome === 'regression');
    io.out(failed.length > 0 ? `REGRESSION in ${failed.map((r) => `${r.label} (${r.metric})`).join(', ')}` : 'no gated regression');
    return failed.length > 0 ? ExitCode.gateFailed : ExitCode.ok;
  },
};

/**
 * Whether `file` holds a run result rather than a baseline: a result has `verdict` and `totals`,
 * a baseline `runs` and `analysis`. An unreadable or non-JSON file is not a result: the baseline
 * reader then says what is wrong with it (a path ending in result.json is read as a result).
 */
async function looksLikeResult(file: string): Promise<boolean> {
  if (path.basename(file) === 'result.json') return true;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const has = (k: string): boolean => Object.hasOwn(json, k);
  return !has('runs') && !has('analysis') && (has('verdict') || has('totals'));
}
