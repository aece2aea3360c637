export const executionActions = ['sync', 'validate', 'fail', 'flaky'] as const;
export type ExecutionAction = (typeof executionActions)[number];

export const executionStates = ['queued', 'running', 'retrying', 'succeeded', 'dead_lettered'] as const;
export type ExecutionState = (typeof executionStates)[number];

export interface NewExecution {
  idempotencyKey: string;
  assetId: string;
  action: ExecutionAction;
  params: Record<string, unknown>;
}

/** The public view of one execution (`GET /v1/executions/:id`); times are ISO-8601 strings. */
export interface ExecutionView {
  id: string;
  asset_id: string;
  action: ExecutionAction;
  params: Record<string, unknown>;
  state: ExecutionState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  next_attempt_at: string | null;
}

/** What the integrity audit needs per id; null for an id never stored. */
export interface ExecutionAuditEntry {
  state: ExecutionState;
  attempts: number;
  effects: number;
}
