import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { RunResult } from '../contract/run-result.ts';
import { addRuns, newBaseline } from '../baseline/baseline-builder.ts';
import { baselinePath, readBaseline, readBaselineIfExists, writeBaseline } from '../baseline/baseline-store.ts';
import { harnessVersion } from '../core/version.ts';
import { InterruptController } from '../run/interrupt-controller.ts';
import { baselineName } from '../run/resolve-gate.ts';
import { readResult } from '../run/read-result.ts';
import { RunFailures } from '../run/run-failures.ts';
import { runScenario } from '../run/run-scenario.ts';
import { randomSeed } from '../core/seeded-rng.ts';
import { loadPlan } from '../plan/load-plan.ts';
import type { CliIo, StresslabCommand } from './command.ts';
import { liveObserver } from './live-observer.ts';
import { table } from './summary-table.ts';
import { fmtValue } from './format-number.ts';
import { reportsDirOf, reportsDirOptions } from './reports-dir-option.ts';
import type { ReportsDirFlags } from './reports-dir-option.ts';

export interface BaselineArgs extends ReportsDirFlags {
  action: 'record' | 'update' | 'show';
  targets: string[];
  runs: number;
  profile: string | undefined;
  env: string;
  target: string | undefined;
  quiet: boolean;
}

export const baselineCommand: StresslabCommand<BaselineArgs> = {
  builder: (y: Argv) =>
    reportsDirOptions(y, 'record: reports directory for the runs')
      .positional('action', { choices: ['record', 'update', 'show'] as const, describe: 'record <scenario> | update <run-dir...> | show <scenario>' })
      .positional('targets', { type: 'string', array: true, default: [], describe: 'A scenario (record, show) or run directories (update)' })
      .option('runs', { type: 'number', default: 5, describe: 'record: how many runs (at least 2, so noise can be estimated)' })
      .option('profile', { type: 'string', describe: 'Scenario profile, e.g. quick' })
      .option('env', { type: 'string', default: 'local', describe: 'Environment name (baselines/<env>/)' })
      .option('target', { type: 'string', describe: 'record: base URL of the system under test' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'record: no live view or progress, only errors, warnings and the line naming the file written' }) as unknown as Argv<BaselineArgs>,
  examples: [
    ['stresslab baseline record light --profile quick --runs 5 --env ci', 'Five runs → baselines/ci/light.quick.json'],
    ['stresslab baseline update reports/light/20261122T101500Z-ab12 --env ci', 'Promote a run into its baseline'],
    ['stresslab baseline show light --profile quick --env ci', 'Print the baseline runs and their metrics'],
  ],
  async run(args, io) {
    const first = args.targets[0];
    if (first === undefined) throw new StresslabError('BAD_USAGE', `baseline ${args.action} needs ${args.action === 'update' ? 'run directories' : 'a scenario'}`, { hint: 'see stresslab baseline --help' });
    switch (args.action) {
      case 'record':
        return record(first, args, io);
      case 'update':
        return update(args.targets, args, io);
      case 'show':
        return show(first, args, io);
    }
  },
};

