import type { AnalyzeOptions } from '../analysis/analyze-run.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export interface AnalysisSettings extends Pick<AnalyzeOptions, 'thresholds' | 'recovery'> {
  /** The health probe's period: the run uses it; analysis reads the one recorded. */
  probeIntervalMs: number;
}

/**
 * The scenario's analysis parameters: its thresholds, its recovery rules (ms) and the probe period.
 * The one place the runner and `stresslab report --reanalyze` read them from a scenario, so a
 * change of the scenario's types is adapted here once.
 */
export function analysisSettings(scenario: Scenario): AnalysisSettings {
  const r = scenario.recovery;
  return {
    thresholds: scenario.thresholds,
    recovery: {
      steadyStateWindowMs: r?.steadyStateWindowMs ?? 60_000,
      healthyBuckets: r?.healthyBuckets ?? 5,
      unhealthyBuckets: r?.unhealthyBuckets ?? 3,
      observationWindowMs: r?.observationWindowMs ?? 120_000,
      tolerances: r?.tolerances ?? {},
    },
    probeIntervalMs: r?.probeIntervalMs ?? 250,
  };
}
