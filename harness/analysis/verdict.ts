import { ExitCode } from '../core/exit-codes.ts';
import type { FaultResult, Integrity, RegressionResult, ThresholdResult, Verdict } from '../contract/run-result.ts';
import { metricSpecFor } from './gate-metrics.ts';
import { describeTargetExit } from '../contract/target-exit.ts';
import type { TargetExit } from '../contract/target-exit.ts';

/**
 * The run's verdict from everything the analysis found. `aborted` wins (exit 3) and still lists
 * the failures seen before the abort; otherwise any failure makes `fail` (exit 1). Failures:
 * a target that exited without a fault asking for it, a threshold that did not pass, a
 * `regression` on a gated metric, lost or duplicated executions, a fault that never recovered, an
 * invalid steady state (and a `blind` gated metric where the scenario says so). Suspect regressions,
 * ungated regressions, gated metrics without data or blind, and stuck executions are warnings: reported, not failing. The harness's own failure (`error`, exit 5)
 * is applied over this verdict by failure-verdict.ts.
 */

export interface VerdictInput {
  /** Why the run was aborted (abort condition, Ctrl-C), or null. */
  abortReason: string | null;
  /** The steady state before the first fault; null without faults. */
  steadyState: { valid: boolean; reason: string | null } | null;
  thresholds: readonly ThresholdResult[];
  /** `gated` from regression-compare; without it the metric catalogue decides. */
  regressions: readonly (RegressionResult & { gated?: boolean })[];
  /** A `blind` gated metric fails the run instead of warning (the scenario's `baseline.blind: "fail"`). */
  blindFails?: boolean;
  integrity: Integrity | null;
  faults: readonly FaultResult[];
  /** Exits of the managed target during the load; those no fault asked for fail the run (absent: none known). */
  targetExits?: readonly TargetExit[];
  /**
   * Why the run could not show what it was meant to (a fault without observable effect, …): the
   * verdict is `inconclusive` when nothing failed; listed after the failures otherwise.
   */
  inconclusive?: readonly string[];
}

export interface VerdictOutcome {
  verdict: Verdict;
  reasons: string[];
  warnings: string[];
}

/** The CLI's exit code for a verdict: the one place the two meet. */
export function exitCodeForVerdict(verdict: Verdict): ExitCode {
  switch (verdict) {
    case 'pass':
      return ExitCode.ok;
    case 'fail':
    case 'inconclusive':
      return ExitCode.gateFailed;
    case 'aborted':
      return ExitCode.aborted;
    case 'error':
      return ExitCode.harnessFailed;
  }
}

export function decideVerdict(input: VerdictInput): VerdictOutcome {
  const reasons = [...targetExitReasons(input), ...steadyStateReasons(input), ...thresholdReasons(input), ...regressionReasons(input), ...integrityReasons(input), ...faultReasons(input)];
  const warnings = warningsOf(input);
  const inconclusive = [...integrityInconclusive(input), ...(input.inconclusive ?? [])];
  if (input.abortReason !== null) {
    return { verdict: 'aborted', reasons: [`aborted: ${input.abortReason}`, ...reasons, ...inconclusive], warnings };
  }
  if (reasons.length > 0) return { verdict: 'fail', reasons: [...reasons, ...inconclusive], warnings };
  return inconclusive.length > 0 ? { verdict: 'inconclusive', reasons: inconclusive, warnings } : { verdict: 'pass', reasons: [], warnings };
}

/** A target that died is the first thing to know: every other failure of the run follows from it. */
function targetExitReasons(i: VerdictInput): string[] {
  return (i.targetExits ?? []).filter((x) => !x.expected).map(describeTargetExit);
}

function steadyStateReasons(i: VerdictInput): string[] {
  const s = i.steadyState;
  return s !== null && !s.valid ? [`experiment invalid: ${s.reason ?? 'the steady state before the first fault was not met'}`] : [];
}

function thresholdReasons(i: VerdictInput): string[] {
  return i.thresholds.filter((t) => !t.pass).map((t) =>
    t.actual === null ? `threshold ${t.metric} ${t.expression} had no data` : `threshold ${t.metric} ${t.expression} failed (actual ${round(t.actual)})`,
  );
}

function isGated(r: RegressionResult & { gated?: boolean }): boolean {
  return r.gated ?? metricSpecFor(r.metric)?.gated ?? false;
}

function regressionReasons(i: VerdictInput): string[] {
  const regressed = i.regressions.filter((r) => r.verdict === 'regression' && isGated(r)).map((r) => `${r.metric} regressed: ${changeText(r)}`);
  return i.blindFails === true ? [...regressed, ...blindTexts(i)] : regressed;
}

