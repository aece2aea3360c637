import type { RegressionComparison } from './regression-compare.ts';

/**
 * Runs added until decided (`--runs auto`, `stresslab ab --pairs auto`; docs/regression-gate.md,
 * "Runs added until decided"): the gate looks after `minRuns` runs and after every further run up
 * to `maxRuns`, and stops as soon as every gated metric is decided. Looking again and again at
 * growing data inflates the false-alarm rate (three looks at 5 % each flag ~10 % of builds sitting
 * exactly at the tolerance), so the error rate is split evenly over the looks (Bonferroni): each look
 * uses a two-sided interval at 1 − (1 − confidence)/looks. The union bound makes the chance of a
 * false regression at any look at most the nominal one-sided (1 − confidence)/2, whatever the
 * correlation between looks (checked by simulation in test/unit/analysis/sequential-design.test.ts).
 * Conservative next to Pocock or O'Brien–Fleming boundaries, but exact to state and needs no table.
 */

export interface SequentialDesign {
  minRuns: number;
  maxRuns: number;
  /** How many times the gate may look: maxRuns − minRuns + 1. */
  looks: number;
  /** Two-sided confidence of every look's interval. */
  confidence: number;
  /** The confidence the design keeps over all its looks. */
  nominalConfidence: number;
}

export function sequentialDesign(minRuns: number, maxRuns: number, nominalConfidence: number): SequentialDesign {
  const looks = Math.max(1, maxRuns - minRuns + 1);
  return { minRuns, maxRuns, looks, confidence: 1 - (1 - nominalConfidence) / looks, nominalConfidence };
}

/** The gated metrics more runs could still decide (suspect, blind, an interval across the tolerance, no data). */
export function undecidedGated(comparisons: readonly RegressionComparison[]): string[] {
  return comparisons.filter((c) => c.gated && !c.decided).map((c) => c.metric);
}
