import path from 'node:path';
import { analyzeRunWithSeries } from '../analysis/analyze-run.ts';
import type { RunGateOutcome } from '../analysis/analyze-run.ts';
import { compareRuns } from '../analysis/regression-compare.ts';
import type { RegressionComparison } from '../analysis/regression-compare.ts';
import { sequentialDesign, undecidedGated } from '../analysis/sequential-design.ts';
import type { SequentialDesign } from '../analysis/sequential-design.ts';
import { baselineMetrics } from '../baseline/baseline-metrics.ts';
import { defaultAnalysisParameters } from '../baseline/analysis-defaults.ts';
import type { RunResult } from '../contract/run-result.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { writeReports } from '../report/write-reports.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';
import { analysisSettings } from './analysis-settings.ts';
import { readRunRecord } from './read-run-record.ts';
import { reportDataFrom } from './report-data-from.ts';
import { runScenario } from './run-scenario.ts';
import type { RunOptions, RunOutcome } from './run-scenario.ts';

/**
 * `stresslab ab` (docs/regression-gate.md, "Interleaved A/B"): the same scenario against build A
 * (the last release) and build B (the candidate), alternating A B, B A, A B… so that both builds
 * see the same machine, pair by pair. Both runs of a pair use the same seed (the same request
 * sequence). The verdict is the paired change B/A per metric (paired-interval.ts), judged with the
 * baseline gate's tolerance, floors and verdict words; it is written into the newest B run's
 * result.json and reports (the run directory the CLI names), with ab.json beside it listing every
 * pair. With `pairs: 'auto'` pairs are added while a gated metric is undecided, up to `maxPairs`,
 * each look at a Bonferroni share of the error rate (sequential-design.ts).
 */

export interface AbBuild {
  /** How the report names the build, e.g. `TARGET_WORK_FACTOR=1.1` or the URL. */
  label: string;
  targetUrl?: string | undefined;
  targetStart?: ResolvedTargetStart | undefined;
  /** Environment of an embedded target (or merged into a start command's). */
  targetEnv: Record<string, string>;
}

export interface AbOptions {
  /** Everything a run takes but the build, the seed and the gate. */
  run: Omit<RunOptions, 'targetUrl' | 'targetStart' | 'targetEnv' | 'gate' | 'previousResults' | 'history'>;
  a: AbBuild;
  b: AbBuild;
  /** A number of pairs, or 'auto': from `minPairs` until every gated metric is decided or `maxPairs`. */
  pairs: number | 'auto';
  minPairs?: number;
  maxPairs?: number;
  tolerancePct?: number | undefined;
  metricTolerancePct?: Readonly<Record<string, number>> | undefined;
  blindFails?: boolean;
  /** Told before each run starts (the CLI prints it). */
  onRun?: (info: { pair: number; build: 'A' | 'B'; index: number; planned: number | null }) => void;
}

export interface AbRunRef {
  runId: string;
  runDir: string;
  verdict: RunResult['verdict'];
  generatorSaturated: boolean;
  /** The machine's speed during the run (µs of CPU per calibration unit), when the target was local. */
  calibrationUs: number | null;
}

export interface AbPair {
  pair: number;
  order: 'AB' | 'BA';
  a: AbRunRef;
  b: AbRunRef;
}

export interface AbOutcome {
  /** The newest B run, judged by the paired comparison: its verdict is the A/B verdict. */
  verdictRun: RunOutcome;
  pairs: AbPair[];
  comparisons: RegressionComparison[];
  design: SequentialDesign;
  /** Why the runs stopped: `fixed`, `decided`, `max-pairs`, `interrupted` (Ctrl-C or a failed run). */
  stoppedBecause: 'fixed' | 'decided' | 'max-pairs' | 'interrupted';
}

export const AB_FILE = 'ab.json';

