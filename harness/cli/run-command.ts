import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { RunResult } from '../contract/run-result.ts';
import { InterruptController } from '../run/interrupt-controller.ts';
import { guardTargets } from '../run/target-guard.ts';
import { randomSeed } from '../core/seeded-rng.ts';
import { describeTouches } from '../plan/describe-touches.ts';
import { formatPlanTable } from '../plan/format-plan-table.ts';
import { loadPlan } from '../plan/load-plan.ts';
import type { LoadedPlan } from '../plan/load-plan.ts';
import { askLine } from './ask-line.ts';
import { runScenario } from '../run/run-scenario.ts';
import type { RunOptions, RunOutcome } from '../run/run-scenario.ts';
import { RunFailures } from '../run/run-failures.ts';
import { exitCodeForVerdict } from '../analysis/verdict.ts';
import { resolveGate } from '../run/resolve-gate.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import { sequentialDesign, undecidedGated } from '../analysis/sequential-design.ts';
import { checkOutDir } from '../run/check-out-dir.ts';
import { checkPortsFree } from '../run/check-ports-free.ts';
import { checkToxiproxyReachable } from '../run/check-toxiproxy-reachable.ts';
import { checkStartCwd } from '../run/start-command-target.ts';
import { expectedOutputBytes } from '../run/expected-output-bytes.ts';
import { faultProxy, proxyProtocols } from '../faults/index.ts';
import { fillPort } from '../scenario/schema-target.ts';
import { parseSegment, segmentLabel } from '../load/execution-segment.ts';
import type { StresslabCommand, CliIo } from './command.ts';
import { liveObserver } from './live-observer.ts';
import { formatRunSummary } from './run-summary.ts';
import { outputOptions, outputTargetsOf, sendRunOutputs } from './output-option.ts';
import type { OutputFlags } from './output-option.ts';
import { reportsDirOf, reportsDirOptions } from './reports-dir-option.ts';
import type { ReportsDirFlags } from './reports-dir-option.ts';
import { summaryOptions, summaryOutput } from './summary-output.ts';
import type { SummaryFlags } from './summary-output.ts';

export interface RunArgs extends ReportsDirFlags, SummaryFlags, OutputFlags {
  scenario: string;
  target: string | undefined;
  profile: string | undefined;
  env: string;
  seed: number | undefined;
  baseline: string | boolean | undefined;
  tolerance: number | undefined;
  runs: string;
  'max-runs': number;
  toxiproxy: string | undefined;
  'allow-target': string[];
  yes: boolean;
  'dry-run': boolean;
  'target-pid': number | undefined;
  workers: number | undefined;
  segment: string | undefined;
  'start-at': string | undefined;
}

/** Environment variables handed to an embedded target (so `TARGET_WORK_FACTOR=1.1 stresslab run …` works). */
const TARGET_ENV_KEYS = ['TARGET_WORK_FACTOR', 'WORKERS', 'POOL_MAX', 'MAX_ATTEMPTS', 'LEASE_MS', 'TARGET_TEST_DROP_RATE', 'CHAOS_TOKEN'];

