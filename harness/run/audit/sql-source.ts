import pg from 'pg';
import type { LookupRecord } from '../../analysis/integrity.ts';
import { isStresslabError } from '../../core/stresslab-error.ts';
import type { AuditSourceOf } from '../../scenario/schema-audit.ts';
import { errorText, mappingError, sourceError } from './audit-source.ts';
import type { AuditSource, SourceAnswer } from './audit-source.ts';
import { idText, isMiss, readRecord } from './record-mapping.ts';

/** SQLSTATEs worth asking again: connection trouble, a server shutting down or full, a statement timeout. */
const RETRYABLE_SQLSTATE = /^(08|53|57P0|57014|40001|40P01)/;
const MAPPING = { state: 'state', attempts: 'attempts', effects: 'effects' } as const;

/**
 * `sql`: the scenario's query against the system's own PostgreSQL, `$1` = a chunk of ids as an array.
 * Each chunk runs in its own READ ONLY transaction with the statement timeout set locally, so the
 * audit cannot change what it audits even if the query tries to, and a slow query cannot hold the
 * run. Columns `id` and `state` are required, `attempts` and `effects` read when present. One
 * connection, chunks one after another: the audit should not compete with the system for its
 * database. A dropped connection or a timeout leaves the chunk (and the rest of the round) for the
 * next round on a new connection; a query error (syntax, a missing column, a write) ends the audit.
 */
export function sqlSource(spec: AuditSourceOf<'sql'>, databaseUrl: string, label: string): AuditSource {
  let client: pg.Client | null = null;
  const drop = async (): Promise<void> => {
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
  return {
    kind: 'sql',
    label,
    async lookup(ids, signal) {
      const answer: SourceAnswer = { answered: new Map(), error: null };
      for (let i = 0; i < ids.length && !signal.aborted; i += spec.chunkSize) {
        const chunk = ids.slice(i, i + spec.chunkSize);
        try {
          client ??= await connect(databaseUrl, spec.statementTimeoutMs);
          const rows = await queryChunk(client, spec, chunk);
          for (const [id, rec] of readRows(rows, chunk, label)) answer.answered.set(id, rec);
        } catch (e) {
          if (isStresslabError(e)) throw e;
          if (!isRetryable(e)) throw e instanceof pg.DatabaseError ? queryError(e, label) : e;
          answer.error = errorText(e);
          await drop();
          break;
        }
      }
      return answer;
    },
    close: drop,
  };
}

async function connect(url: string, statementTimeoutMs: number): Promise<pg.Client> {
  const c = new pg.Client({
    connectionString: url,
    application_name: 'stresslab-audit',
    connectionTimeoutMillis: 10_000,
    // The server's statement_timeout is the limit; this only stops waiting on a server that went silent.
    query_timeout: statementTimeoutMs + 5_000,
  });
  // An idle connection's error (the server restarting between rounds) is found by the next query.
  c.on('error', () => undefined);
  try {
    await c.connect();
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  return c;
}

async function queryChunk(c: pg.Client, spec: AuditSourceOf<'sql'>, chunk: readonly string[]): Promise<pg.QueryResult> {
  await c.query(`BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.round(spec.statementTimeoutMs))}`);
  try {
    const res = await c.query(spec.query, [chunk]);
    await c.query('COMMIT');
    return res;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

function readRows(res: pg.QueryResult, chunk: readonly string[], label: string): Map<string, LookupRecord | null> {
  const columns = res.fields.map((f) => f.name);
  const missing = ['id', 'state'].filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw sourceError(`${label}: the query's columns are ${columns.join(', ') || 'none'}; it must return ${missing.join(' and ')}`, 'name the columns with AS, e.g. SELECT job_id AS id, status AS state, attempts FROM jobs WHERE job_id = ANY($1)');
  }
  const wanted = new Set(chunk);
  const out = new Map<string, LookupRecord | null>(chunk.map((id) => [id, null]));
  const mapping = { state: MAPPING.state, attempts: columns.includes('attempts') ? MAPPING.attempts : undefined, effects: columns.includes('effects') ? MAPPING.effects : undefined };
  for (const [i, row] of (res.rows as Record<string, unknown>[]).entries()) {
    const id = idText(row.id);
    if (id === null || !wanted.has(id)) continue;
    const rec = readRecord(row, mapping, `row ${i + 1}`);
    if (isMiss(rec)) throw mappingError(label, rec.path, rec.problem, JSON.stringify(row));
    out.set(id, rec);
  }
  return out;
}

function isRetryable(e: unknown): boolean {
  if (e instanceof pg.DatabaseError) return RETRYABLE_SQLSTATE.test(e.code ?? '');
  // Not from the server: the connection (refused, reset, timed out, terminated).
  return e instanceof Error;
}

function queryError(e: pg.DatabaseError, label: string): Error {
  const readOnly = e.code === '25006';
  return sourceError(`${label}: PostgreSQL refused the query: ${e.message} (SQLSTATE ${e.code ?? '?'})`, readOnly
    ? 'the audit runs its query in a READ ONLY transaction; it must only read'
    : 'run the query by hand with $1 = an array of ids (e.g. ARRAY[\'…\']) and fix it in audit.executions.source.query');
}
