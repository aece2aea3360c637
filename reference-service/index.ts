/** The reference service's public API, for tests that run it in their own process (the harness only ever starts it as a process). */
export { startTarget } from './start-target.ts';
export type { RunningTarget, StartTargetOptions } from './start-target.ts';
export { loadTargetConfig, defaultTargetConfig } from './config/target-config.ts';
export type { TargetConfig } from './config/target-config.ts';
export { startEmbeddedPostgres } from '../process-kit/postgres/embedded-postgres.ts';
export type { EmbeddedPostgresHandle } from '../process-kit/postgres/embedded-postgres.ts';
export { runPipeline } from './validation/run-pipeline.ts';
export type { Dataset, DatasetSchema, ValidationReport, Issue, IssueKind, ColumnProfile } from './validation/validation-types.ts';
export type { ExecutionState, ExecutionAction, ExecutionAuditEntry } from './executions/execution-types.ts';