export const runCommand: StresslabCommand<RunArgs> = {
  builder: (y: Argv) =>
    outputOptions(summaryOptions(reportsDirOptions(y)))
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Preset name (see `stresslab list`) or a .json/.yaml file' })
      .option('target', { type: 'string', describe: 'Base URL of the system under test (overrides the scenario; default: the embedded reference service)' })
      .option('profile', { type: 'string', describe: 'Scenario profile, e.g. quick or full' })
      .option('env', { type: 'string', default: 'local', describe: 'Environment name: selects baselines/<env>/ and reports/<env>/history.jsonl' })
      .option('seed', { type: 'number', describe: 'Seed for templating ({{uuid}}, {{randInt}}) and request choice; random by default, recorded in result.json' })
      .option('baseline', { describe: 'Baseline file to gate against (default baselines/<env>/<scenario>.json when it exists); --no-baseline skips the gate' })
      .option('tolerance', { type: 'number', describe: 'Regression tolerance in percent (default: the baseline\'s, normally 5)' })
      .option('runs', { type: 'string', default: '1', describe: 'Run the candidate N times; the gate compares all N with the baseline (tighter interval). "auto": run again while a gated metric is undecided, up to --max-runs' })
      .option('max-runs', { type: 'number', default: 5, describe: 'With --runs auto: the most candidate runs (the error rate is split over the looks)' })
      .option('toxiproxy', { type: 'string', describe: 'A real Toxiproxy API URL for network/database faults (default: the scenario\'s, else the embedded one)' })
      .option('allow-target', { type: 'string', array: true, default: [], describe: 'Allow a non-loopback target or Toxiproxy host (repeatable); you are asked to confirm unless --yes' })
      .option('yes', { type: 'boolean', default: false, describe: 'Confirm a run against non-loopback hosts without asking (CI)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and everything the run would touch, then exit without sending anything' })
      .option('target-pid', { type: 'number', describe: 'Pid of a target on this machine given by --target, for its CPU and memory' })
      .option('workers', { type: 'number', describe: 'Load threads, each an execution segment of the load in a worker thread (default: the scenario\'s `workers`, else what the peak arrival rate needs, at most one per core)' })
      .option('segment', { type: 'string', describe: 'Run part i of N of the load (one per machine, 1-based, e.g. 2/3); part 1 injects the faults; judge the parts with `stresslab merge`' })
      .option('start-at', { type: 'string', describe: 'Start the load at this wall-clock time (ISO 8601, e.g. 2026-12-03T02:00:00Z, or epoch ms), so the parts of a load start together' }) as unknown as Argv<RunArgs>,
  examples: [
    ['stresslab run light --profile quick', 'The light preset, CI-sized, against the embedded target'],
    ['stresslab run scenarios/spike.json --target http://127.0.0.1:8080', 'A scenario file against a running service'],
    ['stresslab run light --profile quick --env ci --runs 3', 'Gate against baselines/ci/light.json with three candidate runs'],
    ['stresslab run chaos-db --profile quick --no-baseline', 'A chaos run without the regression gate'],
    ['stresslab run chaos-network --dry-run', 'What the run would touch, without running it'],
    ['stresslab run chaos-network --profile quick -o prometheus-rw=http://127.0.0.1:9090/api/v1/write -o openmetrics=reports/chaos.om.txt', "The run's metrics to Prometheus (remote-write) and to an OpenMetrics file"],
    ['stresslab run light --profile quick --json > summary.json', 'Only the summary document on stdout (verdict, totals, gated regressions, TTR); the live view on stderr'],
    ['STRESSLAB_PROFILE=quick stresslab run light --quiet --summary-export out/summary.json', 'A CI step: one verdict line, the summary document in a file'],
    ['stresslab run heavy --target http://10.0.0.5:8080 --allow-target 10.0.0.5 --yes --segment 2/3 --start-at 2026-12-03T02:00:00Z', 'Part 2 of a load run from three machines at once (merge the three run directories with `stresslab merge`)'],
    ['stresslab run chaos-network --target https://api.staging.example.com --toxiproxy http://toxiproxy.staging.example.com:8474 --allow-target api.staging.example.com --allow-target toxiproxy.staging.example.com --yes', 'Against a staging stack'],
  ],
  async run(args, io) {
    const seed = args.seed ?? randomSeed();
    if (!Number.isInteger(seed)) throw new StresslabError('BAD_USAGE', `--seed must be an integer, got ${args.seed}`, { hint: 'e.g. --seed 42' });
    const auto = String(args.runs).trim() === 'auto';
    const runs = auto ? args['max-runs'] : Number(args.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
      throw new StresslabError('BAD_USAGE', auto ? `--max-runs must be an integer from 1 to 100, got ${args['max-runs']}` : `--runs must be an integer from 1 to 100 or "auto", got ${JSON.stringify(args.runs)}`, { hint: 'e.g. --runs 3, or --runs auto --max-runs 5' });
    }
    if (args.tolerance !== undefined && !(args.tolerance > 0 && args.tolerance <= 100)) {
      throw new StresslabError('BAD_USAGE', `--tolerance must be a percentage in (0, 100], got ${args.tolerance}`, { hint: 'e.g. --tolerance 5' });
    }
    if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1 && args.workers <= 64)) {
      throw new StresslabError('BAD_USAGE', `--workers must be an integer from 1 to 64, got ${args.workers}`, { hint: 'e.g. --workers 2' });
    }
    const segment = args.segment === undefined ? undefined : parseSegment(args.segment);
    const part = segment !== undefined && segment.count > 1;
    if (part && (runs > 1 || auto)) throw new StresslabError('BAD_USAGE', '--runs and --segment do not go together: a part is gated only as one of the merged whole', { hint: 'run each part once, then `stresslab merge` the parts\' run directories' });
    if (part && typeof args.baseline === 'string') {
      throw new StresslabError('BAD_USAGE', '--baseline does not apply to a part (--segment): the gate judges the merged whole', { hint: `pass --baseline ${args.baseline} to \`stresslab merge\` instead` });
    }
    const reportsDir = reportsDirOf(args, io);
    const outputs = await outputTargetsOf(args, io);
    const output = summaryOutput(args, io, 'run');
    if (args.json && args['dry-run']) throw new StresslabError('BAD_USAGE', '--json summarises a run, and --dry-run runs nothing', { hint: 'drop --json to see the plan and what the run would touch' });
    const startAtEpochMs = args['start-at'] === undefined ? undefined : parseStartAt(args['start-at'], Date.now());
    if (args.target !== undefined) checkUrl(args.target, '--target');
    if (args.toxiproxy !== undefined) checkUrl(args.toxiproxy, '--toxiproxy');
    // Loaded and planned once, with the seed the run will use; every later step takes these.
    const planned = await loadPlan(args.scenario, { profile: args.profile, cwd: io.cwd, seed });
    if (!args['dry-run']) await output.check();
    const pre = await preflight(args, io, planned, runs, reportsDir);
    if (args['dry-run']) {
      io.out(pre);
      if (part && segment !== undefined) {
        io.out(`\npart ${segmentLabel(segment)}: sends its share of every phase (arrival k when k mod ${segment.count} = ${segment.index}; its share of VUs and iterations)${segment.index === 0 ? ', injects the faults for every part' : ', injects no faults (part 1 does)'}; thresholds and the gate judge the merged parts (\`stresslab merge\`)`);
      }
      return ExitCode.ok;
    }
    let rollback: () => Promise<void> = async () => {};
    // One renderer for everything printed during the run: the Ctrl-C notice goes through it too, so no redraw erases it.
    const observer = liveObserver(output.human, { healthyForMs: planned.loaded.scenario.recovery.healthyForMs, ...output.live });
    const interrupts = new InterruptController({ notify: (t) => observer.notice(t), rollback: () => rollback(), exit: (code) => process.exit(code) });
    const controller = { signal: interrupts.signal };
    const dispose = interrupts.attach(process);
    // From here on, an uncaught exception or rejection anywhere stops the run the way Ctrl-C does.
    const failures = new RunFailures();
    const detachFailures = failures.attach(process);
    try {
      const base: Omit<RunOptions, 'plan' | 'gate' | 'previousResults'> = {
        loaded: planned.loaded,
        targetUrl: args.target,
        toxiproxyUrl: args.toxiproxy,
        targetPid: args['target-pid'],
        workers: args.workers,
        segment,
        startAtEpochMs,
        envName: args.env,
        outDir: path.resolve(io.cwd, reportsDir),
        cwd: io.cwd,
        observer,
        signal: controller.signal,
        targetEnv: targetEnv(),
        onRollbackReady: (r) => (rollback = r),
        failures,
      };
      const resolved = await resolveGate({ loaded: planned.loaded, cwd: io.cwd, env: args.env, baseline: args.baseline, tolerancePct: args.tolerance });
      if (auto && resolved === null) {
        throw new StresslabError('BAD_USAGE', '--runs auto adds runs until the regression gate decides, but there is no baseline to compare with', {
          hint: `record one (\`stresslab baseline record ${args.scenario}\`) or name it with --baseline FILE; or give --runs N`,
        });
      }
      const sequential = auto && resolved !== null ? sequentialDesign(1, runs, resolved.baseline.analysis.confidence) : undefined;
      const gate = resolved === null ? null : { ...resolved, options: { ...resolved.options, sequential } };
      const results: RunResult[] = [];
      let last: RunOutcome | null = null;
      for (let i = 0; i < runs && !controller.signal.aborted && failures.first === null; i++) {
        if (runs > 1) output.human.out(auto ? `run ${i + 1} (at most ${runs})` : `run ${i + 1} of ${runs}`);
        last = await runScenario({ ...base, plan: { ...planned.plan, seed: seed + i }, gate, previousResults: results });
        results.push(last.result);
        // Each run's metrics go out once its result is written: a failed send is a warning, the verdict stands.
        await sendRunOutputs(output.human, last.runDir, outputs);
        if (gate !== null && sequential !== undefined) {
          const open = undecidedGated(gateAgainstBaseline(gate.baseline, results, gate.options).regressions);
          if (open.length === 0) break;
          if (i + 1 < runs) output.human.out(`undecided after ${i + 1} run(s): ${open.join(', ')}`);
        }
      }
      if (last === null) return ExitCode.aborted;
      printOutcome(output.human, last);
      return await output.finish(last.result, last.runDir, exitCodeForVerdict(last.result.verdict));
    } finally {
      observer.close();
      detachFailures();
      dispose();
    }
  },
};

