/**
 * Proof that the regression gates work (`npm run bench:gate`, issue 17 item 5), the way CI uses them:
 * every command is its own `stresslab` process against the embedded reference service, with
 * TARGET_WORK_FACTOR as the planted change (1 = unchanged, 1.05 ≈ 5 % slower, 1.1 ≈ 10 % slower).
 *
 * - `run` against a stored baseline (BENCH_MODES contains run): a baseline of BENCH_BASELINE_RUNS runs
 *   promoted with `stresslab baseline update`, then per trial and factor `stresslab run --baseline FILE
 *   --runs BENCH_CANDIDATE_RUNS`.
 * - `ab` (BENCH_MODES contains ab): per trial and factor `stresslab ab --pairs BENCH_PAIRS --b-env
 *   TARGET_WORK_FACTOR=f` (for f = 1, B differs from A only by a variable the service ignores).
 * A trial is flagged when the command exits 1 with a gated regression. Factors alternate within each
 * trial so whatever the machine does over the hours hits every factor alike. The end prints, per mode,
 * the false-alarm rate on the unchanged target and the power at 5 % and 10 %, with the median change
 * and the median detectable change of p50 and of the target's CPU per request.
 * Goals (ab, 3 pairs): 10 % flagged ≥ 9/10, unchanged ≤ 1/10, 5 % ≥ 5/10.
 *
 * Knobs: BENCH_MODES (run,ab), BENCH_TRIALS (10), BENCH_FACTORS (1,1.05,1.1), BENCH_PAIRS (3),
 * BENCH_BASELINE_RUNS (10), BENCH_CANDIDATE_RUNS (3), BENCH_SCENARIO (light), BENCH_PROFILE (quick),
 * BENCH_KEEP=1 (keep the run directories). A light quick run takes ~55 s: the default is about
 * (10 + 10 × 3 × 3) × 55 s for run and 10 × 3 × 6 × 55 s for ab, ~9 hours; BENCH_TRIALS=3 about 3.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../harness/analysis/stats/order-stats.ts';
import { cpuMsPerRequest } from '../harness/analysis/resource-summary.ts';
import type { RunResult } from '../harness/contract/run-result.ts';

const modes = (process.env.BENCH_MODES ?? 'run,ab').split(',').map((m) => m.trim()).filter(Boolean);
const baselineRuns = Number(process.env.BENCH_BASELINE_RUNS ?? 10);
const trials = Number(process.env.BENCH_TRIALS ?? 10);
const candidateRuns = Number(process.env.BENCH_CANDIDATE_RUNS ?? 3);
const pairs = Number(process.env.BENCH_PAIRS ?? 3);
const factors = (process.env.BENCH_FACTORS ?? '1,1.05,1.1').split(',').map((f) => f.trim());
const scenario = process.env.BENCH_SCENARIO ?? 'light';
const profile = process.env.BENCH_PROFILE ?? 'quick';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'stresslab.mjs');
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-gate-bench-'));
const env = 'gate-bench';

/** Runs the CLI; resolves with its exit code (0 or 1), rejects on anything else with its output. */
function stresslab(args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: work, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === null || code > 1) reject(new Error(`stresslab ${args.join(' ')} exited with ${code}\n${stderr}\n${stdout.slice(-2000)}`));
      else resolve(code);
    });
  });
}

/** The newest `count` run directories (run ids sort by start time), oldest first. */
async function newestRunDirs(count: number): Promise<string[]> {
  const root = path.join(work, 'reports', scenario);
  const dirs = (await fs.readdir(root)).sort();
  return dirs.slice(-count).map((d) => path.join(root, d));
}

/** The run directory that carries an A/B verdict: the newest with ab.json. */
async function newestAbDir(): Promise<string> {
  for (const dir of (await newestRunDirs(1000)).reverse()) {
    if (await fs.access(path.join(dir, 'ab.json')).then(() => true, () => false)) return dir;
  }
  throw new Error('no run directory with ab.json');
}

async function readResult(dir: string): Promise<RunResult> {
  return JSON.parse(await fs.readFile(path.join(dir, 'result.json'), 'utf8')) as RunResult;
}

