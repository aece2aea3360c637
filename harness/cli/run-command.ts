import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../exit-codes.ts';
import { StresslabError } from '../stresslab-error.ts';
import { installInterrupts } from '../run/interrupts.ts';
import { runScenario } from '../run/run-scenario.ts';
import { exitCodeForVerdict } from '../run/exit-code-for-verdict.ts';
import type { StresslabCommand } from './command.ts';
import { formatSummaryTable } from './summary-table.ts';

export interface RunArgs {
  scenario: string;
  target: string | undefined;
  profile: string | undefined;
  env: string;
  out: string;
  seed: number | undefined;
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
      .option('env', { type: 'string', default: 'local', describe: 'Environment name (selects baselines/<env>/)' })
      .option('out', { type: 'string', default: 'reports', describe: 'Reports directory' })
      .option('seed', { type: 'number', describe: 'Seed for templating ({{uuid}}, {{randInt}}) and request choice; random by default, recorded in result.json' }) as unknown as Argv<RunArgs>,
  examples: [
    ['stresslab run light --profile quick', 'The light preset, CI-sized, against the embedded target'],
    ['stresslab run scenarios/spike.json --target http://127.0.0.1:8080', 'A scenario file against a running service'],
  ],
  async run(args, io) {
    const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed)) throw new StresslabError('BAD_USAGE', `--seed must be an integer, got ${args.seed}`, { hint: 'e.g. --seed 42' });
    if (args.target !== undefined) checkUrl(args.target);
    const controller = new AbortController();
    const dispose = installInterrupts({
      onFirst: (sig) => {
        io.err(`\n${sig}: stopping the load and writing partial results (press Ctrl-C again to exit at once)…`);
        controller.abort();
      },
      onSecond: () => {
        io.err('Exiting at once.');
        process.exit(ExitCode.aborted);
      },
    });
    try {
      const targetEnv = Object.fromEntries(TARGET_ENV_KEYS.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])));
      const { result, runDir } = await runScenario({
        scenario: args.scenario,
        profile: args.profile,
        targetUrl: args.target,
        envName: args.env,
        outDir: path.resolve(io.cwd, args.out),
        seed,
        io,
        signal: controller.signal,
        targetEnv,
      });
      io.out(formatSummaryTable(result));
      for (const t of result.thresholds) io.out(`${t.pass ? '✓' : '✗'} ${t.metric}: ${t.expression} (actual ${t.actual ?? 'no data'})`);
      for (const w of result.warnings) io.out(`warning: ${w}`);
      io.out(`verdict: ${result.verdict.toUpperCase()}${result.reasons.length ? ` — ${result.reasons.join('; ')}` : ''}`);
      io.out(`results: ${path.relative(io.cwd, runDir) || runDir}`);
      return exitCodeForVerdict(result.verdict);
    } finally {
      dispose();
    }
  },
};

function checkUrl(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new StresslabError('BAD_USAGE', `--target "${url}" is not an http(s) URL`, { hint: 'e.g. --target http://127.0.0.1:8080' });
  }
}
