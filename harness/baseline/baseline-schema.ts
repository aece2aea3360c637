import * as z from 'zod';
import { fingerprintSchema } from '../contract/run-result.ts';

/**
 * `baselines/<env>/<scenario>.json` (docs/regression-gate.md, section Baselines): identity,
 * environment, the analysis parameters the comparison uses, and every baseline run's metrics
 * individually, so the noise between runs can be estimated (averages alone cannot give it).
 * Strict: unknown keys are an error.
 */
export const BASELINE_SCHEMA_VERSION = 1;

const metricValues = z.record(z.string(), z.number().nullable());

export const baselineRunSchema = z.strictObject({
  runId: z.string().min(1),
  startedAt: z.iso.datetime(),
  /** The run's own fingerprint hash, so runs from another machine are visible. */
  fingerprintHash: z.string().optional(),
  /** Metric key (analysis/gate-metrics.ts) → value; null when the run had none (e.g. MTTR with a fault that never recovered). */
  metrics: metricValues,
  /** Metric key → how many samples stand behind the value (requests, injections). */
  samples: z.record(z.string(), z.number().int().nonnegative()),
});
export type BaselineRun = z.infer<typeof baselineRunSchema>;

export const analysisParametersSchema = z.strictObject({
  /** Relative tolerance of the regression gate, in percent. */
  tolerancePct: z.number().positive().max(100),
  /** Two-sided confidence level of the change interval. */
  confidence: z.number().gt(0).lt(1),
  method: z.enum(['welch', 'bootstrap']),
  minBaselineRuns: z.number().int().min(1),
  /** Per metric key or base: tolerance in percent. */
  metricTolerancePct: z.record(z.string(), z.number().positive().max(1000)),
  /** Per metric base: absolute floors in force when the baseline was recorded. */
  floors: z.record(z.string(), z.number().nonnegative()),
  /**
   * Correct latency for the machine's speed (the runs' calibrationUs) when every run has one.
   * Absent in baselines written before it existed: true.
   */
  machineCorrection: z.boolean().default(true),
  /** The recovery rules in seconds (recovery.unhealthyFor and healthyFor; whole seconds in baselines written before they were durations). */
  recovery: z.strictObject({
    onsetRunSec: z.number().positive(),
    recoveryRunSec: z.number().positive(),
    postWindowSec: z.number().positive(),
  }),
});
export type AnalysisParameters = z.infer<typeof analysisParametersSchema>;

export const baselineSchema = z.strictObject({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  harnessVersion: z.string(),
  scenario: z.strictObject({ name: z.string().min(1), hash: z.string() }),
  environment: z.strictObject({ name: z.string().min(1), fingerprint: fingerprintSchema, fingerprintHash: z.string() }),
  analysis: analysisParametersSchema,
  runs: z.array(baselineRunSchema).min(1),
});
export type Baseline = z.infer<typeof baselineSchema>;
