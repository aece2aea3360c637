import * as z from 'zod';
import { failureWindowSchema } from './failure-window.ts';
import { faultEffectSchema } from './fault-evidence.ts';
import { errorKindsSchema } from './stats.ts';
import { regressionVerdictSchema, thresholdResultSchema, verdictSchema } from './run-result.ts';

/**
 * The machine-readable summary of a run (`stresslab run --json`, `--summary-export FILE`; also
 * `ab`, `merge` and `report --reanalyze`): the verdict, why, the exit code and the figures a CI
 * step branches on, in one small document, so a script needs neither the human summary nor the
 * full result.json. Rendered from the RunResult alone (report/render-summary-document.ts).
 * Fields keep their names and meaning; more may be added; `schemaVersion` changes when any changes.
 * Latency in milliseconds, times in seconds from the load's start, rates as fractions (0.01 = 1 %).
 */
export const SUMMARY_SCHEMA_VERSION = 1;

const nullableNumber = z.number().nullable();

export const summaryLatencySchema = z.strictObject({
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

export const summaryRegressionSchema = z.strictObject({
  metric: z.string(),
  verdict: regressionVerdictSchema,
  gated: z.boolean(),
  baseline: nullableNumber,
  current: nullableNumber,
  /** The change the verdict judges, in percent, corrected as `correction` says. */
  changePct: nullableNumber,
  /** current / baseline − 1 of the medians as measured, in percent; null when the result does not hold it. */
  rawChangePct: nullableNumber,
  /** What `changePct` is corrected for: `none`, `machine-speed` or `paired`; null when the result does not say. */
  correction: z.enum(['none', 'machine-speed', 'paired']).nullable(),
  ciLowPct: nullableNumber,
  ciHighPct: nullableNumber,
});
export type SummaryRegression = z.infer<typeof summaryRegressionSchema>;

export const summaryFaultSchema = z.strictObject({
  name: z.string(),
  kind: z.string(),
  injectedAtSec: z.number(),
  removedAtSec: z.number(),
  /** Time to detect and to recover, s; null when not detected / not recovered. */
  ttdSec: nullableNumber,
  ttrSec: nullableNumber,
  recovered: z.boolean(),
  /** Whether the injection had an observable effect; null when the result does not say. */
  effect: faultEffectSchema.nullable(),
});

/** A stretch of the run in which requests failed (contract/failure-window.ts), times in s from the load's start. */
export const summaryFailureWindowSchema = z.strictObject({
  ...failureWindowSchema.omit({ fromMs: true, toMs: true }).shape,
  fromSec: z.number().nonnegative(),
  toSec: z.number().nonnegative(),
});

/** Regressions as a document shows them: how many metrics were compared, what fails the run, what is reported only. */
export const summaryRegressionsSchema = z.strictObject({
  /** Metrics compared with a baseline (0: no gate ran). */
  compared: z.number().int().nonnegative(),
  /** Gated metrics that regressed: these fail the run. */
  gated: z.array(summaryRegressionSchema),
  /** Regressions and suspects that are reported only (not gated, or not certain): they do not fail the run. */
  reportedOnly: z.array(summaryRegressionSchema),
});

export const summaryDocumentSchema = z.strictObject({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  tool: z.literal('stresslab'),
  toolVersion: z.string(),
  /** The command that produced it: `run`, `ab`, `merge` or `report`. */
  command: z.string(),
  runId: z.string(),
  scenario: z.strictObject({ name: z.string(), profile: z.string().nullable() }),
  seed: z.number().int().nullable(),
  /** The git commit of the checkout the run was made from; null when unknown. */
  gitSha: z.string().nullable(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  verdict: verdictSchema,
  /** The process's exit code (README, Exit codes). */
  exitCode: z.number().int().nonnegative(),
  reasons: z.array(z.string()),
  warnings: z.array(z.string()),
  /** The run directory (absolute): result.json, timeline.jsonl and the reports are there. */
  runDir: z.string(),
  totals: z.strictObject({
    requests: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    errorRate: z.number().min(0).max(1),
    rps: z.number().nonnegative(),
    droppedIterations: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    statusCounts: z.record(z.string(), z.number().int().nonnegative()),
    errorKinds: errorKindsSchema,
    /** Latency of every request that has one (successful, or failed with a status or a timeout). */
    latencyMs: summaryLatencySchema,
    /** Latency of the successful requests only (OK); null when none succeeded or the result predates it. */
    okLatencyMs: summaryLatencySchema.nullable(),
    /** Latency of the failed requests that have one (KO); null when none has. */
    koLatencyMs: summaryLatencySchema.nullable(),
  }),
  /** When requests failed (docs/outcomes.md), in time order; `omitted`: how many smaller stretches were left out. */
  failureWindows: z.strictObject({ windows: z.array(summaryFailureWindowSchema), omitted: z.number().int().nonnegative() }),
  thresholds: z.array(thresholdResultSchema),
  regressions: summaryRegressionsSchema,
  faults: z.array(summaryFaultSchema),
  recovery: z.strictObject({
    mttrSec: nullableNumber,
    maxTtrSec: nullableNumber,
    notRecovered: z.number().int().nonnegative(),
  }),
  /** The integrity audit (null without one); counts it could not establish are null. */
  integrity: z
    .strictObject({
      status: z.enum(['complete', 'error']),
      accepted: z.number().int().nonnegative(),
      terminal: z.number().int().nonnegative().nullable(),
      lost: z.number().int().nonnegative().nullable(),
      stuck: z.number().int().nonnegative().nullable(),
      duplicated: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
  /** The load generator saturated: its latency figures are untrusted (null when unknown). */
  generatorSaturated: z.boolean().nullable(),
});
export type SummaryDocument = z.infer<typeof summaryDocumentSchema>;
export type SummaryRegressions = z.infer<typeof summaryRegressionsSchema>;
