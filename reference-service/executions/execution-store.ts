import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { requestHash } from './request-hash.ts';
import type { ExecutionAuditEntry, ExecutionState, ExecutionView, NewExecution } from './execution-types.ts';

export type CreateOutcome =
  | { kind: 'created'; id: string }
  | { kind: 'repeated'; id: string; state: ExecutionState }
  | { kind: 'conflict'; id: string };

/**
 * Stores a new execution unless its idempotency key exists: then the same body is a repeat (same id)
 * and a different body a conflict. The unique key makes this correct under concurrent duplicates.
 */
export async function createExecution(pool: pg.Pool, e: NewExecution): Promise<CreateOutcome> {
  const hash = requestHash(e);
  const id = randomUUID();
  const inserted = await pool.query<{ id: string }>({
    name: 'target-create-execution',
    text: `INSERT INTO executions (id, idempotency_key, request_hash, asset_id, action, params)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    values: [id, e.idempotencyKey, hash, e.assetId, e.action, JSON.stringify(e.params)],
  });
  if (inserted.rowCount === 1) return { kind: 'created', id };
  const existing = await pool.query<{ id: string; request_hash: string; state: ExecutionState }>(
    'SELECT id, request_hash, state FROM executions WHERE idempotency_key = $1',
    [e.idempotencyKey],
  );
  const row = existing.rows[0];
  if (row === undefined) throw new Error('idempotency key vanished between insert and select');
  return row.request_hash === hash ? { kind: 'repeated', id: row.id, state: row.state } : { kind: 'conflict', id: row.id };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return uuidPattern.test(s);
}

interface ExecutionRow extends Omit<ExecutionView, 'created_at' | 'updated_at' | 'started_at' | 'finished_at' | 'next_attempt_at'> {
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  next_attempt_at: Date;
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

export async function getExecution(pool: pg.Pool, id: string): Promise<ExecutionView | null> {
  if (!isUuid(id)) return null;
  const r = await pool.query<ExecutionRow>(
    `SELECT id, asset_id, action, params, state, attempts, last_error, created_at, updated_at,
            started_at, finished_at, next_attempt_at
       FROM executions WHERE id = $1`,
    [id],
  );
  const row = r.rows[0];
  if (row === undefined) return null;
  const terminal = row.state === 'succeeded' || row.state === 'dead_lettered';
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    next_attempt_at: terminal ? null : iso(row.next_attempt_at),
  };
}

/** Bulk state for the integrity audit; malformed and unknown ids both map to null. */
export async function lookupExecutions(
  pool: pg.Pool,
  ids: readonly string[],
): Promise<Record<string, ExecutionAuditEntry | null>> {
  const result = Object.create(null) as Record<string, ExecutionAuditEntry | null>;
  for (const id of ids) result[id] = null;
  const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (valid.length === 0) return result;
  const r = await pool.query<{ id: string; state: ExecutionState; attempts: number; effects: number }>(
    `SELECT e.id, e.state, e.attempts,
            (SELECT count(*) FROM execution_effects f WHERE f.execution_id = e.id)::int AS effects
       FROM executions e WHERE e.id = ANY($1::uuid[])`,
    [valid],
  );
  const byId = new Map(r.rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = isUuid(id) ? byId.get(id.toLowerCase()) : undefined;
    if (row !== undefined) result[id] = { state: row.state, attempts: row.attempts, effects: row.effects };
  }
  return result;
}
