import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../exit-codes.ts';
import { StresslabError } from '../stresslab-error.ts';
import type { RunResult } from '../analysis/run-result.ts';
import { installInterrupts } from '../run/interrupts.ts';
import { runScenario } from '../run/run-scenario.ts';
import type { RunOptions } from '../run/run-scenario.ts';
import { exitCodeForVerdict } from '../run/exit-code-for-verdict.ts';
import { resolveGate } from '../run/resolve-gate.ts';
import type { StresslabCommand, CliIo } from './command.ts';
import { formatRunSummary } from './run-summary.ts';

export interface RunArgs {
  scenario: string;
  target: string | undefined;
  profile: string | undefined;
  env: string;
  out: string;
  seed: number | undefined;
  baseline: string | boolean | undefined;
  tolerance: number | undefined;
  runs: number;
}

/** Environment variables handed to an embedded target (so `TARGET_WORK_FACTOR=1.1 stresslab run …` works). */
const TARGET_ENV_KEYS = ['TARGET_WORK_FACTOR', 'WORKERS', 'POOL_MAX', 'MAX_ATTEMPTS', 'LEASE_MS', 'TARGET_TEST_DROP_RATE', 'CHAOS_TOKEN'];

export const runCommand: StresslabCommand<RunArgs> = {
  command: 'run <scenario>',
  describe: 'Run a scenario (a preset name or a file) and write reports/<scenario>/<run-id>/',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Preset name (see `stresslab list`) or a .json/.yaml file' })
      .option('target', { type: 'string', describe: 'Base URL of the system under test (overrides the scenario; default: the embedded reference target)' })
      .option('profile', { type: 'string', describe: 'Scenario profile, e.g. quick or full' })
      .option('env', { type: 'string', default: 'local', describe: 'Environment name: selects baselines/<env>/ and reports/<env>/history.jsonl' })
      .option('out', { type: 'string', default: 'reports', describe: 'Reports directory' })
      .option('seed', { type: 'number', describe: 'Seed for templating ({{uuid}}, {{randInt}}) and request choice; random by default, recorded in result.json' })
      .option('baseline', { describe: 'Baseline file to gate against (default baselines/<env>/<scenario>.json when it exists); --no-baseline skips the gate' })
      .option('tolerance', { type: 'number', describe: 'Regression tolerance in percent (default: the baseline\'s, normally 5)' })
      .option('runs', { type: 'number', default: 1, describe: 'Run the candidate N times; the gate compares all N with the baseline (tighter interval)' }) as unknown as Argv<RunArgs>,
  examples: [
    ['stresslab run light --profile quick', 'The light preset, CI-sized, against the embedded target'],
    ['stresslab run scenarios/spike.json --target http://127.0.0.1:8080', 'A scenario file against a running service'],
    ['stresslab run light --profile quick --env ci --runs 3', 'Gate against baselines/ci/light.json with three candidate runs'],
    ['stresslab run chaos-db --profile quick --no-baseline', 'A chaos run without the regression gate'],
  ],
  async run(args, io) {
    const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed)) throw new StresslabError('BAD_USAGE', `--seed must be an integer, got ${args.seed}`, { hint: 'e.g. --seed 42' });
    if (!Number.isInteger(args.runs) || args.runs < 1 || args.runs > 100) throw new StresslabError('BAD_USAGE', `--runs must be an integer from 1 to 100, got ${args.runs}`, { hint: 'e.g. --runs 3' });
    if (args.tolerance !== undefined && !(args.tolerance > 0 && args.tolerance <= 100)) {
      throw new StresslabError('BAD_USAGE', `--tolerance must be a percentage in (0, 100], got ${args.tolerance}`, { hint: 'e.g. --tolerance 5' });
    }
    if (args.target !== undefined) checkUrl(args.target);
    const controller = new AbortController();
    const dispose = installInterrupts({
      onFirst: (sig) => {
        io.err(`\n${sig}: rolling back faults, stopping the load and writing partial results (again to exit at once)…`);
        controller.abort();
      },
      onSecond: () => {
        io.err('Exiting at once.');
        process.exit(ExitCode.aborted);
      },
    });
    try {
      const base: Omit<RunOptions, 'seed' | 'gate' | 'previousResults'> = {
        scenario: args.scenario,
        profile: args.profile,
        targetUrl: args.target,
        envName: args.env,
        outDir: path.resolve(io.cwd, args.out),
        io,
        signal: controller.signal,
        targetEnv: targetEnv(),
      };
      const gate = await resolveGate({ scenario: args.scenario, profile: args.profile, cwd: io.cwd, env: args.env, baseline: args.baseline, tolerancePct: args.tolerance });
      const results: RunResult[] = [];
      let last: { result: RunResult; runDir: string } | null = null;
      for (let i = 0; i < args.runs && !controller.signal.aborted; i++) {
        if (args.runs > 1) io.out(`run ${i + 1} of ${args.runs}`);
        last = await runScenario({ ...base, seed: seed + i, gate, previousResults: results });
        results.push(last.result);
      }
      if (last === null) return ExitCode.aborted;
      printOutcome(io, last.result, last.runDir);
      return exitCodeForVerdict(last.result.verdict);
    } finally {
      dispose();
    }
  },
};

function printOutcome(io: CliIo, result: RunResult, runDir: string): void {
  io.out(formatRunSummary(result));
  io.out(`results: ${path.relative(io.cwd, runDir) || runDir}/ (result.json, timeline.jsonl, report.md, report.html, junit.xml)`);
}

function targetEnv(): Record<string, string> {
  return Object.fromEntries(TARGET_ENV_KEYS.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])));
}

function checkUrl(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new StresslabError('BAD_USAGE', `--target "${url}" is not an http(s) URL`, { hint: 'e.g. --target http://127.0.0.1:8080' });
  }
}
