import type { AnalysisParameters } from './baseline-schema.ts';
import { METRIC_BASES, gateMetrics } from '../analysis/gate-metrics.ts';
import { recoverySchema } from '../scenario/schema-chaos.ts';

/** The analysis parameters a new baseline records (docs/regression-gate.md, docs/recovery.md). */
export function defaultAnalysisParameters(overrides: Partial<AnalysisParameters> = {}): AnalysisParameters {
  // The recovery rules a scenario gets when it does not set them: defined once, by its schema.
  const recovery = recoverySchema.parse({});
  return {
    tolerancePct: 5,
    confidence: 0.9,
    method: 'welch',
    minBaselineRuns: 2,
    metricTolerancePct: {},
    floors: Object.fromEntries(METRIC_BASES.map((b) => [b, gateMetrics[b].floor])),
    machineCorrection: true,
    recovery: { onsetRunSec: recovery.unhealthyForMs / 1000, recoveryRunSec: recovery.healthyForMs / 1000, postWindowSec: recovery.observationWindowMs / 1000 },
    ...overrides,
  };
}