/** Gated metrics whose comparison could not have seen a change of the tolerance's size. */
function blindTexts(i: Pick<VerdictInput, 'regressions'>): string[] {
  return i.regressions.filter((r) => r.verdict === 'blind' && isGated(r)).map((r) => {
    const seen = r.mdcPct === undefined || r.mdcPct === null ? 'more than the tolerance' : `${r.mdcPct.toFixed(1)} %`;
    const runs = r.runsNeeded === undefined ? '' : r.runsNeeded === null ? '; more than 100 runs per side would be needed' : `; ${r.runsNeeded} runs per side (pairs for ab) would do`;
    return `${r.metric} is blind: the smallest change the gate could see is ${seen} (${changeText(r)}${runs})`;
  });
}

function integrityReasons(i: VerdictInput): string[] {
  const g = i.integrity;
  if (g === null) return [];
  const out: string[] = [];
  if (g.lost !== null && g.lost > 0) out.push(`${g.lost} of ${g.accepted} accepted executions were lost`);
  if (g.duplicated !== null && g.duplicated > 0) out.push(`${g.duplicated} executions ran more than once`);
  return out;
}

/** An audit that could not be completed cannot say nothing was lost: the run cannot pass. */
function integrityInconclusive(i: VerdictInput): string[] {
  const g = i.integrity;
  return g !== null && g.status === 'error' ? [`the integrity audit could not be completed: ${g.reason ?? 'unknown error'}`] : [];
}

function faultReasons(i: VerdictInput): string[] {
  return i.faults.filter((f) => !f.recovered).map((f) => `fault ${f.name} (${f.kind}) never recovered within the observation window`);
}

function warningsOf(i: VerdictInput): string[] {
  const out = worseTexts(i.regressions);
  if (i.blindFails !== true) out.push(...blindTexts(i));
  if (i.integrity !== null && i.integrity.stuck !== null && i.integrity.stuck > 0) out.push(`${i.integrity.stuck} executions were not in a terminal state after the grace period`);
  out.push(...noDataWarnings(i));
  return out;
}

/** Suspect and reported-only regressions: warnings, never failures. */
function worseTexts(regressions: VerdictInput['regressions']): string[] {
  return regressions
    .filter((r) => r.verdict === 'suspect' || (r.verdict === 'regression' && !isGated(r)))
    .map((r) => `${r.metric} ${r.verdict === 'suspect' ? 'may have regressed (suspect)' : 'regressed (not gated)'}: ${changeText(r)}`);
}

/**
 * Every warning a run's regressions can add to `warnings`, word for word: what the reports' regression
 * table already shows row by row, so they fold it into that table's details instead of listing it again.
 */
export function regressionWarningTexts(regressions: VerdictInput['regressions']): string[] {
  const input = { regressions };
  return [...worseTexts(regressions), ...blindTexts(input), ...noDataWarnings(input)];
}

/**
 * A gated metric the gate could not judge (too few baseline runs or samples, no value in this run)
 * is a gate that is silently off: say which, so a pass is not read as "no regression".
 */
function noDataWarnings(i: Pick<VerdictInput, 'regressions'>): string[] {
  const silent = i.regressions.filter((r) => r.verdict === 'no-data' && isGated(r)).map((r) => r.metric);
  if (silent.length === 0) return [];
  const why = 'too few baseline runs or samples, or no value in this run';
  if (silent.length <= 3) return silent.map((m) => `gated metric ${m} has no data: the regression gate did not judge it (${why})`);
  return [`${silent.length} gated metrics have no data, the regression gate did not judge them (${why}): ${silent.join(', ')}`];
}

/**
 * `4.563 → 4.919 (raw +7.8 %), +14.5 % at equal machine speed (90 % CI …)`: a corrected change is
 * said to be one, next to the raw change of the medians it was corrected from. Uncorrected (and in
 * results written before the raw change was kept) the text is as it always was.
 */
function changeText(r: RegressionResult): string {
  const pct = (v: number | null): string => (v === null ? '?' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`);
  const ci = r.ciLowPct === null || r.ciHighPct === null ? '' : ` (90 % CI ${pct(r.ciLowPct)} … ${pct(r.ciHighPct)})`;
  const corrected = r.correction === 'machine-speed' || r.correction === 'paired';
  const raw = corrected && r.rawChangePct !== undefined ? ` (raw ${pct(r.rawChangePct)})` : '';
  const how = r.correction === 'machine-speed' ? ' at equal machine speed' : r.correction === 'paired' ? ' over the pairs' : '';
  return `${round(r.baseline)} → ${round(r.current)}${raw}, ${pct(r.changePct)}${how}${ci}`;
}

function round(v: number | null): string {
  if (v === null) return '?';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}
