/**
 * Proof that the regression gate works (`npm run bench:gate`), the way a nightly job uses it: every
 * run is its own `stresslab run` process. First a baseline (BENCH_BASELINE_RUNS runs promoted with
 * `stresslab baseline update`), then trials that alternate the reference service slowed with
 * TARGET_WORK_FACTOR and an unchanged one, each `stresslab run --baseline FILE --runs
 * BENCH_CANDIDATE_RUNS`. A trial is flagged when the gate fails it (exit code 1 with a gated regression).
 * Goal: the slowed service flagged in ≥ 9 of 10 trials, the unchanged one in ≤ 1 of 10.
 *
 * Knobs: BENCH_BASELINE_RUNS (10), BENCH_TRIALS (10), BENCH_CANDIDATE_RUNS (3), BENCH_WORK_FACTOR (1.1),
 * BENCH_SCENARIO (light), BENCH_PROFILE (quick), BENCH_KEEP=1 (keep the run directories). About (baseline + 2 × trials × candidate runs) × 50 s.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../harness/analysis/stats/order-stats.ts';
import { cpuMsPerRequest } from '../harness/analysis/resource-summary.ts';
import type { RunResult } from '../harness/contract/run-result.ts';

const baselineRuns = Number(process.env.BENCH_BASELINE_RUNS ?? 10);
const trials = Number(process.env.BENCH_TRIALS ?? 10);
const candidateRuns = Number(process.env.BENCH_CANDIDATE_RUNS ?? 3);
const factor = process.env.BENCH_WORK_FACTOR ?? '1.1';
const scenario = process.env.BENCH_SCENARIO ?? 'light';
const profile = process.env.BENCH_PROFILE ?? 'quick';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'stresslab.mjs');
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-gate-bench-'));
const env = 'gate-bench';

/** Runs the CLI; resolves with its exit code (0 or 1), rejects on anything else with its output. */
function stresslab(args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-semi-space-size=32', cli, ...args], { cwd: work, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function readResult(dir: string): Promise<RunResult> {
  return JSON.parse(await fs.readFile(path.join(dir, 'result.json'), 'utf8')) as RunResult;
}

function describe(r: RunResult): string {
  const gated = r.regressions.filter((x) => x.verdict === 'regression');
  const change = (metric: string, label: string): string => {
    const c = r.regressions.find((x) => x.metric === metric);
    return c ? `  ${label} ${c.changePct?.toFixed(1)} % [${c.ciLowPct?.toFixed(1)}, ${c.ciHighPct?.toFixed(1)}]` : '';
  };
  const cal = r.environment.calibration ? `  calibration ${r.environment.calibration.unitCpuUs.toFixed(0)} µs` : '';
  const cpu = cpuMsPerRequest(r.resources.target, r.totals.requests);
  const cpuText = cpu === null ? '' : `  cpu/req ${cpu.toFixed(4)} ms`;
  return `p50 ${r.totals.latencyMs.p50.toFixed(2)} ms  rps ${r.totals.rps.toFixed(0)}${cpuText}${cal}${change('p50Ms', 'p50')}${change('targetCpuMsPerRequest', 'cpu/req')}  regressions: ${gated.map((x) => x.metric).join(', ') || 'none'}`;
}

const runArgs = ['run', scenario, '--profile', profile, '--env', env, '--out', 'reports'];
console.log(`gate bench: ${scenario} --profile ${profile}; baseline ${baselineRuns} runs; ${trials} trials per contender of ${candidateRuns} run(s); TARGET_WORK_FACTOR=${factor}; in ${work}`);

for (let i = 0; i < baselineRuns; i++) {
  await stresslab([...runArgs, '--no-baseline']);
  const [dir] = await newestRunDirs(1);
  console.log(`baseline ${String(i + 1).padStart(2)}  ${describe(await readResult(dir!))}`);
}
await stresslab(['baseline', 'update', ...(await newestRunDirs(baselineRuns)), '--env', env]);
const baselineFile = path.join(work, 'baselines', env, `${scenario}${profile === 'full' ? '' : `.${profile}`}.json`);
await fs.access(baselineFile);

const flagged = { slowed: 0, unchanged: 0 };
const p50Changes: Record<keyof typeof flagged, number[]> = { slowed: [], unchanged: [] };
const cpuChanges: Record<keyof typeof flagged, number[]> = { slowed: [], unchanged: [] };
for (let i = 0; i < trials; i++) {
  // Alternate the contenders so whatever the machine does over the hour hits both alike.
  for (const contender of ['slowed', 'unchanged'] as const) {
    const extraEnv: Record<string, string> = contender === 'slowed' ? { TARGET_WORK_FACTOR: factor } : { TARGET_WORK_FACTOR: '1' };
    const code = await stresslab([...runArgs, '--baseline', baselineFile, '--runs', String(candidateRuns)], extraEnv);
    const [dir] = await newestRunDirs(1);
    const result = await readResult(dir!);
    const isFlagged = code === 1 && result.regressions.some((x) => x.verdict === 'regression');
    if (isFlagged) flagged[contender]++;
    const p50 = result.regressions.find((x) => x.metric === 'p50Ms')?.changePct;
    if (typeof p50 === 'number') p50Changes[contender].push(p50);
    const cpu = result.regressions.find((x) => x.metric === 'targetCpuMsPerRequest')?.changePct;
    if (typeof cpu === 'number') cpuChanges[contender].push(cpu);
    console.log(`${contender.padEnd(9)} ${String(i + 1).padStart(2)}  exit ${code}  ${describe(result)}`);
  }
}

console.log('');
console.log(`slowed (TARGET_WORK_FACTOR=${factor}): flagged ${flagged.slowed}/${trials} (goal ≥ ${Math.ceil(trials * 0.9)}); median corrected change: p50 ${median(p50Changes.slowed).toFixed(1)} %, target CPU per request ${median(cpuChanges.slowed).toFixed(1)} %`);
console.log(`unchanged:                     flagged ${flagged.unchanged}/${trials} (goal ≤ ${Math.floor(trials * 0.1)}); median corrected change: p50 ${median(p50Changes.unchanged).toFixed(1)} %, target CPU per request ${median(cpuChanges.unchanged).toFixed(1)} %`);
if (process.env.BENCH_KEEP === '1') console.log(`kept ${work}`);
else await fs.rm(work, { recursive: true, force: true });
