import path from 'node:path';
import type { Argv } from 'yargs';
import { exitCodeForVerdict } from '../analysis/verdict.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { randomSeed } from '../core/seeded-rng.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { runAb, AB_FILE } from '../run/ab-run.ts';
import type { AbBuild } from '../run/ab-run.ts';
import { checkOutDir } from '../run/check-out-dir.ts';
import { expectedOutputBytes } from '../run/expected-output-bytes.ts';
import { InterruptController } from '../run/interrupt-controller.ts';
import { RunFailures } from '../run/run-failures.ts';
import { checkStartCwd } from '../run/start-command-target.ts';
import { guardTargets } from '../run/target-guard.ts';
import { targetStartSchema } from '../scenario/schema-target-start.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';
import { fillPort } from '../scenario/schema-target.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { askLine } from './ask-line.ts';
import type { CliIo, StresslabCommand } from './command.ts';
import { liveObserver } from './live-observer.ts';
import { checkUrl, targetEnv } from './run-command.ts';
import { formatRunSummary } from './run-summary.ts';
import { reportsDirOf, reportsDirOptions } from './reports-dir-option.ts';
import type { ReportsDirFlags } from './reports-dir-option.ts';
import { summaryOptions, summaryOutput } from './summary-output.ts';
import type { SummaryFlags } from './summary-output.ts';

export interface AbArgs extends ReportsDirFlags, SummaryFlags {
  scenario: string;
  profile: string | undefined;
  env: string;
  seed: number | undefined;
  pairs: string;
  'max-pairs': number;
  tolerance: number | undefined;
  'a-url': string | undefined;
  'b-url': string | undefined;
  'a-start': string | undefined;
  'b-start': string | undefined;
  'a-env': string[];
  'b-env': string[];
  toxiproxy: string | undefined;
  workers: number | undefined;
  'allow-target': string[];
  yes: boolean;
}

