import * as z from 'zod';
import { faultRecordSchema } from './fault-record.ts';
import type { Plan } from './plan-types.ts';
import { calibrationSchema, environmentSchema, integritySchema, scenarioRefSchema, segmentRefSchema, targetRefSchema } from './run-result.ts';
import type { ProbeSample, ResourceSample, TimelineEvent, TimelineLate, TimelineSecond } from './timeline-types.ts';

/**
 * The run record: everything `result.json` is computed from, so a run can be analysed again
 * (other thresholds, other recovery rules) without running it again. It is two files of the run
 * directory: `timeline.jsonl` (what was measured, appended as it happened) and `record.json` (this
 * schema: what the timeline does not hold). record.json is written when the load starts, with what
 * is known then (`complete: false`), and again when the run ends; a run killed half way can still be
 * analysed up to where its timeline ends. Times are ms on the run clock unless the name says otherwise.
 */
export const RUN_RECORD_SCHEMA_VERSION = 1;

const stageSchema = z.object({ target: z.number(), durationMs: z.number() });
const phaseBase = { name: z.string(), startMs: z.number(), durationMs: z.number(), gracefulStopMs: z.number() };

/** The Plan (plan-types.ts) as the runner used it: the phases' and faults' times the analysis joins the timeline with. */
export const planSchema = z.object({
  scenarioName: z.string(),
  seed: z.number(),
  profile: z.string().nullable(),
  durationMs: z.number(),
  phases: z.array(
    z.discriminatedUnion('executor', [
      z.object({ ...phaseBase, executor: z.literal('constant-arrival-rate'), ratePerSec: z.number(), preAllocatedVUs: z.number(), maxVUs: z.number() }),
      z.object({ ...phaseBase, executor: z.literal('ramping-arrival-rate'), startRatePerSec: z.number(), stages: z.array(stageSchema), preAllocatedVUs: z.number(), maxVUs: z.number() }),
      z.object({ ...phaseBase, executor: z.literal('constant-vus'), vus: z.number() }),
      z.object({ ...phaseBase, executor: z.literal('ramping-vus'), startVUs: z.number(), stages: z.array(stageSchema) }),
      z.object({ ...phaseBase, executor: z.literal('shared-iterations'), vus: z.number(), iterations: z.number() }),
      z.object({ ...phaseBase, executor: z.literal('per-vu-iterations'), vus: z.number(), iterations: z.number() }),
    ]),
  ),
  faults: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      injection: z.number(),
      injectAtMs: z.number(),
      removeAtMs: z.number(),
      recoveryAnchor: z.enum(['injection', 'removal']),
      expectEffect: z.boolean().optional(),
      params: z.record(z.string(), z.unknown()),
    }),
  ),
});
type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// A field added to Plan without its schema (or the reverse) fails to compile here.
true satisfies SameType<z.infer<typeof planSchema>, Plan>;

/** The integrity audit's outcome: the counts, and the first ids of each problem class (for warnings and people). */
export const auditOutcomeSchema = z.object({
  integrity: integritySchema,
  lostIds: z.array(z.string()),
  stuckIds: z.array(z.string()),
  duplicatedIds: z.array(z.string()),
  /** State → count over the stored ids (e.g. {succeeded: 980, running: 3}). */
  states: z.record(z.string(), z.number()),
});
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

/** Where a run failed (run/run-failures.ts): what the harness was doing when it did. */
export const runStageSchema = z.enum(['setup', 'timeline', 'load', 'audit', 'record', 'analysis', 'report', 'history', 'uncaught']);
export type RunStage = z.infer<typeof runStageSchema>;

/** The harness's own failure during a run (a full disk, a crash): the verdict is then `error`. */
export const runFailureSchema = z.object({
  stage: runStageSchema,
  message: z.string(),
  /** The errno code (ENOSPC, EROFS, …) when the failure was the file system's. */
  code: z.string().nullable(),
});
export type RunFailure = z.infer<typeof runFailureSchema>;

export const runRecordMetaSchema = z.object({
  schemaVersion: z.literal(RUN_RECORD_SCHEMA_VERSION),
  /**
   * false in the copy written when the load starts: the run has not (or never) written its end.
   * Its `endMs`, `faults`, `audit` and `abortReason` are then unknown; analysis takes the end from
   * the timeline and the faults from the timeline's fault events.
   */
  complete: z.boolean(),
  runId: z.string(),
  seed: z.number().int(),
  /** The commit under test, resolved when the run started (run/git-sha.ts); absent when unknown, and in older records. */
  gitSha: z.string().optional(),
  /** The scenario as run: `file` is where thresholds and recovery rules are read from again, `hash` tells whether it changed since. */
  scenario: scenarioRefSchema,
  target: targetRefSchema,
  /** As in the result, but the calibration is always written: null when not measured, or not yet. */
  environment: environmentSchema.extend({ calibration: calibrationSchema.nullable() }),
  /** Wall-clock time of the run clock's zero (the load's start). */
  startedAtEpochMs: z.number(),
  /** Run length on the run clock; null until the run ended. */
  endMs: z.number().nullable(),
  plan: planSchema,
  /** The health probe's period as run. */
  probeIntervalMs: z.number().positive(),
  /** Why the run stopped early (abort condition, Ctrl-C), or null. */
  abortReason: z.string().nullable(),
  /** Problems of the harness itself (a load phase that threw): they fail the run. */
  engineErrors: z.array(z.string()),
  /** One per planned injection, in plan order (empty while `complete` is false). */
  faults: z.array(faultRecordSchema),
  /** Null when the scenario has no audit, or the run aborted before it. */
  audit: auditOutcomeSchema.nullable(),
  /** What the run noticed that is not analysis (lost and stuck ids of the audit). */
  warnings: z.array(z.string()),
  /** The harness's failures during the run, first the one that stopped it (absent in older records). */
  failures: z.array(runFailureSchema).default([]),
  /** This run is one part of a load (`--segment i/N`): its plan's faults are part 1's to inject; absent for a whole run. */
  segment: segmentRefSchema.optional(),
  /** The run ids of the parts this record was merged from (`stresslab merge`); absent for a single run. */
  mergedFrom: z.array(z.string()).optional(),
});
export type RunRecordMeta = z.infer<typeof runRecordMetaSchema>;

/** timeline.jsonl split by line type, each in file order. */
export interface RunTimeline {
  seconds: TimelineSecond[];
  late: TimelineLate[];
  probes: ProbeSample[];
  resources: ResourceSample[];
  events: TimelineEvent[];
}

/** A run as read back from its directory: the input of `analyzeRun`. */
export interface RunRecord {
  meta: RunRecordMeta;
  timeline: RunTimeline;
}
