import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { BODIES_FILE, exportK6Script, TEXT_SUMMARY_TYPES_FILE } from '../k6/export-script.ts';
import { importK6Summaries } from '../k6/import-summary.ts';
import { k6Fingerprint } from '../k6/k6-fingerprint.ts';
import { exportNote } from '../k6/export-note.ts';
import { CONFIGMAP_LIMIT_BYTES, operatorManifests } from '../k6/operator-manifest.ts';
import { readK6Summary, readOutJson } from '../k6/read-k6-inputs.ts';
import { reportDataFrom } from '../run/report-data-from.ts';
import { writeReports } from '../report/write-reports.ts';
import { writeJsonAtomic } from '../core/atomic-write.ts';
import { exitCodeForVerdict } from '../analysis/verdict.ts';
import { harnessVersion } from '../core/version.ts';
import { fingerprintHash } from '../run/environment-fingerprint.ts';
import { newRunId } from '../run/run-id.ts';
import { loadPlan } from '../plan/load-plan.ts';
import type { CliIo, StresslabCommand } from './command.ts';
import { formatSummaryTable } from './summary-table.ts';
import { fixedTargetUrl } from '../scenario/schema-target.ts';
import { presetNames } from '../scenario/scenario-files.ts';
import type { CheckResults } from '../contract/check-results.ts';
import { expectedScenario, matchScenario, scenarioMismatchError } from '../k6/k6-scenario-match.ts';
import type { ExactPoints } from '../k6/out-json-points.ts';
import type { K6Summary } from '../k6/summary-formats.ts';

/** The k6 checks in one line: totals, then the checks that failed. */
function checksLine(c: CheckResults): string {
  const failed = c.byName.filter((x) => x.fails > 0).map((x) => `"${x.name}" ${x.fails} failed`);
  const rate = c.rate === null ? 'none evaluated' : `${(c.rate * 100).toFixed(2)} % held`;
  return `checks: ${c.passes} passed, ${c.fails} failed (${rate})${failed.length > 0 ? `; ${failed.join(', ')}` : ''}`;
}

/**
 * Exit 2 when `--scenario` is not the scenario the input was made by, naming the presets whose
 * phases and requests are the input's (loaded only on this error path).
 */
async function refuseOtherScenario(scenario: Parameters<typeof expectedScenario>[0], summaries: readonly K6Summary[], exact: ExactPoints | null, cwd: string): Promise<void> {
  const match = matchScenario(expectedScenario(scenario), summaries, exact);
  if (match.verdict !== 'none') return;
  const fits: string[] = [];
  for (const preset of await presetNames()) {
    const other = await loadPlan(preset, { cwd, profile: undefined, seed: 0 }).catch(() => null);
    if (other !== null && matchScenario(expectedScenario({ ...other.loaded, plan: other.plan }), summaries, exact).verdict === 'match') fits.push(preset);
  }
  throw scenarioMismatchError(scenario.scenario.name, match, fits);
}

export interface K6Args {
  action: string;
  inputs: string[];
  out: string | undefined;
  parallelism: number;
  profile: string | undefined;
  scenario: string | undefined;
  outJson: string[] | undefined;
  env: string;
  baseUrl: string | undefined;
}

export const k6Command: StresslabCommand<K6Args> = {
  builder: (y: Argv) =>
    y
      .positional('action', { type: 'string', choices: ['export', 'import'], describe: 'export or import' })
      .positional('inputs', { type: 'string', array: true, describe: 'export: a preset name or scenario file; import: k6 summary JSON files or runner-pod logs' })
      .option('out', { type: 'string', describe: 'export: output folder (default k6/<scenario>); import: reports root (default reports)' })
      .option('parallelism', { type: 'number', default: 1, describe: 'export: runner pods in the TestRun' })
      .option('profile', { type: 'string', describe: 'Scenario profile, e.g. quick or full' })
      .option('base-url', { type: 'string', describe: 'export: BASE_URL of the system under test for the runner pods' })
      .option('scenario', { type: 'string', describe: 'import: the scenario the script came from (names phases and requests, restores thresholds)' })
      .option('out-json', { type: 'string', array: true, describe: 'import: k6 --out json NDJSON files (.gz ok) of all pods, for exact percentiles' })
      .option('env', { type: 'string', default: 'k6', describe: 'import: environment name recorded in result.json (selects baselines/<env>/)' }) as unknown as Argv<K6Args>,
  examples: [
    ['stresslab k6 export spike --parallelism 4 --out k6/spike', 'script.ts, configmap.yaml and testrun.yaml for 4 k6-operator runner pods'],
    ['stresslab k6 import pod-1.log pod-2.log --scenario spike', 'Merge two pods\' summaries into reports/spike/<run-id>/result.json'],
    ['stresslab k6 import summary.json --scenario spike --out-json out-1.json.gz out-2.json.gz', 'Exact percentiles from the pods\' --out json points'],
  ],
  async run(args, io) {
    if (args.action === 'export') return runExport(args, io);
    if (args.action === 'import') return runImport(args, io);
    throw new StresslabError('BAD_USAGE', `unknown k6 action "${args.action}"`, { hint: 'use `stresslab k6 export <scenario>` or `stresslab k6 import <summary.json...>`' });
  },
};