export const abCommand: StresslabCommand<AbArgs> = {
  builder: (y: Argv) =>
    summaryOptions(reportsDirOptions(y))
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Preset name or a .json/.yaml file' })
      .option('a-url', { type: 'string', describe: 'Build A is the service running at this URL (blue/green staging)' })
      .option('b-url', { type: 'string', describe: 'Build B is the service running at this URL' })
      .option('a-start', { type: 'string', describe: 'Build A is started by this command (as target.start; the URL is --a-url or the scenario\'s, with {{port}})' })
      .option('b-start', { type: 'string', describe: 'Build B is started by this command' })
      .option('a-env', { type: 'string', array: true, default: [], describe: 'KEY=VALUE for build A\'s process (the embedded service or --a-start), repeatable' })
      .option('b-env', { type: 'string', array: true, default: [], describe: 'KEY=VALUE for build B\'s process, repeatable, e.g. TARGET_WORK_FACTOR=1.1' })
      .option('pairs', { type: 'string', default: '3', describe: 'Pairs of runs, or "auto": from 3 pairs, add pairs while a gated metric is undecided, up to --max-pairs' })
      .option('max-pairs', { type: 'number', default: 10, describe: 'With --pairs auto: the most pairs to run' })
      .option('profile', { type: 'string', describe: 'Scenario profile, e.g. quick' })
      .option('env', { type: 'string', default: 'local', describe: 'Environment name (for the run directories\' metadata)' })
      .option('seed', { type: 'number', describe: 'Seed of pair 1 (pair k uses seed + k − 1, the same for both builds); random by default' })
      .option('tolerance', { type: 'number', describe: 'Regression tolerance in percent (default: the scenario\'s baseline.tolerancePct, else 5)' })
      .option('toxiproxy', { type: 'string', describe: 'A real Toxiproxy API URL for network/database faults' })
      .option('workers', { type: 'number', describe: 'Load threads (as for run)' })
      .option('allow-target', { type: 'string', array: true, default: [], describe: 'Allow a non-loopback build URL (repeatable)' })
      .option('yes', { type: 'boolean', default: false, describe: 'Confirm non-loopback hosts without asking (CI)' }) as unknown as Argv<AbArgs>,
  examples: [
    ['stresslab ab light --profile quick --b-env TARGET_WORK_FACTOR=1.1', 'The reference service against itself made 10 % costlier (the recipe, out of the box)'],
    ['stresslab ab light --a-start "node release/server.js" --b-start "node dist/server.js" --a-url "http://127.0.0.1:{{port}}" --b-url "http://127.0.0.1:{{port}}" --a-env PORT={{port}} --b-env PORT={{port}}', 'The last release and the candidate, each started for its runs'],
    ['stresslab ab light --a-url https://blue.staging.example.com --b-url https://green.staging.example.com --allow-target blue.staging.example.com --allow-target green.staging.example.com --yes --pairs auto', 'Blue/green staging, pairs added until decided'],
  ],
  async run(args, io) {
    const seed = args.seed ?? randomSeed();
    if (!Number.isInteger(seed)) throw new StresslabError('BAD_USAGE', `--seed must be an integer, got ${args.seed}`, { hint: 'e.g. --seed 42' });
    const reportsDir = reportsDirOf(args, io);
    const output = summaryOutput(args, io, 'ab');
    const pairs = parsePairs(args.pairs);
    if (!Number.isInteger(args['max-pairs']) || args['max-pairs'] < 3 || args['max-pairs'] > 50) {
      throw new StresslabError('BAD_USAGE', `--max-pairs must be an integer from 3 to 50, got ${args['max-pairs']}`, { hint: 'e.g. --max-pairs 10' });
    }
    if (args.tolerance !== undefined && !(args.tolerance > 0 && args.tolerance <= 100)) {
      throw new StresslabError('BAD_USAGE', `--tolerance must be a percentage in (0, 100], got ${args.tolerance}`, { hint: 'e.g. --tolerance 5' });
    }
    const planned = await loadPlan(args.scenario, { profile: args.profile, cwd: io.cwd, seed });
    const { loaded } = planned;
    const a = buildOf('a', args, loaded);
    const b = buildOf('b', args, loaded);
    if (JSON.stringify(a) === JSON.stringify(b)) {
      throw new StresslabError('BAD_USAGE', 'build A and build B are the same: nothing tells them apart', {
        hint: 'give each build its own --a-url/--b-url, --a-start/--b-start or --a-env/--b-env, e.g. --b-env TARGET_WORK_FACTOR=1.1',
      });
    }
    for (const build of [a, b]) if (build.targetStart !== undefined) checkStartCwd(build.targetStart, loaded.file);
    const maxRuns = 2 * (pairs === 'auto' ? args['max-pairs'] : pairs);
    await checkOutDir(path.resolve(io.cwd, reportsDir), { flag: '--reports-dir', neededBytes: expectedOutputBytes(planned.plan, loaded.scenario.requests.length, maxRuns) });
    await guardTargets(io, {
      urls: [a, b].map((x) => fillPort(x.targetUrl ?? loaded.scenario.target.url, 1)).filter((u) => u !== 'embedded'),
      allowTargets: [...args['allow-target'], ...(loaded.scenario.allowTargets ?? [])],
      yes: args.yes,
      isTTY: io.isTTY && Boolean(process.stdin.isTTY),
      ask: (q) => askLine(q),
    });
    await output.check();
    let rollback: () => Promise<void> = async () => {};
    // One renderer for everything printed during the runs: the Ctrl-C notice goes through it too, so no redraw erases it.
    const observer = liveObserver(output.human, { healthyForMs: loaded.scenario.recovery.healthyForMs, ...output.live });
    const interrupts = new InterruptController({ notify: (t) => observer.notice(t), rollback: () => rollback(), exit: (code) => process.exit(code) });
    const dispose = interrupts.attach(process);
    const failures = new RunFailures();
    const detachFailures = failures.attach(process);
    try {
      const baseline = loaded.scenario.baseline;
      const outcome = await runAb({
        run: {
          loaded,
          plan: planned.plan,
          toxiproxyUrl: args.toxiproxy,
          workers: args.workers,
          envName: args.env,
          outDir: path.resolve(io.cwd, reportsDir),
          cwd: io.cwd,
          observer,
          signal: interrupts.signal,
          onRollbackReady: (r) => (rollback = r),
          failures,
        },
        a: a.build,
        b: b.build,
        pairs,
        maxPairs: args['max-pairs'],
        tolerancePct: args.tolerance ?? baseline?.tolerancePct,
        metricTolerancePct: Object.fromEntries(Object.entries(baseline?.metrics ?? {}).map(([k, v]) => [k, v.tolerancePct])),
        blindFails: baseline?.blind === 'fail',
        onRun: ({ pair, build, index, planned: total }) => output.human.out(`run ${index}${total === null ? '' : ` of ${total}`}: pair ${pair}, build ${build} (${build === 'A' ? a.build.label : b.build.label})`),
      });
      if (outcome === null) return ExitCode.aborted;
      const { verdictRun } = outcome;
      const human = output.human;
      human.out(formatRunSummary(verdictRun.result));
      const rel = (p: string): string => path.relative(io.cwd, p) || p;
      human.out(`A/B: ${outcome.pairs.length} pair(s) (${outcome.stoppedBecause}); runs: ${outcome.pairs.map((p) => `${p.order} ${path.basename(p.a.runDir)} ${path.basename(p.b.runDir)}`).join('; ')}`);
      human.out(`results: ${rel(verdictRun.runDir)}/ (result.json with the A/B verdict, ${AB_FILE}, report.md, report.html, junit.xml)`);
      if (verdictRun.unwritten.length > 0) io.err(`not written:\n${verdictRun.unwritten.map((u) => `  ${u}`).join('\n')}`);
      // Stopped early, the verdict of the whole pairs so far must not read as a finished gate.
      const code = failures.first !== null ? ExitCode.harnessFailed : interrupts.signal.aborted ? ExitCode.aborted : exitCodeForVerdict(verdictRun.result.verdict);
      return await output.finish(verdictRun.result, verdictRun.runDir, code);
    } finally {
      observer.close();
      detachFailures();
      dispose();
    }
  },
};

