import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { analyzeRunWithSeries } from '../analysis/analyze-run.ts';
import type { RunResult } from '../contract/run-result.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { writeHistoryReport, writeReports } from '../report/write-reports.ts';
import { exitCodeForVerdict } from '../analysis/verdict.ts';
import { readResult } from '../run/read-result.ts';
import { readRunDir } from '../run/read-run-dir.ts';
import { readRunRecord } from '../run/read-run-record.ts';
import { reportDataFrom } from '../run/report-data-from.ts';
import { analysisSettings } from '../run/analysis-settings.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { CliIo, StresslabCommand } from './command.ts';
import { formatRunSummary } from './run-summary.ts';
import { outputOptions, outputTargetsOf, sendRunOutputs } from './output-option.ts';
import type { OutputFlags } from './output-option.ts';
import { summaryOptions, summaryOutput } from './summary-output.ts';
import type { SummaryFlags } from './summary-output.ts';

export interface ReportArgs extends OutputFlags, SummaryFlags {
  runDir: string | undefined;
  history: string | undefined;
  reanalyze: boolean;
  scenario: string | undefined;
  profile: string | undefined;
}

const SEND_FAILED = 'exit 4; the run directory is unchanged';

export const reportCommand: StresslabCommand<ReportArgs> = {
  builder: (y: Argv) =>
    summaryOptions(outputOptions(y))
      .positional('runDir', { type: 'string', describe: 'A run directory: reports/<scenario>/<run-id>' })
      .option('history', { type: 'string', describe: 'Render the trend page of a history file, e.g. reports/local/history.jsonl' })
      .option('reanalyze', { type: 'boolean', default: false, describe: 'Recompute result.json (thresholds, recovery, verdict) from the run record, then the reports; exit 0 pass, 1 fail, 3 aborted' })
      .option('scenario', { type: 'string', describe: 'With --reanalyze: take thresholds and the recovery section from this scenario file (default: the file the run used)' })
      .option('profile', { type: 'string', describe: 'With --reanalyze: the scenario profile (default: the one the run used)' }) as unknown as Argv<ReportArgs>,
  examples: [
    ['stresslab report reports/light/20261122T101500Z-ab12', 'Re-render one run'],
    ['stresslab report reports/light/20261122T101500Z-ab12 --reanalyze --scenario strict-light.json', 'Judge a finished run against other thresholds, without running it again'],
    ['stresslab report reports/light/20261122T101500Z-ab12 -o prometheus-rw=http://127.0.0.1:9090/api/v1/write', "Send a finished run's metrics to Prometheus (again)"],
    ['stresslab report --history reports/nightly/history.jsonl', 'Trend page across nightly runs (history.html beside it)'],
  ],
  async run(args, io) {
    if (args.history !== undefined) {
      if (args.json || args['summary-export'] !== undefined) throw new StresslabError('BAD_USAGE', '--json and --summary-export summarise one run, not a history file', { hint: 'e.g. stresslab report reports/light/<run-id> --json' });
      if (args.output.length > 0) throw new StresslabError('BAD_USAGE', '--output sends one run\'s metrics, not a history file', { hint: 'e.g. stresslab report reports/light/<run-id> -o prometheus-rw=http://127.0.0.1:9090/api/v1/write' });
      const out = await writeHistoryReport(path.resolve(io.cwd, args.history));
      io.out(`wrote ${path.relative(io.cwd, out)}`);
      return ExitCode.ok;
    }
    if (args.runDir === undefined) {
      throw new StresslabError('BAD_USAGE', 'name a run directory or --history FILE', { hint: 'e.g. stresslab report reports/light/<run-id>' });
    }
    const dir = path.resolve(io.cwd, args.runDir);
    const outputs = await outputTargetsOf(args, io);
    const output = summaryOutput(args, io, 'report');
    await output.check();
    if (args.reanalyze) {
      const { code, result } = await reanalyze(dir, args, output.human);
      const sent = (await sendRunOutputs(output.human, dir, outputs, SEND_FAILED)) > 0 && code === ExitCode.ok ? ExitCode.environmentNotReady : code;
      return output.finish(result, dir, sent);
    }
    if (args.scenario !== undefined || args.profile !== undefined) {
      throw new StresslabError('BAD_USAGE', '--scenario and --profile only apply with --reanalyze', { hint: `e.g. stresslab report ${args.runDir} --reanalyze --scenario FILE` });
    }
    const data = await readRunDir(dir);
    const written = await writeReports(dir, data, { formats: ['md', 'html', 'junit'] });
    for (const f of Object.values(written)) output.human.out(`wrote ${path.relative(io.cwd, f)}`);
    // Sending is all `report -o` is asked to do: an output that failed is exit 4, not a warning.
    const code = (await sendRunOutputs(output.human, dir, outputs, SEND_FAILED)) > 0 ? ExitCode.environmentNotReady : ExitCode.ok;
    return output.finish(data.result, dir, code);
  },
};

/** result.json and the reports again from the run record, judged by the scenario's current (or another) thresholds and recovery rules. */
async function reanalyze(dir: string, args: ReportArgs, io: CliIo): Promise<{ code: ExitCode; result: RunResult }> {
  const record = await readRunRecord(dir);
  const ran = record.meta.scenario;
  const scenarioFile = args.scenario ?? ran.file;
  if (args.scenario === undefined && !existsSync(ran.file)) {
    throw new StresslabError('FILE_NOT_FOUND', `the scenario the run used, ${ran.file}, no longer exists`, {
      file: ran.file,
      hint: `name the scenario to take thresholds and recovery rules from: --scenario FILE${ran.profile ? ` (the run used profile "${ran.profile}")` : ''}`,
    });
  }
  const loaded = await loadScenario(scenarioFile, { profile: args.profile ?? ran.profile ?? undefined, cwd: io.cwd });
  if (args.scenario === undefined && loaded.hash !== ran.hash) {
    io.err(`note: ${path.relative(io.cwd, loaded.file) || loaded.file} changed since the run; its thresholds and recovery rules as they are now are used`);
  }
  const previous = await previousResult(path.join(dir, 'result.json'));
  const { result, series } = analyzeRunWithSeries(record, {
    ...analysisSettings(loaded.scenario),
    // The baseline and earlier runs the gate compared with are not part of the record: keep its findings.
    gate: () => ({ regressions: previous?.regressions ?? [], warnings: [] }),
  });
  const written = await writeReports(dir, reportDataFrom(result, series, record.timeline));
  io.out(formatRunSummary(result));
  io.out(`reanalysed with thresholds and recovery rules from ${path.relative(io.cwd, loaded.file) || loaded.file}${loaded.profile ? ` (profile ${loaded.profile})` : ''}${previous && previous.regressions.length > 0 ? `; ${previous.regressions.length} regression comparisons carried over from the earlier result.json` : ''}`);
  for (const f of Object.values(written)) io.out(`wrote ${path.relative(io.cwd, f) || f}`);
  return { code: exitCodeForVerdict(result.verdict), result };
}

/** The result.json being replaced; none when the run never wrote one (killed before its end). */
async function previousResult(file: string): Promise<RunResult | null> {
  try {
    return await readResult(file);
  } catch (e) {
    if (e instanceof StresslabError && e.code === 'FILE_NOT_FOUND') return null;
    throw e;
  }
}
