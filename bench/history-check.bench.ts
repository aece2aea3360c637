/**
 * What `stresslab history check` finds in nightly series (docs/change-points.md), measured on
 * simulated nights: BENCH_SERIES series (500) of 60 nights of p95 with 3 % lognormal noise from
 * night to night, stepping up at night 40 by 0 % (no step), 2 %, 5 % (the goal) and 10 %.
 *
 * Goal (issue 17): a 5 % step found within 3 nights of its start in ≥ 9 of 10 series, and no change
 * point in ≥ 9 of 10 series without a step. Also printed, for each step size:
 * - how often the check's verdict on the 60 nights is a regression (exit 1);
 * - the detection delay: run the check each night as the history grows (nights 41, 42, …, 60) and
 *   count the nights of the step in the history when it first shows the change point (within 3
 *   nights of 40), and when it first says regression;
 * - for no step, how many series would have failed a nightly job at least once over nights 12–60.
 *
 * Knobs: BENCH_SERIES (500), BENCH_SEED (17), BENCH_NOISE (0.03). Pure computation, about 10–20 s.
 */
import { median } from '../harness/analysis/stats/order-stats.ts';
import { createRng, gaussian } from '../harness/core/seeded-rng.ts';
import { historyChangePoints, type HistoryMetricResult } from '../harness/report/history-change-points.ts';
import type { HistoryLine } from '../harness/report/history-line.ts';

const seriesCount = Number(process.env.BENCH_SERIES ?? 500);
const seed = Number(process.env.BENCH_SEED ?? 17);
const noise = Number(process.env.BENCH_NOISE ?? 0.03);
const NIGHTS = 60;
const STEP_AT = 40;
const NEAR = 3;
const steps = [0, 0.02, 0.05, 0.1];

/** A history line with only p95 varying: the rest of the fields as a nightly run writes them. */
function line(i: number, p95Ms: number): HistoryLine {
  const startedAt = new Date(Date.UTC(2025, 0, 1 + i, 2)).toISOString();
  return {
    schemaVersion: 1, runId: `night-${i}`, scenario: 'light', profile: null, scenarioHash: 'h', environment: 'bench', fingerprintHash: 'f',
    startedAt, endedAt: startedAt, gitSha: `sha${i}`, verdict: 'pass', requests: 6000, rps: 100, errorRate: 0, droppedIterations: 0,
    p50Ms: 3, p95Ms, p99Ms: 20, maxMs: 50, mttrSec: null, notRecovered: 0, lost: null, thresholdsFailed: 0, regressions: 0,
  };
}

function p95Check(lines: readonly HistoryLine[]): HistoryMetricResult {
  const m = historyChangePoints(lines, { metrics: ['p95Ms'] }).groups[0]?.metrics[0];
  if (!m) throw new Error('no p95 result');
  return m;
}

const nearStep = (m: HistoryMetricResult): boolean => m.changePoints.some((c) => Math.abs(Number(c.runId.slice('night-'.length)) - STEP_AT) <= NEAR);
const pct = (n: number): string => `${n}/${seriesCount} (${((100 * n) / seriesCount).toFixed(1)} %)`;
const fmtMedian = (xs: number[]): string => (xs.length === 0 ? '–' : `${median(xs)} nights (${xs.length} series)`);

console.log(`history check bench: ${seriesCount} series × ${NIGHTS} nights, step at night ${STEP_AT}, ${(noise * 100).toFixed(0)} % lognormal noise, seed ${seed}`);
console.log('check defaults: windows of 50 runs, p ≤ 0.001, shift ≥ 2.5 % (half the tolerance), 6 runs on each side, tolerance 5 %');
const started = performance.now();
const rng = createRng(seed);
for (const step of steps) {
  let located = 0;
  let anyChange = 0;
  let regression = 0;
  let everFailed = 0;
  const delayFound: number[] = [];
  const delayRegression: number[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const lines = Array.from({ length: NIGHTS }, (_, i) => line(i, 10 * (i >= STEP_AT ? 1 + step : 1) * Math.exp(noise * gaussian(rng))));
    const full = p95Check(lines);
    if (full.changePoints.length > 0) anyChange++;
    if (full.verdict === 'regression') regression++;
    if (step === 0) {
      // The nightly job runs the check after every night: would it have failed on any of them?
      for (let n = 12; n <= NIGHTS; n++) {
        if (p95Check(lines.slice(0, n)).verdict === 'regression') {
          everFailed++;
          break;
        }
      }
      continue;
    }
    if (nearStep(full)) located++;
    let firstFound: number | null = null;
    let firstRegression: number | null = null;
    for (let k = 1; k <= NIGHTS - STEP_AT && (firstFound === null || firstRegression === null); k++) {
      const m = p95Check(lines.slice(0, STEP_AT + k));
      if (firstFound === null && nearStep(m)) firstFound = k;
      if (firstRegression === null && m.verdict === 'regression') firstRegression = k;
    }
    if (firstFound !== null) delayFound.push(firstFound);
    if (firstRegression !== null) delayRegression.push(firstRegression);
  }
  if (step === 0) {
    console.log(`\nno step:  any change point ${pct(anyChange)} (goal ≤ ${Math.floor(seriesCount * 0.1)}); regression verdict ${pct(regression)}; a nightly check failing at least once over nights 12–${NIGHTS}: ${pct(everFailed)}`);
  } else {
    const goal = step === 0.05 ? ` (goal ≥ ${Math.ceil(seriesCount * 0.9)})` : '';
    console.log(`\n${(step * 100).toFixed(0)} % step: found within ${NEAR} nights of its start ${pct(located)}${goal}; any change point ${pct(anyChange)}; regression verdict ${pct(regression)}`);
    console.log(`          checked every night from night 41: median delay (nights of the step in the history) until the change point shows ${fmtMedian(delayFound)}, until a regression verdict ${fmtMedian(delayRegression)}`);
  }
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
