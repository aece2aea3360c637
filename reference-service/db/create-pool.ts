import pg from 'pg';
import type { TargetConfig } from '../config/target-config.ts';

export type PoolConfig = Pick<
  TargetConfig,
  'poolMax' | 'dbConnectTimeoutMs' | 'statementTimeoutMs' | 'appName'
>;

/**
 * Every timeout is bounded so that an unreachable or black-holed database turns into a fast error
 * (and a 503) instead of a hung request; `application_name` lets faults find our backends.
 */
export function createPool(databaseUrl: string, config: PoolConfig, onIdleError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: config.poolMax,
    connectionTimeoutMillis: config.dbConnectTimeoutMs,
    idleTimeoutMillis: 10_000,
    statement_timeout: config.statementTimeoutMs,
    // The client-side guard for a connection that silently stops answering (network black hole).
    query_timeout: config.statementTimeoutMs + 1_000,
    application_name: config.appName,
    keepAlive: true,
  });
  // An idle client whose backend was terminated or whose socket was cut emits here; without a
  // listener the process would crash. The pool already discards such clients.
  pool.on('error', onIdleError);
  return pool;
}
