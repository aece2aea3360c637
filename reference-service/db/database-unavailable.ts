/** Thrown (or recognised) when PostgreSQL cannot serve a request right now; the HTTP layer answers 503. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * SQLSTATE classes that mean "the database, not the request, is the problem": connection exceptions (08),
 * insufficient resources (53), operator intervention such as pg_terminate_backend (57), query cancelled
 * by statement_timeout (57014), and lock timeouts (55P03).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57') || code === '55P03';
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (unavailableCodes.has(code) || isUnavailableSqlState(code))) return true;
  // node-postgres reports its own client-side failures only through the message.
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection timeout|Client has encountered a connection error|not queryable|Client was closed/i.test(
    err.message,
  );
}
