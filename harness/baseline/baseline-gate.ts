import type { RunResult } from '../contract/run-result.ts';
import { compareRuns } from '../analysis/regression-compare.ts';
import type { RegressionComparison } from '../analysis/regression-compare.ts';
import { baselineMetrics } from './baseline-metrics.ts';
import type { Baseline } from './baseline-schema.ts';
import type { SequentialDesign } from '../analysis/sequential-design.ts';

export interface GateOptions {
  /** --tolerance: overrides the baseline's recorded tolerance for every metric without its own. */
  tolerancePct?: number | undefined;
  /** The scenario's `baseline.metrics` tolerances, by metric key or base. */
  metricTolerancePct?: Readonly<Record<string, number>> | undefined;
  /** The scenario's `baseline.blind: "fail"`: a blind gated metric fails the run. */
  blindFails?: boolean | undefined;
  /** `--runs auto`: every look's interval at the design's confidence, which splits the error rate over its looks. */
  sequential?: SequentialDesign | undefined;
}

export interface GateOutcome {
  regressions: RegressionComparison[];
  warnings: string[];
  blindFails: boolean;
  /** Always true: baselineMetrics leaves out a saturated run's latency, run by run. */
  latencyJudgedPerRun: true;
}

/**
 * The regression gate: the candidate run(s) against every baseline run, metric by metric
 * (docs/regression-gate.md). Pure; the caller decides the exit code from `gated` regressions.
 */
export function gateAgainstBaseline(baseline: Baseline, current: readonly RunResult[], opts: GateOptions = {}): GateOutcome {
  const last = current[current.length - 1];
  const blindFails = opts.blindFails === true;
  if (last === undefined) return { regressions: [], warnings: [], blindFails, latencyJudgedPerRun: true };
  const warnings: string[] = [];
  const fingerprintMismatch = baseline.environment.fingerprintHash !== last.environment.fingerprintHash;
  if (fingerprintMismatch) {
    warnings.push(
      `the baseline was recorded on another environment (fingerprint ${baseline.environment.fingerprintHash}, this run ${last.environment.fingerprintHash}); differences may come from the machine, not the code`,
    );
  }
  if (baseline.scenario.hash !== last.scenario.hash) {
    warnings.push(`the scenario changed since the baseline was recorded (hash ${baseline.scenario.hash} → ${last.scenario.hash}); re-record it with \`stresslab baseline record\``);
  }
  const a = baseline.analysis;
  const seq = opts.sequential;
  if (seq !== undefined && seq.looks > 1) {
    warnings.push(`--runs auto: look ${current.length} of at most ${seq.looks}; each look's interval is at ${(seq.confidence * 100).toFixed(1)} % so that all looks together keep the ${(seq.nominalConfidence * 100).toFixed(0)} % of a single one (docs/regression-gate.md)`);
  }
  const regressions = compareRuns(baseline.runs, current.map(baselineMetrics), {
    tolerancePct: opts.tolerancePct ?? a.tolerancePct,
    metricTolerancePct: { ...a.metricTolerancePct, ...(opts.metricTolerancePct ?? {}) },
    confidence: opts.sequential?.confidence ?? a.confidence,
    method: a.method === 'bootstrap' ? 'welch' : a.method,
    minBaselineRuns: a.minBaselineRuns,
    machineCorrection: a.machineCorrection,
    // The floors in force when the baseline was recorded, like its tolerance: a harness upgrade
    // that changes a default must not silently change an existing gate.
    floors: a.floors,
    fingerprintMismatch,
  });
  return { regressions, warnings, blindFails, latencyJudgedPerRun: true };
}