function parsePairs(text: string): number | 'auto' {
  if (text.trim() === 'auto') return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2 || n > 50) {
    throw new StresslabError('BAD_USAGE', `--pairs must be an integer from 2 to 50 or "auto", got ${JSON.stringify(text)}`, {
      hint: 'e.g. --pairs 3 (one pair estimates no noise), or --pairs auto --max-pairs 10',
    });
  }
  return n;
}

/** One build from its flags: a URL, a start command (with the scenario's start settings), or the embedded service with its env. */
function buildOf(side: 'a' | 'b', args: AbArgs, loaded: LoadedScenario): { build: AbBuild; targetUrl: string | undefined; targetStart: ResolvedTargetStart | undefined } {
  const flag = (name: string): string => `--${side}-${name}`;
  const url = args[`${side}-url`];
  const command = args[`${side}-start`];
  const env = parseEnv(args[`${side}-env`], flag('env'));
  if (url !== undefined && !url.includes('{{')) checkUrl(url, flag('url'));
  const scenarioTarget = loaded.scenario.target;
  let targetStart: ResolvedTargetStart | undefined;
  if (command !== undefined) {
    const targetUrl = url ?? scenarioTarget.url;
    if (targetUrl === 'embedded') {
      throw new StresslabError('BAD_USAGE', `${flag('start')} needs the URL its service listens on`, {
        hint: `add ${flag('url')} "http://127.0.0.1:{{port}}" (and PORT={{port}} in ${flag('env')}), or give the scenario a target.url`,
      });
    }
    const base = scenarioTarget.start;
    const parsed = targetStartSchema.safeParse({ command });
    if (!parsed.success) throw new StresslabError('BAD_USAGE', `${flag('start')}: ${parsed.error.issues[0]?.message ?? 'invalid command'}`, { hint: 'it takes {{port}} and {{env NAME}}' });
    targetStart = {
      ...(base ?? { ...parsed.data, health: scenarioTarget.health }),
      command: parsed.data.command,
      env: { ...(base?.env ?? {}), ...env },
      reuseExisting: false,
    };
  } else if (url !== undefined && Object.keys(env).length > 0) {
    throw new StresslabError('BAD_USAGE', `${flag('env')} sets the environment of a process stresslab starts, but build ${side.toUpperCase()} is a running service (${flag('url')})`, {
      hint: `drop ${flag('env')}, or start the build with ${flag('start')}`,
    });
  }
  const label = targetStart !== undefined
    ? `\`${Array.isArray(targetStart.command) ? targetStart.command.join(' ') : targetStart.command}\`${Object.keys(env).length > 0 ? ` ${envText(env)}` : ''}`
    : url ?? `${scenarioTarget.url === 'embedded' ? 'the embedded reference service' : scenarioTarget.url}${Object.keys(env).length > 0 ? ` with ${envText(env)}` : ''}`;
  // The harness's own TARGET_* variables reach an embedded target as with `run`; the flag's win.
  const targetEnvOf = targetStart === undefined && url === undefined ? { ...targetEnv(), ...env } : {};
  return { build: { label, targetUrl: url, targetStart, targetEnv: targetEnvOf }, targetUrl: url, targetStart };
}

function parseEnv(pairs: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(p);
    if (m === null) throw new StresslabError('BAD_USAGE', `${flag} ${JSON.stringify(p)} is not KEY=VALUE`, { hint: `e.g. ${flag} TARGET_WORK_FACTOR=1.1` });
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

function envText(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
}