function describe(r: RunResult): string {
  const gated = r.regressions.filter((x) => x.verdict === 'regression' && x.gated !== false);
  const change = (metric: string, label: string): string => {
    const c = r.regressions.find((x) => x.metric === metric);
    return c ? `  ${label} ${c.changePct?.toFixed(1)} % [${c.ciLowPct?.toFixed(1)}, ${c.ciHighPct?.toFixed(1)}] mdc ${c.mdcPct?.toFixed(1) ?? '–'} % ${c.verdict}` : '';
  };
  const cal = r.environment.calibration ? `  calibration ${r.environment.calibration.unitCpuUs.toFixed(0)} µs` : '';
  const cpu = cpuMsPerRequest(r.resources.target, r.totals.requests);
  const cpuText = cpu === null ? '' : `  cpu/req ${cpu.toFixed(4)} ms`;
  return `p50 ${r.totals.latencyMs.p50.toFixed(2)} ms  rps ${r.totals.rps.toFixed(0)}${cpuText}${cal}${change('p50Ms', 'p50')}${change('targetCpuMsPerRequest', 'cpu/req')}  regressions: ${gated.map((x) => x.metric).join(', ') || 'none'}`;
}

interface Tally {
  flagged: number;
  trials: number;
  p50: number[];
  p50Mdc: number[];
  cpu: number[];
  cpuMdc: number[];
}
const tallies = new Map<string, Tally>();
function tally(mode: string, factor: string, code: number, result: RunResult): void {
  const key = `${mode} ${factor}`;
  const t = tallies.get(key) ?? { flagged: 0, trials: 0, p50: [], p50Mdc: [], cpu: [], cpuMdc: [] };
  t.trials++;
  if (code === 1 && result.regressions.some((x) => x.verdict === 'regression' && x.gated !== false)) t.flagged++;
  const push = (metric: string, into: number[], mdc: number[]): void => {
    const c = result.regressions.find((x) => x.metric === metric);
    if (typeof c?.changePct === 'number') into.push(c.changePct);
    if (typeof c?.mdcPct === 'number') mdc.push(c.mdcPct);
  };
  push('p50Ms', t.p50, t.p50Mdc);
  push('targetCpuMsPerRequest', t.cpu, t.cpuMdc);
  tallies.set(key, t);
}

const runArgs = ['run', scenario, '--profile', profile, '--env', env, '--reports-dir', 'reports'];
console.log(`gate bench: ${scenario} --profile ${profile}; modes ${modes.join(', ')}; ${trials} trials per factor (${factors.join(', ')}); run: baseline ${baselineRuns} runs, ${candidateRuns} candidate runs; ab: ${pairs} pairs; in ${work}`);

let baselineFile: string | null = null;
if (modes.includes('run')) {
  for (let i = 0; i < baselineRuns; i++) {
    await stresslab([...runArgs, '--no-baseline']);
    const [dir] = await newestRunDirs(1);
    console.log(`baseline ${String(i + 1).padStart(2)}  ${describe(await readResult(dir!))}`);
  }
  await stresslab(['baseline', 'update', ...(await newestRunDirs(baselineRuns)), '--env', env]);
  baselineFile = path.join(work, 'baselines', env, `${scenario}${profile === 'full' ? '' : `.${profile}`}.json`);
  await fs.access(baselineFile);
}

for (let i = 0; i < trials; i++) {
  for (const factor of factors) {
    if (baselineFile !== null) {
      const code = await stresslab([...runArgs, '--baseline', baselineFile, '--runs', String(candidateRuns)], { TARGET_WORK_FACTOR: factor });
      const [dir] = await newestRunDirs(1);
      const result = await readResult(dir!);
      tally('run', factor, code, result);
      console.log(`run ×${factor.padEnd(5)} ${String(i + 1).padStart(2)}  exit ${code}  ${describe(result)}`);
    }
    if (modes.includes('ab')) {
      const b = factor === '1' ? 'BENCH_BUILD=b' : `TARGET_WORK_FACTOR=${factor}`;
      const code = await stresslab(['ab', scenario, '--profile', profile, '--env', env, '--reports-dir', 'reports', '--pairs', String(pairs), '--b-env', b], { TARGET_WORK_FACTOR: '1' });
      const result = await readResult(await newestAbDir());
      tally('ab', factor, code, result);
      console.log(`ab  ×${factor.padEnd(5)} ${String(i + 1).padStart(2)}  exit ${code}  ${describe(result)}`);
    }
  }
}

console.log('');
const med = (xs: number[]): string => (xs.length === 0 ? '–' : `${median(xs).toFixed(1)} %`);
for (const [key, t] of tallies) {
  const [mode, factor] = key.split(' ');
  const what = factor === '1' ? 'unchanged: false alarms' : `×${factor}: flagged`;
  console.log(`${mode!.padEnd(3)} ${what.padEnd(24)} ${t.flagged}/${t.trials}  median change p50 ${med(t.p50)} (detectable ${med(t.p50Mdc)}), target CPU per request ${med(t.cpu)} (detectable ${med(t.cpuMdc)})`);
}
if (process.env.BENCH_KEEP === '1') console.log(`kept ${work}`);
else await fs.rm(work, { recursive: true, force: true });
