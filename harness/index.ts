/** The public library API of stresslab (re-exports only). The CLI is `bin/stresslab.mjs`. */
export { main } from './cli/main.ts';
export type { CliIo, StresslabCommand } from './cli/command.ts';
export { ExitCode } from './core/exit-codes.ts';
export { StresslabError, isStresslabError } from './core/stresslab-error.ts';
export type { ErrorCode, InputProblem } from './core/stresslab-error.ts';

export { loadScenario } from './scenario/load-scenario.ts';
export type { LoadedScenario } from './scenario/load-scenario.ts';
export { scenarioSchema } from './scenario/scenario-schema.ts';
export type { Scenario, ScenarioInput } from './scenario/scenario-schema.ts';
export { buildPlan } from './plan/build-plan.ts';
export { loadPlan } from './plan/load-plan.ts';
export type { LoadedPlan } from './plan/load-plan.ts';
export type { Plan, LoadPhasePlan, FaultEventPlan } from './contract/plan-types.ts';

export { runScenario } from './run/run-scenario.ts';
export { runAb } from './run/ab-run.ts';
export type { AbBuild, AbOptions, AbOutcome, AbPair } from './run/ab-run.ts';
export type { RunOptions, RunOutcome } from './run/run-scenario.ts';
export type { RunObserver, RunStep, RunStepEvent } from './run/run-observer.ts';
export { RunFailures } from './run/run-failures.ts';
export type { RunFailure, RunStage } from './contract/run-record.ts';
export { engineFor, arrivalEngine, autocannonEngine } from './load/index.ts';
export type { LoadEngine, EngineContext, RequestFactory, PreparedRequest, RequestOutcome, OutcomeSink } from './load/engine.ts';

export { runResultSchema, RESULT_SCHEMA_VERSION } from './contract/run-result.ts';
export type { RunResult, FaultResult, Integrity, RegressionResult, ThresholdResult, ResourceUsage } from './contract/run-result.ts';
export type { Stats } from './contract/stats.ts';
export { summaryDocumentSchema, SUMMARY_SCHEMA_VERSION } from './contract/summary-document.ts';
export type { SummaryDocument } from './contract/summary-document.ts';
export type { CheckResults } from './contract/check-results.ts';
export type { FaultEffect, FaultEvidence, TrafficShift } from './contract/fault-evidence.ts';
export type { FaultObservation } from './contract/fault-observation.ts';
export type { TargetExit } from './contract/target-exit.ts';
export type { TimelineLine, TimelineSecond, TimelineLate, ResourceSample, ProbeSample, TimelineEvent } from './contract/timeline-types.ts';
export { runRecordMetaSchema, RUN_RECORD_SCHEMA_VERSION } from './contract/run-record.ts';
export type { RunRecord, RunRecordMeta, RunTimeline } from './contract/run-record.ts';
export { readRunRecord } from './run/read-run-record.ts';
export { analyzeRun } from './analysis/analyze-run.ts';
export type { AnalyzeOptions, RunGateOutcome } from './analysis/analyze-run.ts';
export { analyzeChaos } from './analysis/chaos-analysis.ts';
export { compareRuns, compareMetric } from './analysis/regression-compare.ts';
export { detectableChange } from './analysis/stats/detectable-change.ts';
export { sequentialDesign } from './analysis/sequential-design.ts';
export { historyChangePoints } from './report/history-change-points.ts';

export { gateAgainstBaseline } from './baseline/baseline-gate.ts';
export { newBaseline, addRuns } from './baseline/baseline-builder.ts';
export { readBaseline, writeBaseline, baselinePath } from './baseline/baseline-store.ts';
export type { Baseline } from './baseline/baseline-schema.ts';

export { renderMarkdown } from './report/render-markdown.ts';
export { renderHtml } from './report/render-html.ts';
export { renderJunit } from './report/render-junit.ts';
export { summaryDocument, renderSummaryJson } from './report/render-summary-document.ts';
export { writeReports } from './report/write-reports.ts';

export { startToxiproxyServer } from './toxiproxy/index.ts';
export { createFaultDriver, FAULT_KINDS } from './faults/index.ts';
export type { FaultKind, FaultParams, PlannedFault, FaultPlan } from './faults/index.ts';
export { cleanupLedger, listActive } from './faults/ledger-cleanup.ts';
