import type { AnalysisParameters } from './baseline-schema.ts';
import { METRIC_BASES, metricCatalogue } from '../analysis/metric-catalogue.ts';

/** The analysis parameters a new baseline records (measurement.md §1.9 and §2.7 defaults). */
export function defaultAnalysisParameters(overrides: Partial<AnalysisParameters> = {}): AnalysisParameters {
  return {
    tolerancePct: 5,
    confidence: 0.9,
    method: 'welch',
    minBaselineRuns: 2,
    metricTolerancePct: {},
    floors: Object.fromEntries(METRIC_BASES.map((b) => [b, metricCatalogue[b].floor])),
    machineCorrection: true,
    recovery: { onsetRunSec: 3, recoveryRunSec: 5, postWindowSec: 120 },
    ...overrides,
  };
}