async function runExport(args: K6Args, io: CliIo): Promise<ExitCode> {
  const [name, ...extra] = args.inputs;
  if (name === undefined || extra.length > 0) throw new StresslabError('BAD_USAGE', 'k6 export takes one scenario', { hint: 'e.g. stresslab k6 export spike --out k6/spike' });
  if (!Number.isInteger(args.parallelism) || args.parallelism < 1) {
    throw new StresslabError('BAD_USAGE', `--parallelism must be a positive integer, got ${args.parallelism}`, { hint: 'e.g. --parallelism 4' });
  }
  const { loaded, plan } = await loadPlan(name, { cwd: io.cwd, profile: args.profile, seed: 0 });
  const exported = exportK6Script(loaded, plan, { generator: `stresslab ${harnessVersion}` });
  const outDir = path.resolve(io.cwd, args.out ?? path.join('k6', loaded.scenario.name));
  const baseUrl = args.baseUrl ?? fixedTargetUrl(loaded.scenario.target);
  const manifests = operatorManifests({
    scenarioName: loaded.scenario.name, parallelism: args.parallelism, scriptFile: 'script.ts', script: exported.script, files: { [BODIES_FILE]: exported.bodies }, baseUrl,
  });
  await mkdir(outDir, { recursive: true });
  const files: [string, string][] = [
    ['script.ts', exported.script],
    [BODIES_FILE, exported.bodies],
    [TEXT_SUMMARY_TYPES_FILE, exported.textSummaryTypes],
    ['configmap.yaml', manifests.configMap],
    ['testrun.yaml', manifests.testRun],
    ['README.md', exportNote(loaded.scenario.name, exported, manifests, args.parallelism)],
  ];
  for (const [file, text] of files) {
    await writeFile(path.join(outDir, file), text);
    io.out(`wrote ${path.relative(io.cwd, path.join(outDir, file)) || file}`);
  }
  if (Buffer.byteLength(manifests.configMap) > CONFIGMAP_LIMIT_BYTES) {
    io.err('warning: configmap.yaml is over 1 MiB, which Kubernetes refuses; mount the script from a volume instead (see README.md)');
  }
  for (const f of exported.faultsLeftOut) {
    io.out(`left out fault ${f.name} (${f.kind}) at ${f.injectAtMs / 1000}s for ${(f.removeAtMs - f.injectAtMs) / 1000}s: k6 only makes load; run faults with stresslab (README "k6")`);
  }
  for (const t of exported.thresholdsLeftOut) io.out(`left out ${t.from === 'abort' ? 'abort condition' : 'threshold'} ${t.metric}: ${t.expression} (only stresslab measures it)`);
  for (const a of exported.aborts) io.out(`abort condition ${a.metric} "${a.condition}" → k6 threshold "${a.threshold}" with abortOnFail`);
  return ExitCode.ok;
}

async function runImport(args: K6Args, io: CliIo): Promise<ExitCode> {
  if (args.inputs.length === 0) throw new StresslabError('BAD_USAGE', 'name at least one k6 summary file', { hint: 'e.g. stresslab k6 import summary.json --scenario spike' });
  const summaries = [];
  for (const f of args.inputs) summaries.push(await readK6Summary(path.resolve(io.cwd, f)));
  const planned = args.scenario === undefined ? null : await loadPlan(args.scenario, { cwd: io.cwd, profile: args.profile, seed: 0 });
  const scenario = planned === null ? null : { ...planned.loaded, plan: planned.plan };
  const outJson = (args.outJson ?? []).map((f) => path.resolve(io.cwd, f));
  const exact = outJson.length > 0 ? await readOutJson(outJson) : null;
  if (exact !== null && exact.badLines > 0) io.err(`warning: ${exact.badLines} lines of the --out json files were not JSON and were skipped`);
  if (scenario !== null) await refuseOtherScenario(scenario, summaries, exact?.points ?? null, io.cwd);
  const fingerprint = k6Fingerprint(summaries.length);
  const now = Date.now();
  const result = importK6Summaries({
    summaries,
    exact: exact?.points ?? null,
    scenario,
    runId: newRunId(now),
    nowEpochMs: now,
    environment: { name: args.env, fingerprint, fingerprintHash: fingerprintHash(fingerprint) },
    targetUrl: null,
  });
  const runDir = path.join(path.resolve(io.cwd, args.out ?? 'reports'), result.scenario.name, result.runId);
  await writeJsonAtomic(path.join(runDir, 'result.json'), result);
  await writeReports(runDir, reportDataFrom(result, []), { formats: ['md', 'html', 'junit'] });
  io.out(formatSummaryTable(result));
  for (const t of result.thresholds) io.out(`${t.pass ? '✓' : '✗'} ${t.metric}: ${t.expression} (actual ${t.actual ?? 'no data'})`);
  if (result.checks) io.out(checksLine(result.checks));
  // On stderr, so a user piping stdout still sees that the import is doubtful.
  for (const w of result.warnings) io.err(`warning: ${w}`);
  io.out(`verdict: ${result.verdict.toUpperCase()}${result.reasons.length ? ` — ${result.reasons.join('; ')}` : ''}`);
  io.out(`results: ${path.relative(io.cwd, runDir) || runDir}`);
  return exitCodeForVerdict(result.verdict);
}
