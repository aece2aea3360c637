import { Pool } from 'undici';
import { StresslabError } from '../../core/stresslab-error.ts';
import { checkAborted, errorText } from './audit-source.ts';

/** An audit request's method, origin and path (the path may still hold `{id}`). */
export interface HttpEndpoint {
  method: 'GET' | 'POST' | 'PUT';
  origin: string;
  /** Path and query as sent, joined to the target's base path when the scenario gave a path. */
  path: string;
}

/**
 * "METHOD /path" (relative to the target's URL, base path included) or "METHOD http://host/path"
 * (another service), with its templates already resolved. The path is not parsed as a URL, so a
 * `{id}` in it stays as written until each request fills it in.
 */
export function httpEndpoint(line: string, baseUrl: string, where: string): HttpEndpoint {
  const space = line.indexOf(' ');
  const method = line.slice(0, space) as HttpEndpoint['method'];
  const target = line.slice(space + 1);
  if (target.startsWith('/')) {
    const base = new URL(baseUrl);
    return { method, origin: base.origin, path: base.pathname.replace(/\/$/, '') + target };
  }
  const m = /^(https?:\/\/[^/?#]+)(.*)$/.exec(target);
  let origin: string | null = null;
  try {
    origin = m?.[1] === undefined ? null : new URL(m[1]).origin;
  } catch {
    origin = null;
  }
  if (origin === null || m === null) {
    throw new StresslabError('BAD_SCENARIO', `audit.executions.source.${where} is not "METHOD /path" or "METHOD http://host/path" once its {{env}} values are filled in`, {
      problems: [{ path: `audit.executions.source.${where}`, message: 'does not give an http(s) URL or a path' }],
      hint: 'a variable used at the start must hold a URL such as http://jobs.internal:8080',
    });
  }
  const rest = m[2] ?? '';
  return { method, origin, path: rest.startsWith('/') ? rest : `/${rest}` };
}

/** The answer to one request: status and body text, or why there was none. */
export type HttpOutcome = { ok: true; status: number; text: string; retryAfterMs: number | null } | { ok: false; error: string };

/**
 * One request through the pool; a transport error or a timeout is an outcome, not a throw (the
 * caller decides to retry). No AbortSignal per request: one each (with AbortSignal.any/timeout)
 * cost about half the requests per second of a `get` audit on loopback (medians of 7 alternating
 * rounds on a loaded 2-core machine: 3,300 against 5,900-7,600); the timeout is undici's (no
 * headers, or no body data, for `timeoutMs`), and an abort destroys the pool (`abortable`).
 */
export async function sendRequest(
  pool: Pool,
  req: { method: string; path: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HttpOutcome> {
  try {
    const res = await pool.request({
      method: req.method as 'GET',
      path: req.path,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    return { ok: true, status: res.statusCode, text, retryAfterMs: retryAfterMs(res.headers['retry-after']) };
  } catch (e) {
    checkAborted(signal);
    const code = (e as { code?: unknown }).code;
    return { ok: false, error: code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? `no answer within ${timeoutMs} ms` : errorText(e) };
  }
}

/**
 * Runs `work` with the pool, destroying the pool when `signal` aborts so requests in flight end at
 * once; `onDestroyed` lets the owner drop it (a destroyed pool takes no more requests).
 */
export async function abortable<T>(pool: Pool, signal: AbortSignal, onDestroyed: () => void, work: () => Promise<T>): Promise<T> {
  const onAbort = (): void => {
    onDestroyed();
    void pool.destroy().catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Retry-After as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** A pool for the audit's requests: `connections` sockets to one origin. */
export function auditPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1 });
}

/** Statuses worth asking again: the system is busy or briefly away. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