export async function runAb(opts: AbOptions): Promise<AbOutcome | null> {
  const minPairs = opts.pairs === 'auto' ? (opts.minPairs ?? 3) : opts.pairs;
  const maxPairs = opts.pairs === 'auto' ? Math.max(minPairs, opts.maxPairs ?? 10) : opts.pairs;
  const design = sequentialDesign(minPairs, maxPairs, defaultAnalysisParameters().confidence);
  const compare = (a: readonly RunResult[], b: readonly RunResult[]): RegressionComparison[] =>
    compareRuns(a.map(baselineMetrics), b.map(baselineMetrics), {
      design: 'paired',
      confidence: design.confidence,
      minBaselineRuns: 2,
      ...(opts.tolerancePct === undefined ? {} : { tolerancePct: opts.tolerancePct }),
      ...(opts.metricTolerancePct === undefined ? {} : { metricTolerancePct: opts.metricTolerancePct }),
    });
  const resultsA: RunResult[] = [];
  const resultsB: RunResult[] = [];
  const pairs: AbPair[] = [];
  let lastB: RunOutcome | null = null;
  let stoppedBecause: AbOutcome['stoppedBecause'] = opts.pairs === 'auto' ? 'max-pairs' : 'fixed';
  let index = 0;
  for (let pair = 0; pair < maxPairs; pair++) {
    // A B, then B A: a drift over the job (a machine warming up, a neighbour starting) hits both builds alike.
    const order: Array<'A' | 'B'> = pair % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
    const done: Partial<Record<'A' | 'B', RunOutcome>> = {};
    for (const side of order) {
      if (opts.run.signal.aborted || opts.run.failures?.first != null) break;
      const build = side === 'A' ? opts.a : opts.b;
      opts.onRun?.({ pair: pair + 1, build: side, index: ++index, planned: opts.pairs === 'auto' ? null : 2 * opts.pairs });
      done[side] = await runScenario({
        ...opts.run,
        plan: { ...opts.run.plan, seed: opts.run.plan.seed + pair },
        targetUrl: build.targetUrl,
        targetStart: build.targetStart,
        targetEnv: build.targetEnv,
        gate: null,
        // A/B runs alternate two builds: as a nightly trend they would be noise.
        history: false,
      });
    }
    const a = done.A;
    const b = done.B;
    if (a === undefined || b === undefined) {
      if (b !== undefined) lastB = b;
      stoppedBecause = 'interrupted';
      break;
    }
    resultsA.push(a.result);
    resultsB.push(b.result);
    lastB = b;
    pairs.push({
      pair: pair + 1,
      order: order[0] === 'A' ? 'AB' : 'BA',
      a: runRef(a),
      b: runRef(b),
    });
    if (opts.run.signal.aborted || opts.run.failures?.first != null) {
      stoppedBecause = 'interrupted';
      break;
    }
    if (opts.pairs === 'auto' && pairs.length >= minPairs && undecidedGated(compare(resultsA, resultsB)).length === 0) {
      stoppedBecause = 'decided';
      break;
    }
  }
  if (lastB === null) return null;
  const comparisons = resultsB.length > 0 ? compare(resultsA, resultsB) : [];
  const warnings = abWarnings(opts, pairs, design, stoppedBecause, comparisons);
  const gate: RunGateOutcome = { regressions: comparisons, warnings, blindFails: opts.blindFails === true, latencyJudgedPerRun: true };
  const verdictRun = await rejudge(lastB, gate, opts);
  await writeFileAtomic(path.join(verdictRun.runDir, AB_FILE), `${JSON.stringify(abSummary(opts, pairs, design, stoppedBecause, comparisons), null, 2)}\n`);
  return { verdictRun, pairs, comparisons, design, stoppedBecause };
}

function runRef(r: RunOutcome): AbRunRef {
  return {
    runId: r.result.runId,
    runDir: r.runDir,
    verdict: r.result.verdict,
    generatorSaturated: r.result.generatorSaturated === true,
    calibrationUs: r.result.environment.calibration?.unitCpuUs ?? null,
  };
}

/** The newest B run's result and reports again, with the paired comparison as its gate. */
async function rejudge(run: RunOutcome, gate: RunGateOutcome, opts: AbOptions): Promise<RunOutcome> {
  const record = await readRunRecord(run.runDir);
  const settings = analysisSettings(opts.run.loaded.scenario);
  const { result, series } = analyzeRunWithSeries(record, { thresholds: settings.thresholds, recovery: settings.recovery, gate: () => gate });
  await writeReports(run.runDir, reportDataFrom(result, series, record.timeline));
  return { ...run, result };
}

function abWarnings(opts: AbOptions, pairs: readonly AbPair[], design: SequentialDesign, stopped: AbOutcome['stoppedBecause'], comparisons: readonly RegressionComparison[]): string[] {
  const out = [`A/B: build A ${opts.a.label}, build B ${opts.b.label}; ${pairs.length} pair(s) run alternately (AB, BA, …); the regressions compare B with A pair by pair at ${(design.confidence * 100).toFixed(design.looks > 1 ? 2 : 0)} % confidence${design.looks > 1 ? ` (${design.looks} looks share the 10 % error rate)` : ''}`];
  if (stopped === 'max-pairs') {
    const open = undecidedGated(comparisons);
    if (open.length > 0) out.push(`A/B: still undecided after the maximum of ${design.maxRuns} pairs: ${open.join(', ')}`);
  }
  const saturated = pairs.filter((p) => p.a.generatorSaturated || p.b.generatorSaturated).map((p) => p.pair);
  if (saturated.length > 0) out.push(`A/B: the load generator saturated in pair(s) ${saturated.join(', ')}: their latency is left out of the comparison (both runs of each), the other metrics stand`);
  if (stopped === 'interrupted') out.push(`A/B: stopped after ${pairs.length} whole pair(s); only whole pairs are compared`);
  return out;
}

function abSummary(opts: AbOptions, pairs: readonly AbPair[], design: SequentialDesign, stopped: AbOutcome['stoppedBecause'], comparisons: readonly RegressionComparison[]) {
  return {
    a: opts.a.label,
    b: opts.b.label,
    design: { ...design, order: 'alternating AB, BA', stoppedBecause: stopped },
    pairs,
    comparisons: comparisons.map(({ metric, baseline, current, changePct, ciLowPct, ciHighPct, verdict, gated, mdcPct, runsNeeded, note }) => ({
      metric, a: baseline, b: current, changePct, ciLowPct, ciHighPct, verdict, gated, mdcPct, pairsNeeded: runsNeeded, note,
    })),
  };
}
