import type { AnalysisParameters } from './baseline-schema.ts';
import { METRIC_BASES, gateMetrics } from '../analysis/gate-metrics.ts';

/** The analysis parameters a new baseline records (docs/regression-gate.md, docs/recovery.md). */
export function defaultAnalysisParameters(overrides: Partial<AnalysisParameters> = {}): AnalysisParameters {
  return {
    tolerancePct: 5,
    confidence: 0.9,
    method: 'welch',
    minBaselineRuns: 2,
    metricTolerancePct: {},
    floors: Object.fromEntries(METRIC_BASES.map((b) => [b, gateMetrics[b].floor])),
    machineCorrection: true,
    recovery: { onsetRunSec: 3, recoveryRunSec: 5, postWindowSec: 120 },
    ...overrides,
  };
}
