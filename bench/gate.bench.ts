/**
 * Proof that the regression gate works (`npm run bench:gate`): a baseline of the light quick
 * scenario, then candidate runs alternating a target slowed with TARGET_WORK_FACTOR and an unchanged
 * one, each gated against the baseline. Prints how often each was flagged.
 * Goal: the slowed target flagged in ≥ 9 of 10 runs, the unchanged one in ≤ 1 of 10.
 * Knobs: BENCH_BASELINE_RUNS (5), BENCH_TRIALS (10), BENCH_WORK_FACTOR (1.1), BENCH_SCENARIO (light), BENCH_PROFILE (quick).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newBaseline } from '../harness/baseline/baseline-builder.ts';
import type { RunResult } from '../harness/analysis/run-result.ts';
import { harnessVersion } from '../harness/run/environment-fingerprint.ts';
import { runScenario } from '../harness/run/run-scenario.ts';
import type { RunOptions } from '../harness/run/run-scenario.ts';
import type { CliIo } from '../harness/cli/command.ts';

const baselineRuns = Number(process.env.BENCH_BASELINE_RUNS ?? 5);
const trials = Number(process.env.BENCH_TRIALS ?? 10);
const factor = process.env.BENCH_WORK_FACTOR ?? '1.1';
const scenario = process.env.BENCH_SCENARIO ?? 'light';
const profile = process.env.BENCH_PROFILE ?? 'quick';

const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-gate-bench-'));
const io: CliIo = { out: () => {}, err: (t) => process.stderr.write(`${t}\n`), isTTY: false, cwd: process.cwd() };
const base = { scenario, profile, envName: 'bench', outDir, io, signal: new AbortController().signal, history: false } satisfies Partial<RunOptions>;
let seed = 1000;

function gatedRegressions(r: RunResult): string[] {
  return r.reasons.filter((x) => x.includes('regressed'));
}

function line(label: string, r: RunResult): string {
  const t = r.totals;
  return `${label.padEnd(10)} p50 ${t.latencyMs.p50.toFixed(2)} ms  p95 ${t.latencyMs.p95.toFixed(2)} ms  rps ${t.rps.toFixed(0)}  → ${gatedRegressions(r).join('; ') || 'no gated regression'}`;
}

console.log(`gate bench: ${scenario} --profile ${profile}, baseline ${baselineRuns} runs, ${trials} trials each, TARGET_WORK_FACTOR=${factor}`);
const baselineResults: RunResult[] = [];
for (let i = 0; i < baselineRuns; i++) {
  const { result } = await runScenario({ ...base, seed: seed++, gate: null });
  baselineResults.push(result);
  console.log(line(`baseline ${i + 1}`, result));
}
const baseline = newBaseline(baselineResults, { nowIso: new Date().toISOString(), harnessVersion });

let slowedFlagged = 0;
let unchangedFlagged = 0;
for (let i = 0; i < trials; i++) {
  // Alternate the contenders so drifting machine load hits both alike.
  const slowed = await runScenario({ ...base, seed: seed++, gate: { baseline, options: {} }, targetEnv: { TARGET_WORK_FACTOR: factor } });
  if (gatedRegressions(slowed.result).length > 0) slowedFlagged++;
  console.log(line(`slowed ${i + 1}`, slowed.result));
  const same = await runScenario({ ...base, seed: seed++, gate: { baseline, options: {} } });
  if (gatedRegressions(same.result).length > 0) unchangedFlagged++;
  console.log(line(`same ${i + 1}`, same.result));
}
console.log(`\nslowed by TARGET_WORK_FACTOR=${factor}: flagged ${slowedFlagged}/${trials} (goal ≥ ${Math.ceil(trials * 0.9)})`);
console.log(`unchanged:                      flagged ${unchangedFlagged}/${trials} (goal ≤ ${Math.floor(trials * 0.1)})`);
await fs.rm(outDir, { recursive: true, force: true });