function printOutcome(io: CliIo, { result, runDir, unwritten }: RunOutcome): void {
  io.out(formatRunSummary(result));
  io.out(`results: ${path.relative(io.cwd, runDir) || runDir}/ (result.json, timeline.jsonl, report.md, report.html, junit.xml)`);
  // Printed even when no file could take it: the verdict and what is missing reach the CI log.
  if (unwritten.length > 0) io.err(`not written:\n${unwritten.map((u) => `  ${u}`).join('\n')}`);
}

/** The harness's own TARGET_* (and similar) variables, handed to an embedded target. */
export function targetEnv(): Record<string, string> {
  return Object.fromEntries(TARGET_ENV_KEYS.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])));
}

/**
 * Before anything starts (PostgreSQL, the target, the load): the scenario is valid; --reports-dir is
 * created, writable and has room for the run's output; the fixed ports the scenario declares are
 * free; a non-loopback target or Toxiproxy is allowed and confirmed; a remote Toxiproxy answers.
 * A dry run sends nothing and writes nothing, so it skips all but the first. Returns the dry-run
 * text (plan and what the run would touch).
 */
async function preflight(args: RunArgs, io: CliIo, { loaded, plan }: LoadedPlan, runs: number, reportsDir: string): Promise<string> {
  const { scenario } = loaded;
  const targetUrl = args.target ?? scenario.target.url;
  const toxiproxyUrl = args.toxiproxy ?? scenario.toxiproxy?.url ?? null;
  // --target names a running service: the scenario's start command is then not run.
  const start = args.target === undefined ? scenario.target.start : undefined;
  const { conflicts } = proxyProtocols(plan.faults);
  if (conflicts.length > 0) {
    throw new StresslabError('BAD_SCENARIO', `${loaded.file}: a proxy cannot speak two protocols: ${conflicts.join('; ')}`, {
      file: loaded.file,
      hint: 'give the PostgreSQL faults (db-error, …) and the HTTP faults (http-error, …) different proxies: "db" fronts the database, "api" the service',
    });
  }
  const touches = describeTouches(plan, scenario, { targetUrl, toxiproxyUrl, embedded: targetUrl === 'embedded', start });
  if (args['dry-run']) return `${formatPlanTable(plan)}\n\n${touches}`;
  if (start !== undefined) checkStartCwd(start, loaded.file);
  await checkOutDir(path.resolve(io.cwd, reportsDir), { flag: '--reports-dir', neededBytes: expectedOutputBytes(plan, scenario.requests.length, runs) });
  // Same condition as the run's (run-scenario.ts): Toxiproxy is only in the path when something uses it.
  const proxied = plan.faults.some((f) => faultProxy(f) !== null) || scenario.proxies.length > 0;
  // The embedded Toxiproxy listens on this machine; a remote one on its own host, not checkable here.
  if (proxied && toxiproxyUrl === null) {
    await checkPortsFree(scenario.proxies.map((p, i) => ({ path: `proxies[${i}].listen`, listen: p.listen })), loaded.file);
  }
  await guardTargets(io, {
    // A {{port}} of target.start is a free port picked at the start; the host is what is checked.
    urls: [fillPort(targetUrl, 1), ...(toxiproxyUrl ? [toxiproxyUrl] : [])].filter((u) => u !== 'embedded'),
    allowTargets: [...args['allow-target'], ...(scenario.allowTargets ?? [])],
    yes: args.yes,
    isTTY: io.isTTY && Boolean(process.stdin.isTTY),
    ask: (q) => askLine(q),
  });
  // After the guard: a non-loopback Toxiproxy is contacted only once it is allowed.
  if (proxied && toxiproxyUrl !== null) {
    const needsProtocols = [...new Set(Object.values(proxyProtocols(plan.faults).protocols))];
    await checkToxiproxyReachable(toxiproxyUrl, args.toxiproxy !== undefined ? '--toxiproxy' : `${loaded.file} toxiproxy.url`, { needsProtocols });
  }
  return touches;
}

