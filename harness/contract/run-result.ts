import * as z from 'zod';
import { checkResultsSchema } from './check-results.ts';
import { faultEffectSchema, faultEvidenceSchema } from './fault-evidence.ts';
import { statsSchema } from './stats.ts';
import { failureWindowsSchema } from './failure-window.ts';
import { targetExitSchema } from './target-exit.ts';

/**
 * The result contract (docs/architecture.md, section The result contract): what CI, dashboards
 * and other tools read.
 * Fields keep their names and meaning; more may be added; `schemaVersion` changes when any changes.
 * Times are milliseconds from the run's start unless the name says otherwise.
 */
export const RESULT_SCHEMA_VERSION = 1;

const nullableNumber = z.number().nullable();

export const fingerprintSchema = z.object({
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  memBytes: z.number().nonnegative(),
  os: z.string(),
  node: z.string(),
  harnessVersion: z.string(),
  targetVersion: z.string().optional(),
});
export type Fingerprint = z.infer<typeof fingerprintSchema>;

export const phaseResultSchema = z.object({
  name: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  stats: statsSchema,
});

export const faultResultSchema = z.object({
  name: z.string(),
  kind: z.string(),
  injectedAtMs: z.number(),
  removedAtMs: z.number(),
  detectedAtMs: nullableNumber,
  recoveredAtMs: nullableNumber,
  ttdSec: nullableNumber,
  ttrSec: nullableNumber,
  recovered: z.boolean(),
  /**
   * Whether the injection had an observable effect, the scenario's `expectEffect`, and the evidence
   * (docs/fault-effect.md). Absent in results written before they existed, and in k6 imports.
   */
  effect: faultEffectSchema.optional(),
  expectEffect: z.boolean().optional(),
  evidence: faultEvidenceSchema.optional(),
});
export type FaultResult = z.infer<typeof faultResultSchema>;

export const recoverySchema = z.object({
  mttrSec: nullableNumber,
  medianTtrSec: nullableNumber,
  maxTtrSec: nullableNumber,
  notRecovered: z.number().int().nonnegative(),
  /**
   * The step TTD and TTR were found on, ms (docs/recovery.md, section Resolution): 100 from the
   * timeline's sub-second slices, 1000 from a timeline written before them. Absent without faults,
   * and in results written before it existed (those were 1000).
   */
  resolutionMs: z.number().positive().optional(),
  /** `resolutionMs`: the probe's period, null without probes. */
  probe: z.object({ mttrSec: nullableNumber, resolutionMs: z.number().positive().nullable().optional() }),
});

const summary3 = z.object({ mean: z.number(), p95: z.number(), max: z.number() });
export const resourceUsageSchema = z.object({
  cpuPercent: summary3,
  /**
   * CPU time the process used over the sampled run (the CPU samples integrated over time): with the
   * request count it gives CPU per request, the gate's least noisy measure of how much work the
   * target does. Absent in results written before it existed.
   */
  cpuSeconds: z.number().nonnegative().optional(),
  rssBytes: z.object({ mean: z.number(), max: z.number(), slopeBytesPerHour: nullableNumber }),
  leak: z.enum(['none', 'suspect', 'leak', 'n/a']),
});
export type ResourceUsage = z.infer<typeof resourceUsageSchema>;

/**
 * The integrity audit's outcome. `complete`: every accepted id was looked up and classified.
 * `error`: the audit source failed (down, past its timeout, an answer its mapping cannot read);
 * `reason` says why, and the counts it could not establish are null, so no gate reads "0 lost".
 * Results written before `status` existed are complete.
 */
/**
 * How the audit itself went (docs/integrity.md, section What you see): its source (`kind` and what
 * it asked, without secrets), the distinct ids, the id lookups over all rounds (an id re-polled
 * counts each time), the rounds, the time from the first lookup to the end, and lookups per second
 * of time spent looking up (the pauses between rounds left out). Also written when the audit failed,
 * as far as it got.
 */
export const auditStatsSchema = z.object({
  source: z.string(),
  label: z.string(),
  ids: z.number().int().nonnegative(),
  lookups: z.number().int().nonnegative(),
  rounds: z.number().int().nonnegative(),
  waitedMs: z.number().nonnegative(),
  idsPerSec: z.number().nonnegative().nullable(),
});
export type AuditStats = z.infer<typeof auditStatsSchema>;

