import type { AnalyzeOptions } from '../analysis/analyze-run.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export interface AnalysisSettings extends Pick<AnalyzeOptions, 'thresholds' | 'recovery'> {
  /** The health probe's period: the run uses it; analysis reads the one recorded. */
  probeIntervalMs: number;
}

/**
 * The scenario's analysis parameters, as its schema resolved them (every default already applied):
 * what the runner and `stresslab report --reanalyze` hand to the analysis.
 */
export function analysisSettings(scenario: Scenario): AnalysisSettings {
  const { probeIntervalMs, ...recovery } = scenario.recovery;
  return { thresholds: scenario.thresholds, recovery, probeIntervalMs };
}
