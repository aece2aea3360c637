import type { ErrorKind } from '../contract/stats.ts';

/** Thrown into an in-flight request when the harness gives up on it (per-request timeout, graceful-stop expiry). */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'STRESSLAB_REQUEST_TIMEOUT';
}

const TIMEOUT_CODES = new Set([
  'STRESSLAB_REQUEST_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
// UND_ERR_SOCKET is undici's "other side closed": the peer dropped the connection mid-request.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies a transport failure. Looks through `cause` chains, because undici wraps socket
 * errors. Anything unrecognised (HTTP parser errors on a garbage answer, TLS, DNS) is `other`.
 */
export function classifyError(error: unknown): ErrorKind {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== undefined && e !== null; depth++) {
    const code = codeOf(e);
    if (code !== undefined) {
      if (TIMEOUT_CODES.has(code)) return 'timeout';
      if (REFUSED_CODES.has(code)) return 'refused';
      if (RESET_CODES.has(code)) return 'reset';
    }
    if (e instanceof Error && e.name === 'TimeoutError') return 'timeout';
    e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return 'other';
}

/** k6's default success range when a request declares no expected statuses. */
export function isExpectedStatus(status: number, expected: readonly number[] | undefined): boolean {
  if (expected === undefined) return status >= 200 && status < 400;
  return expected.includes(status);
}