export const integritySchema = z.object({
  status: z.enum(['complete', 'error']).default('complete'),
  reason: z.string().nullable().default(null),
  accepted: z.number().int().nonnegative(),
  terminal: z.number().int().nonnegative().nullable(),
  lost: z.number().int().nonnegative().nullable(),
  stuck: z.number().int().nonnegative().nullable(),
  duplicated: z.number().int().nonnegative().nullable(),
  /** Absent when nothing was audited (no ids accepted) and in results written before it existed. */
  audit: auditStatsSchema.optional(),
});
export type Integrity = z.infer<typeof integritySchema>;

export const thresholdResultSchema = z.object({
  metric: z.string(),
  expression: z.string(),
  actual: nullableNumber,
  pass: z.boolean(),
});
export type ThresholdResult = z.infer<typeof thresholdResultSchema>;

/**
 * `blind`: a gated metric that would read ok, but whose comparison could not have seen a change of
 * the tolerance's size (its detectable change exceeds it); a warning, or a failure where the scenario
 * says `baseline.blind: "fail"`. Results written before it existed never hold it.
 */
export const regressionVerdictSchema = z.enum(['regression', 'suspect', 'ok', 'no-data', 'blind']);
export const regressionResultSchema = z.object({
  metric: z.string(),
  baseline: nullableNumber,
  current: nullableNumber,
  /** The change the verdict judges, in percent: corrected as `correction` says (docs/regression-gate.md, section Raw and corrected change). */
  changePct: nullableNumber,
  ciLowPct: nullableNumber,
  ciHighPct: nullableNumber,
  verdict: regressionVerdictSchema,
  /** Whether a regression of this metric fails the run (absent in older results: the catalogue decides). */
  gated: z.boolean().optional(),
  /** current / baseline − 1 of the medians, in percent, before any correction; absent in older results. */
  rawChangePct: nullableNumber.optional(),
  /**
   * What `changePct` is: `none` the raw change; `machine-speed` at equal machine speed (each run's
   * calibration factored out); `paired` the mean of the per-pair changes (stresslab ab). Absent in older results.
   */
  correction: z.enum(['none', 'machine-speed', 'paired']).optional(),
  /** Why the verdict is what it is, one sentence (the noise, the floor, the detectable change); absent in older results. */
  note: z.string().optional(),
  /**
   * The minimum detectable change in percent: the smallest true change the comparison tells apart
   * from none with 80 % power at the noise it observed (docs/regression-gate.md). Null when it has no
   * relative form (an error rate from 0); absent in older results.
   */
  mdcPct: nullableNumber.optional(),
  /** Runs per side (pairs for `stresslab ab`) that would bring the detectable change under the tolerance; null: more than 100. */
  runsNeeded: z.number().int().positive().nullable().optional(),
});
export type RegressionResult = z.infer<typeof regressionResultSchema>;

/**
 * `inconclusive`: nothing failed, but the run could not show what it was meant to (a fault with no
 * observable effect, an integrity audit that could not be completed); exit 1 like `fail`.
 * `error`: the harness itself failed during the run (run-record.ts, failures); what it measured is partial.
 */
export const verdictSchema = z.enum(['pass', 'fail', 'inconclusive', 'aborted', 'error']);
export type Verdict = z.infer<typeof verdictSchema>;

/** The scenario a run ran: `file` and `hash` say which file and whether it changed since. */
/**
 * One part of a load split over several runs, one per machine (`--segment i/N`; `index` is 0-based,
 * i − 1). Such a run holds only its share of the traffic: thresholds and the regression gate judge
 * the parts merged (`stresslab merge`), not one part.
 */
export const segmentRefSchema = z.object({ index: z.number().int().nonnegative(), count: z.number().int().min(2) });
export type SegmentRef = z.infer<typeof segmentRefSchema>;

