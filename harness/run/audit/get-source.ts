import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import type { LookupRecord } from '../../analysis/integrity.ts';
import type { AuditSourceOf } from '../../scenario/schema-audit.ts';
import { mappingError, sourceError } from './audit-source.ts';
import type { AuditSource, SourceAnswer } from './audit-source.ts';
import { abortable, auditPool, isRetryableStatus, sendRequest } from './http-endpoint.ts';
import type { HttpEndpoint } from './http-endpoint.ts';
import { isMiss, readRecord } from './record-mapping.ts';
import { RateGate } from './rate-gate.ts';

/** Longest Retry-After honoured; a longer one is waited this long (the next round asks again anyway). */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * `get`: one request per id (`{id}` in the path), `concurrency` in flight, at most `rate` per second.
 * A status in `notFound` (404) means unknown; 2xx is read through the record mapping. 429, 408, 5xx,
 * a timeout or a connection error is retried with exponential backoff (doubling from `backoff` up to
 * `maxBackoff`, or the Retry-After the system asked for), `retries` times; an id still unanswered is
 * left for the next round. When as many ids in a row as there are lanes failed that way, the system
 * is taken to be down and the rest of the round is skipped: asking thousands of ids one by one of a
 * service that refuses connections would only delay the verdict. Any other status, or a body the
 * mapping cannot read, ends the audit.
 */
export function getSource(spec: AuditSourceOf<'get'>, endpoint: HttpEndpoint, headers: Record<string, string>, label: string): AuditSource {
  let pool: Pool | null = null;
  const gate = new RateGate(spec.rate ?? null);
  return {
    kind: 'get',
    label,
    async lookup(ids, signal) {
      const p = (pool ??= auditPool(endpoint.origin, spec.concurrency));
      const answer: SourceAnswer = { answered: new Map(), error: null };
      let next = 0;
      let failedInARow = 0;
      const lane = async (): Promise<void> => {
        while (next < ids.length && failedInARow < spec.concurrency && !signal.aborted) {
          const id = ids[next++] as string;
          const outcome = await lookupOne(p, spec, endpoint, headers, label, id, gate, signal);
          if (typeof outcome === 'string') {
            answer.error = outcome;
            failedInARow++;
          } else {
            answer.answered.set(id, outcome);
            failedInARow = 0;
          }
        }
      };
      await abortable(p, signal, () => (pool = null), () => Promise.all(Array.from({ length: Math.min(spec.concurrency, ids.length) }, lane)));
      return answer;
    },
    async close() {
      const p = pool;
      pool = null;
      await p?.close().catch(() => undefined);
    },
  };
}

/** The id's record, null when unknown, or why it could not be looked up after every retry. */
async function lookupOne(
  pool: Pool,
  spec: AuditSourceOf<'get'>,
  endpoint: HttpEndpoint,
  headers: Record<string, string>,
  label: string,
  id: string,
  gate: RateGate,
  signal: AbortSignal,
): Promise<LookupRecord | null | string> {
  const path = endpoint.path.replace(/(?<!\{)\{id\}(?!\})/g, encodeURIComponent(id));
  let why = '';
  for (let attempt = 0; attempt <= spec.retries; attempt++) {
    await gate.take(signal);
    const res = await sendRequest(pool, { method: 'GET', path, headers: { accept: 'application/json', ...headers } }, spec.timeoutMs, signal);
    if (res.ok && spec.notFound.includes(res.status)) return null;
    if (res.ok && res.status >= 200 && res.status < 300) return parseRecord(res.text, spec, label);
    if (res.ok && !isRetryableStatus(res.status)) {
      throw sourceError(`${label} answered HTTP ${res.status} for id ${JSON.stringify(id)}: ${res.text.slice(0, 200)}`, 'check the request line and its headers (a token?); statuses that mean "unknown id" go in notFound');
    }
    why = res.ok ? `HTTP ${res.status}` : res.error;
    if (attempt === spec.retries) break;
    const backoff = Math.min(spec.maxBackoffMs, spec.backoffMs * 2 ** attempt);
    const asked = res.ok && res.retryAfterMs !== null ? Math.min(MAX_RETRY_AFTER_MS, res.retryAfterMs) : null;
    // Jitter spreads the lanes' retries, so a recovering system is not hit by all of them at once.
    await sleep(asked ?? backoff * (0.5 + Math.random() / 2), undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
  }
  return `${why} (after ${spec.retries + 1} attempts)`;
}

function parseRecord(text: string, spec: AuditSourceOf<'get'>, label: string): LookupRecord {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw mappingError(label, '', 'is not JSON', text);
  }
  const rec = readRecord(body, spec.response, '');
  if (isMiss(rec)) throw mappingError(label, rec.path, rec.problem, text);
  return rec;
}
