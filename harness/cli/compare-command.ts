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
import type { CompareDocument } from '../contract/compare-document.ts';
import { SUMMARY_SCHEMA_VERSION } from '../contract/summary-document.ts';
import { summaryRegressions } from '../report/render-summary-document.ts';

export interface CompareArgs {
  current: string;
  reference: string;
  tolerance: number | undefined;
  json: boolean;
  quiet: boolean;
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
      .option('tolerance', { type: 'number', describe: 'Tolerance in percent (default: the baseline\'s, normally 5)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only the comparison as JSON (schemaVersion 1) on stdout; the table goes to stderr' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only warnings and the one-line outcome (with --json: only the JSON)' }) as unknown as Argv<CompareArgs>,
  examples: [
    ['stresslab compare reports/light/<run-id> baselines/ci/light.quick.json', 'Against a recorded baseline'],
    ['stresslab compare reports/light/<run-id> baselines/ci/light.quick.json --json | jq .regressions.gated', 'The gated regressions, for a script'],
    ['stresslab compare reports/light/<run-b> reports/light/<run-a>', 'Two runs (one reference run cannot estimate noise: expect no-data verdicts)'],
  ],
  async run(args, io) {
    const current = await readResult(resultFile(io.cwd, args.current));
    const refFile = resultFile(io.cwd, args.reference);
    // A result.json becomes a one-run baseline; anything else is read as a baseline, so a corrupt
    // baseline shows the baseline parser's problems (file, path), not the result parser's.
    const referenceIsRun = await looksLikeResult(refFile);
    const baseline = referenceIsRun ? newBaseline([await readResult(refFile)], { nowIso: new Date().toISOString(), harnessVersion }) : await readBaseline(refFile);
    const tolerancePct = args.tolerance ?? baseline.analysis.tolerancePct;
    const { regressions, warnings } = gateAgainstBaseline(baseline, [current], { tolerancePct });
    const gate = gateTable({ regressions });
    const failed = gate.rows.filter((r) => r.outcome === 'regression');
    const code = failed.length > 0 ? ExitCode.gateFailed : ExitCode.ok;
    // --json: stdout holds the document alone, the rest goes to stderr; --quiet: warnings and the outcome only.
    const human = args.json ? (t: string) => io.err(t) : (t: string) => io.out(t);
    if (!args.quiet) human(formatGateLines(gate, current.environment.calibration));
    for (const w of warnings) (args.json || args.quiet ? io.err : io.out)(`warning: ${w}`);
    if (!(args.json && args.quiet)) human(failed.length > 0 ? `REGRESSION in ${failed.map((r) => `${r.label} (${r.metric})`).join(', ')}` : 'no gated regression');
    if (args.json) {
      const doc: CompareDocument = {
        schemaVersion: SUMMARY_SCHEMA_VERSION,
        tool: 'stresslab',
        toolVersion: harnessVersion,
        command: 'compare',
        verdict: code === ExitCode.ok ? 'pass' : 'fail',
        exitCode: code,
        current: { file: resultFile(io.cwd, args.current), runId: current.runId, scenario: { name: current.scenario.name, profile: current.scenario.profile } },
        reference: { file: refFile, kind: referenceIsRun ? 'run' : 'baseline', runs: baseline.runs.length },
        tolerancePct,
        regressions: summaryRegressions(regressions),
        warnings: [...warnings],
      };
      io.out(`${JSON.stringify(doc, null, 2)}\n`);
    }
    return code;
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
