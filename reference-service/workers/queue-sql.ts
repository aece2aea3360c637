import type pg from 'pg';
import type { ExecutionAction, ExecutionState } from '../executions/execution-types.ts';

export interface ClaimedExecution {
  id: string;
  assetId: string;
  action: ExecutionAction;
  params: Record<string, unknown>;
  /** The number of this attempt (1 for the first). */
  attempt: number;
  claimedAt: Date;
  /** Wall-clock ms (sub-ms precision) when the committed claim reached the worker. */
  receivedAtMs: number;
  /** Unique per claim, so a worker whose lease was taken over can never complete the execution. */
  leaseOwner: string;
}

/**
 * Takes the oldest ready execution whose asset has nothing running. SKIP LOCKED lets workers pass each
 * other; the partial unique index on running assets turns the remaining race (two workers picking two
 * executions of one asset at the same instant) into a unique violation, which the caller retries.
 */
const claimSql = `
WITH candidate AS (
  SELECT e.id FROM executions e
   WHERE e.state IN ('queued', 'retrying') AND e.next_attempt_at <= now()
     AND NOT EXISTS (SELECT 1 FROM executions r WHERE r.asset_id = e.asset_id AND r.state = 'running')
   ORDER BY e.next_attempt_at
   LIMIT 1
   FOR UPDATE SKIP LOCKED
)
UPDATE executions e
   SET state = 'running', attempts = e.attempts + 1, lease_owner = $1,
       lease_until = now() + make_interval(secs => $2::double precision / 1000),
       claimed_at = now(), started_at = coalesce(e.started_at, now()), updated_at = now()
  FROM candidate c WHERE e.id = c.id
RETURNING e.id, e.asset_id, e.action, e.params, e.attempts, now() AS claimed_at`;

/** Wall-clock milliseconds with sub-millisecond precision (Date.now() has only whole ms). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export type ClaimResult = ClaimedExecution | 'empty' | 'contended';

export async function claimNext(pool: pg.Pool, leaseOwner: string, leaseMs: number): Promise<ClaimResult> {
  try {
    const r = await pool.query<{
      id: string;
      asset_id: string;
      action: ExecutionAction;
      params: Record<string, unknown>;
      attempts: number;
      claimed_at: Date;
    }>({ name: 'target-claim', text: claimSql, values: [leaseOwner, leaseMs] });
    const row = r.rows[0];
    if (row === undefined) return 'empty';
    return {
      id: row.id,
      assetId: row.asset_id,
      action: row.action,
      params: row.params,
      attempt: row.attempts,
      claimedAt: row.claimed_at,
      receivedAtMs: wallClockMs(),
      leaseOwner,
    };
  } catch (err) {
    if ((err as { code?: unknown }).code === '23505') return 'contended';
    throw err;
  }
}

/** Success and its effect row in one statement (one transaction): both happen or neither. */
export async function completeExecution(pool: pg.Pool, c: ClaimedExecution, ranToMs: number, result: unknown): Promise<boolean> {
  const r = await pool.query({
    // Named: prepared once per connection, so PostgreSQL does not re-plan the hot statements.
    name: 'target-complete',
    text: `WITH done AS (
       UPDATE executions SET state = 'succeeded', lease_owner = NULL, lease_until = NULL, last_error = NULL,
              finished_at = now(), updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING id, attempts, claimed_at)
     INSERT INTO execution_effects (execution_id, attempt, claimed_at, ran_from, ran_to, result)
     SELECT id, attempts, claimed_at, to_timestamp($4::float8 / 1000), to_timestamp($5::float8 / 1000), $3::jsonb
       FROM done RETURNING execution_id`,
    values: [c.id, c.leaseOwner, JSON.stringify(result ?? null), c.receivedAtMs, ranToMs],
  });
  return r.rowCount === 1;
}

