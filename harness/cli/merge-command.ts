import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { analyzeRunWithSeries } from '../analysis/analyze-run.ts';
import { exitCodeForVerdict } from '../analysis/verdict.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { appendHistory, writeReports } from '../report/write-reports.ts';
import { historyLine } from '../report/history-line.ts';
import { analysisSettings } from '../run/analysis-settings.ts';
import { gitSha } from '../run/git-sha.ts';
import { mergeRunParts } from '../run/merge-run-parts.ts';
import type { RunPart } from '../run/merge-run-parts.ts';
import { newRunId } from '../run/run-id.ts';
import { RUN_RECORD_FILES } from '../run/run-record-files.ts';
import { readRunRecord } from '../run/read-run-record.ts';
import { reportDataFrom } from '../run/report-data-from.ts';
import { resolveGate } from '../run/resolve-gate.ts';
import { writeRunRecord } from '../run/write-run-record.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { StresslabCommand } from './command.ts';
import { formatRunSummary } from './run-summary.ts';
import { reportsDirOf, reportsDirOptions } from './reports-dir-option.ts';
import type { ReportsDirFlags } from './reports-dir-option.ts';
import { summaryOptions, summaryOutput } from './summary-output.ts';
import type { SummaryFlags } from './summary-output.ts';
import { outputOptions, outputTargetsOf, sendRunOutputs } from './output-option.ts';
import type { OutputFlags } from './output-option.ts';

export interface MergeArgs extends ReportsDirFlags, SummaryFlags, OutputFlags {
  runDirs: string[];
  env: string;
  baseline: string | boolean | undefined;
  tolerance: number | undefined;
  scenario: string | undefined;
}

export const mergeCommand: StresslabCommand<MergeArgs> = {
  builder: (y: Argv) =>
    outputOptions(summaryOptions(reportsDirOptions(y, 'Reports directory: the merged run goes to <dir>/<scenario>/<run-id>/')))
      .positional('runDirs', { type: 'string', array: true, demandOption: true, describe: 'The run directory of every part, e.g. reports/heavy/<run-id>' })
      .option('env', { type: 'string', default: 'local', describe: 'Environment name: selects baselines/<env>/ and reports/<env>/history.jsonl' })
      .option('baseline', { describe: 'Baseline file to gate against (default baselines/<env>/<scenario>.json when it exists); --no-baseline skips the gate' })
      .option('tolerance', { type: 'number', describe: 'Regression tolerance in percent (default: the baseline\'s, normally 5)' })
      .option('scenario', { type: 'string', describe: 'Take thresholds and recovery rules from this scenario file (default: the file part 1 ran)' }) as unknown as Argv<MergeArgs>,
  examples: [
    ['stresslab merge /tmp/part1/heavy/20261203T020000Z-1a2b /tmp/part2/heavy/20261203T020000Z-3c4d --env staging', 'Judge a load two machines sent as one run'],
    ['stresslab merge part1/heavy/<run-id> part2/heavy/<run-id> -o prometheus-rw=http://127.0.0.1:9090/api/v1/write', 'The merged run\'s metrics to Prometheus (send the parts themselves nowhere)'],
  ],
  async run(args, io) {
    if (args.tolerance !== undefined && !(args.tolerance > 0 && args.tolerance <= 100)) {
      throw new StresslabError('BAD_USAGE', `--tolerance must be a percentage in (0, 100], got ${args.tolerance}`, { hint: 'e.g. --tolerance 5' });
    }
    const reportsDir = path.resolve(io.cwd, reportsDirOf(args, io));
    const outputs = await outputTargetsOf(args, io);
    const output = summaryOutput(args, io, 'merge');
    await output.check();
    const parts: RunPart[] = [];
    for (const d of args.runDirs) {
      const dir = path.resolve(io.cwd, d);
      parts.push({ dir: path.relative(io.cwd, dir) || dir, record: await readRunRecord(dir) });
    }
    const ran = parts[0]?.record.meta.scenario;
    if (ran === undefined) throw new StresslabError('BAD_USAGE', 'name the run directories of the parts to merge', { hint: 'e.g. stresslab merge reports/heavy/<run-id> reports/heavy/<run-id>' });
    const merged = mergeRunParts(parts, newRunId(parts[0]?.record.meta.startedAtEpochMs ?? Date.now()));
    const scenarioFile = args.scenario ?? ran.file;
    if (args.scenario === undefined && !existsSync(ran.file)) {
      throw new StresslabError('FILE_NOT_FOUND', `the scenario the parts ran, ${ran.file}, is not on this machine`, {
        file: ran.file,
        hint: `name it: --scenario FILE${ran.profile ? ` (the parts ran profile "${ran.profile}")` : ''}`,
      });
    }
    const loaded = await loadScenario(scenarioFile, { profile: ran.profile ?? undefined, cwd: io.cwd });
    if (loaded.hash !== ran.hash) io.err(`note: ${path.relative(io.cwd, loaded.file) || loaded.file} differs from the scenario the parts ran; its thresholds and recovery rules as they are now are used`);
    const gate = await resolveGate({ loaded, cwd: io.cwd, env: args.env, baseline: args.baseline, tolerancePct: args.tolerance });
    const { meta, timeline } = merged.record;
    const runDir = path.join(reportsDir, meta.scenario.name, meta.runId);
    await mkdir(runDir, { recursive: true });
    // The merged timeline in the order a run writes it: seconds as they closed, then what came with them.
    const lines = [...timeline.seconds, ...timeline.late, ...timeline.probes, ...timeline.resources, ...timeline.events];
    await writeFileAtomic(path.join(runDir, RUN_RECORD_FILES.timeline), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    await writeRunRecord(runDir, meta);
    // Analysed from the record as read back, as `run` does: result.json comes from what is on disk.
    const record = await readRunRecord(runDir);
    const { result, series } = analyzeRunWithSeries(record, {
      ...analysisSettings(loaded.scenario),
      ...(gate === null ? {} : { gate: (provisional) => gateAgainstBaseline(gate.baseline, [provisional], gate.options) }),
    });
    const written = await writeReports(runDir, reportDataFrom(result, series, record.timeline));
    // The sha the load ran with (part 1's, as result.json says); this checkout's only for parts recorded without one.
    await appendHistory(path.join(reportsDir, args.env, 'history.jsonl'), historyLine(result, result.gitSha ?? (await gitSha(io.cwd))));
    output.human.out(formatRunSummary(result));
    output.human.out(`merged ${parts.length} parts (${parts.map((p) => p.dir).join(', ')}) into ${path.relative(io.cwd, runDir) || runDir}/ (${Object.keys(written).length + 2} files)`);
    // As for `run`: a failed send is a warning, the merged run's verdict and exit code stand.
    await sendRunOutputs(output.human, runDir, outputs);
    return output.finish(result, runDir, exitCodeForVerdict(result.verdict));
  },
};