export const scenarioRefSchema = z.object({ name: z.string(), file: z.string(), hash: z.string(), profile: z.string().nullable() });
export const targetRefSchema = z.object({
  url: z.string(),
  embedded: z.boolean(),
  /** A target.start: its command as written, and `reused` when a service already healthy at `url` was used instead (nothing started or stopped). */
  start: z.object({ command: z.string(), reused: z.boolean() }).optional(),
});
/**
 * The machine's speed during the run (harness/calibration/): the mean CPU µs of a fixed work unit
 * over the probe's samples. Recorded when the target runs on this machine.
 */
export const calibrationSchema = z.object({ unitCpuUs: z.number().positive(), samples: z.number().int().nonnegative() });

export const environmentSchema = z.object({
  name: z.string(),
  fingerprint: fingerprintSchema,
  fingerprintHash: z.string(),
  /**
   * The machine's speed during the run (harness/calibration/): the mean CPU µs of a fixed work
   * unit (docs/regression-gate.md, section Machine speed). Recorded when the target runs on this
   * machine; null or absent otherwise.
   */
  calibration: calibrationSchema.nullable().optional(),
});

/** The load generator's health over the run (analysis/generator-health.ts). */
const generatorSchema = z.object({
  saturated: z.boolean(),
  saturatedSeconds: z.array(z.number().int().nonnegative()),
  seconds: z.number().int().nonnegative(),
  sendLagP50Ms: nullableNumber,
  sendLagP99Ms: nullableNumber,
  worstSendLagP99Ms: nullableNumber,
  maxLoopDelayP99Ms: z.number().nonnegative(),
  maxBusyPct: z.number().nonnegative(),
  maxCpuPct: z.number().nonnegative(),
  maxSockets: z.number().int().nonnegative(),
});

export const runResultSchema = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  source: z.enum(['stresslab', 'k6']).default('stresslab'),
  runId: z.string(),
  /** Seed of templating and request choice: the same seed replays the same request sequence. */
  seed: z.number().int().optional(),
  /** The commit under test (CI's GITHUB_SHA / CI_COMMIT_SHA, else `git rev-parse HEAD` where the run started); absent when unknown. */
  gitSha: z.string().optional(),
  scenario: scenarioRefSchema,
  target: targetRefSchema,
  environment: environmentSchema,
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  /**
   * false: the input gave no clock time (a k6 `--summary-export` file, or another script's
   * handleSummary data): startedAt and endedAt are then the import's time, less and at the test's
   * duration, only so results sort; the duration alone is real (docs/k6-import.md). Absent: known.
   */
  startedAtKnown: z.literal(false).optional(),
  verdict: verdictSchema,
  reasons: z.array(z.string()),
  warnings: z.array(z.string()).default([]),
  totals: statsSchema,
  requests: z.record(z.string(), statsSchema),
  phases: z.array(phaseResultSchema),
  /** When requests failed and how (contract/failure-window.ts); absent in results written before it existed, and for k6 imports. */
  failureWindows: failureWindowsSchema.optional(),
  faults: z.array(faultResultSchema),
  /** Exits of the managed target during the load (absent in results written before it existed, and for k6 imports). */
  targetExits: z.array(targetExitSchema).optional(),
  recovery: recoverySchema,
  resources: z.object({
    host: resourceUsageSchema.nullable(),
    target: resourceUsageSchema.nullable(),
    harness: resourceUsageSchema.nullable(),
  }),
  integrity: integritySchema.nullable(),
  /**
   * The generator saturated (send lag p99 > 5 ms or a load thread > 90 % busy in more than 5 % of the
   * load's seconds): its latency figures are untrusted and the gate's latency verdicts are no-data.
   * Absent in results written before it existed and for k6 imports.
   */
  generatorSaturated: z.boolean().optional(),
  /** Present when this result is one part of a load (`--segment i/N`): its share only, not judged by thresholds or the gate. */
  segment: segmentRefSchema.optional(),
  /** The run ids of the parts this result was merged from (`stresslab merge`); absent for a single run. */
  mergedFrom: z.array(z.string()).optional(),
  /** The generator's health (null when the timeline has none). */
  generator: generatorSchema.nullable().optional(),
  thresholds: z.array(thresholdResultSchema),
  regressions: z.array(regressionResultSchema),
  /** k6 checks, for `stresslab k6 import` of a run that had any (absent otherwise). */
  checks: checkResultsSchema.optional(),
});
export type RunResult = z.infer<typeof runResultSchema>;