/** Records a failed attempt; the last allowed attempt moves the execution to the dead letters. */
export async function failExecution(
  pool: pg.Pool,
  c: ClaimedExecution,
  ranToMs: number,
  error: string,
  maxAttempts: number,
  retryDelayMs: number,
): Promise<ExecutionState | null> {
  const r = await pool.query<{ state: ExecutionState }>(
    `WITH f AS (
       UPDATE executions
          SET state = CASE WHEN attempts >= $3 THEN 'dead_lettered' ELSE 'retrying' END,
              last_error = $4, lease_owner = NULL, lease_until = NULL, updated_at = now(),
              next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),
              finished_at = CASE WHEN attempts >= $3 THEN now() END
        WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING id, state, attempts, claimed_at),
     history AS (
       INSERT INTO execution_failures (execution_id, attempt, claimed_at, ran_from, ran_to, error, retry_delay_ms)
       SELECT id, attempts, claimed_at, to_timestamp($6::float8 / 1000), to_timestamp($7::float8 / 1000),
              $4, CASE WHEN state = 'retrying' THEN $5::int END FROM f),
     dead AS (
       INSERT INTO dead_letters (execution_id, attempts, last_error)
       SELECT id, attempts, $4 FROM f WHERE state = 'dead_lettered')
     SELECT state FROM f`,
    [c.id, c.leaseOwner, maxAttempts, error.slice(0, 2000), Math.round(retryDelayMs), c.receivedAtMs, ranToMs],
  );
  return r.rows[0]?.state ?? null;
}

/** Keeps a long action's lease alive; false when the lease was lost (reclaimed after expiry). */
export async function extendLease(pool: pg.Pool, c: ClaimedExecution, leaseMs: number): Promise<boolean> {
  const r = await pool.query(
    `UPDATE executions SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
    [c.id, c.leaseOwner, leaseMs],
  );
  return r.rowCount === 1;
}

/** Hands an unfinished execution back at shutdown; the interrupted attempt does not count. */
export async function releaseExecution(pool: pg.Pool, c: ClaimedExecution): Promise<boolean> {
  const r = await pool.query(
    `UPDATE executions SET state = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END,
            attempts = attempts - 1, lease_owner = NULL, lease_until = NULL, next_attempt_at = now(), updated_at = now()
      WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
    [c.id, c.leaseOwner],
  );
  return r.rowCount === 1;
}

export interface ReclaimCounts {
  reclaimed: number;
  deadLettered: number;
}

/** Executions whose worker died (lease expired) are retried, or dead-lettered if that was the last attempt. */
export async function reclaimExpiredLeases(pool: pg.Pool, maxAttempts: number): Promise<ReclaimCounts> {
  const r = await pool.query<{ state: ExecutionState }>(
    `WITH expired AS (
       SELECT id FROM executions WHERE state = 'running' AND lease_until < now() FOR UPDATE SKIP LOCKED),
     r AS (
       UPDATE executions e
          SET state = CASE WHEN e.attempts >= $1 THEN 'dead_lettered' ELSE 'retrying' END,
              last_error = 'lease expired (worker lost)', lease_owner = NULL, lease_until = NULL,
              next_attempt_at = now(), updated_at = now(),
              finished_at = CASE WHEN e.attempts >= $1 THEN now() END
         FROM expired x WHERE e.id = x.id RETURNING e.id, e.state, e.attempts, e.claimed_at),
     history AS (
       INSERT INTO execution_failures (execution_id, attempt, claimed_at, error)
       SELECT id, attempts, claimed_at, 'lease expired (worker lost)' FROM r ON CONFLICT DO NOTHING),
     dead AS (
       INSERT INTO dead_letters (execution_id, attempts, last_error)
       SELECT id, attempts, 'lease expired (worker lost)' FROM r WHERE state = 'dead_lettered')
     SELECT state FROM r`,
    [maxAttempts],
  );
  const deadLettered = r.rows.filter((row) => row.state === 'dead_lettered').length;
  return { reclaimed: r.rows.length, deadLettered };
}