/**
 * `--start-at`: an ISO 8601 time with a zone, or epoch ms. Up to a minute in the past is allowed
 * (the load then starts at once and the run says how late); more, or more than a day ahead, is a typo.
 */
export function parseStartAt(text: string, nowMs: number): number {
  const ms = /^\d{12,14}$/.test(text.trim()) ? Number(text.trim()) : /(Z|[+-]\d\d:?\d\d)$/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  const hint = `e.g. --start-at ${new Date(Math.ceil((nowMs + 120_000) / 60_000) * 60_000).toISOString()} (a time with its zone) or --start-at ${Math.ceil((nowMs + 120_000) / 1000) * 1000}`;
  if (!Number.isFinite(ms)) throw new StresslabError('BAD_USAGE', `--start-at ${JSON.stringify(text)} is not an ISO 8601 time with a zone or epoch milliseconds`, { hint });
  if (ms < nowMs - 60_000) throw new StresslabError('BAD_USAGE', `--start-at ${new Date(ms).toISOString()} is ${((nowMs - ms) / 1000).toFixed(0)} s in the past`, { hint });
  if (ms > nowMs + 86_400_000) throw new StresslabError('BAD_USAGE', `--start-at ${new Date(ms).toISOString()} is more than a day ahead`, { hint });
  return ms;
}

export function checkUrl(url: string, flag: string): void {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new StresslabError('BAD_USAGE', `${flag} "${url}" is not an http(s) URL`, { hint: `e.g. ${flag} http://127.0.0.1:8080` });
  }
}