async function record(scenario: string, args: BaselineArgs, io: CliIo): Promise<typeof ExitCode[keyof typeof ExitCode]> {
  if (!Number.isInteger(args.runs) || args.runs < 2) throw new StresslabError('BAD_USAGE', `--runs must be at least 2 (noise needs several runs), got ${args.runs}`, { hint: '--runs 5 is a good start' });
  const { loaded, plan } = await loadPlan(scenario, { profile: args.profile, cwd: io.cwd, seed: 0 });
  const file = baselinePath(io.cwd, args.env, baselineName(loaded.scenario.name, loaded.profile));
  await readBaselineIfExists(file); // a corrupt existing file stops here (exit 2) instead of being overwritten
  let rollback: () => Promise<void> = async () => {};
  // One renderer for everything printed during the runs: the Ctrl-C notice goes through it too, so no redraw erases it.
  // --quiet: the runs' progress and live view go nowhere; the file written is still said (io.out).
  const human: CliIo = args.quiet ? { ...io, out: () => undefined, isTTY: false } : io;
  const observer = liveObserver(human, { healthyForMs: loaded.scenario.recovery.healthyForMs, columns: () => process.stdout.columns, quiet: args.quiet });
  const controller = new InterruptController({ notify: (t) => observer.notice(t), rollback: () => rollback(), exit: (code) => process.exit(code) });
  const dispose = controller.attach(process);
  const failures = new RunFailures();
  const detachFailures = failures.attach(process);
  const results: RunResult[] = [];
  try {
    for (let i = 0; i < args.runs && !controller.signal.aborted; i++) {
      human.out(`baseline run ${i + 1} of ${args.runs}…`);
      const { result } = await runScenario({
        loaded, plan: { ...plan, seed: randomSeed() }, targetUrl: args.target, envName: args.env, outDir: path.resolve(io.cwd, reportsDirOf(args, io)), cwd: io.cwd,
        observer, signal: controller.signal, gate: null, history: false, onRollbackReady: (r) => (rollback = r), failures,
      });
      if (result.verdict !== 'pass') {
        throw new StresslabError('BAD_BASELINE', `baseline run ${i + 1} did not pass (${result.reasons.join('; ')}): a baseline of a failing system would hide regressions`, { hint: 'fix the failure or the thresholds, then record again' });
      }
      results.push(result);
    }
  } finally {
    observer.close();
    detachFailures();
    dispose();
  }
  if (controller.signal.aborted) return ExitCode.aborted;
  const now = new Date().toISOString();
  await writeBaseline(file, newBaseline(results, { nowIso: now, harnessVersion }));
  io.out(`wrote ${path.relative(io.cwd, file)} (${results.length} runs)`);
  return ExitCode.ok;
}

async function update(runDirs: readonly string[], args: BaselineArgs, io: CliIo): Promise<typeof ExitCode[keyof typeof ExitCode]> {
  const results = await Promise.all(runDirs.map((d) => readResult(d.endsWith('.json') ? path.resolve(io.cwd, d) : path.resolve(io.cwd, d, 'result.json'))));
  const names = new Set(results.map((r) => baselineName(r.scenario.name, r.scenario.profile)));
  if (names.size !== 1) throw new StresslabError('BAD_USAGE', `the runs belong to different scenarios/profiles: ${[...names].join(', ')}`, { hint: 'promote runs of one scenario and profile at a time' });
  const failing = results.filter((r) => r.verdict !== 'pass');
  if (failing.length > 0) throw new StresslabError('BAD_BASELINE', `${failing.map((r) => r.runId).join(', ')} did not pass; only passing runs can become a baseline`, { hint: 'promote passing runs only' });
  const file = baselinePath(io.cwd, args.env, [...names][0]!);
  const existing = await readBaselineIfExists(file);
  const now = new Date().toISOString();
  const next = existing ? addRuns(existing, results, { nowIso: now, harnessVersion }) : newBaseline(results, { nowIso: now, harnessVersion });
  await writeBaseline(file, next);
  io.out(`wrote ${path.relative(io.cwd, file)} (${next.runs.length} runs)`);
  return ExitCode.ok;
}

async function show(scenario: string, args: BaselineArgs, io: CliIo): Promise<typeof ExitCode[keyof typeof ExitCode]> {
  const { loaded } = await loadPlan(scenario, { profile: args.profile, cwd: io.cwd, seed: 0 });
  const file = baselinePath(io.cwd, args.env, baselineName(loaded.scenario.name, loaded.profile));
  const b = await readBaseline(file);
  io.out(`${path.relative(io.cwd, file)}: scenario ${b.scenario.name} (hash ${b.scenario.hash}), env ${b.environment.name} (${b.environment.fingerprint.cpuModel}, ${b.environment.fingerprint.cores} cores), tolerance ${b.analysis.tolerancePct}%, ${b.runs.length} runs, updated ${b.updatedAt}`);
  const keys = Object.keys(b.runs[0]?.metrics ?? {}).filter((k) => !k.includes('{'));
  io.out(table([['run', ...keys], ...b.runs.map((r) => [r.runId, ...keys.map((k) => fmtValue(r.metrics[k]))])]));
  return ExitCode.ok;
}

