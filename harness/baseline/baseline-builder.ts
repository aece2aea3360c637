import type { RunResult } from '../contract/run-result.ts';
import { describeTargetExit, targetDied } from '../contract/target-exit.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { defaultAnalysisParameters } from './analysis-defaults.ts';
import { baselineMetrics } from './baseline-metrics.ts';
import { BASELINE_SCHEMA_VERSION } from './baseline-schema.ts';
import type { AnalysisParameters, Baseline, BaselineRun } from './baseline-schema.ts';

/** How many runs a baseline keeps: enough to estimate noise, recent enough to follow the system. */
export const MAX_BASELINE_RUNS = 20;

/**
 * A run whose target died measured a dead port (refusals at the rate of the harness's retries):
 * as a baseline it would make every later healthy run look like a regression or hide one. Refused
 * whatever its verdict says (a re-analysis with other thresholds can pass it).
 */
function refuseDeadTarget(results: readonly RunResult[]): void {
  const dead = results.filter((r) => targetDied(r.targetExits));
  if (dead.length === 0) return;
  const why = dead.map((r) => `${r.runId} (${(r.targetExits ?? []).filter((x) => !x.expected).map(describeTargetExit).join('; ')})`);
  throw new StresslabError('BAD_BASELINE', `the target died during ${why.join(', ')}: a run against a dead target cannot be a baseline`, {
    hint: 'record the baseline from runs whose target stayed up (see targetExits in result.json)',
  });
}

function toBaselineRun(result: RunResult): BaselineRun {
  const { metrics, samples } = baselineMetrics(result);
  return { runId: result.runId, startedAt: result.startedAt, fingerprintHash: result.environment.fingerprintHash, metrics: { ...metrics }, samples: { ...samples } };
}

/** A new baseline from one or more runs of the same scenario in the same environment (pure). */
export function newBaseline(results: readonly RunResult[], opts: { nowIso: string; harnessVersion: string; analysis?: Partial<AnalysisParameters> }): Baseline {
  const last = results[results.length - 1];
  if (last === undefined) throw new RangeError('newBaseline needs at least one run');
  refuseDeadTarget(results);
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    createdAt: opts.nowIso,
    updatedAt: opts.nowIso,
    harnessVersion: opts.harnessVersion,
    scenario: { name: last.scenario.name, hash: last.scenario.hash },
    environment: machineOf(last),
    analysis: defaultAnalysisParameters(opts.analysis),
    runs: results.map(toBaselineRun).slice(-MAX_BASELINE_RUNS),
  };
}

/**
 * Promotes runs into an existing baseline: appended (a run already there is not added twice), the
 * oldest dropped beyond MAX_BASELINE_RUNS. A changed scenario hash starts the runs afresh, since
 * the old runs measured a different workload.
 */
export function addRuns(baseline: Baseline, results: readonly RunResult[], opts: { nowIso: string; harnessVersion: string }): Baseline {
  const last = results[results.length - 1];
  if (last === undefined) return baseline;
  refuseDeadTarget(results);
  const sameWorkload = last.scenario.hash === baseline.scenario.hash;
  const kept = sameWorkload ? baseline.runs : [];
  const known = new Set(kept.map((r) => r.runId));
  const added = results.filter((r) => !known.has(r.runId)).map(toBaselineRun);
  return {
    ...baseline,
    updatedAt: opts.nowIso,
    harnessVersion: opts.harnessVersion,
    scenario: { name: last.scenario.name, hash: last.scenario.hash },
    environment: machineOf(last),
    runs: [...kept, ...added].slice(-MAX_BASELINE_RUNS),
  };
}

/** The baseline's environment is the machine's identity; its speed per run lives in runs[].metrics.calibrationUs. */
function machineOf(result: RunResult): Baseline['environment'] {
  const { name, fingerprint, fingerprintHash } = result.environment;
  return { name, fingerprint, fingerprintHash };
}
