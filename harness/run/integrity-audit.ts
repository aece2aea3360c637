import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { auditIntegrity } from '../analysis/integrity.ts';
import type { IntegrityAudit, LookupRecord } from '../analysis/integrity.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { AcceptedIdStore } from './accepted-ids.ts';
import { badResponse, parseLookupResponse } from './audit-lookup-response.ts';

/**
 * The I/O half of the integrity audit (docs/integrity.md): looks up every accepted id in bulk after
 * the load, then re-polls only the ids not yet terminal (unknown ids included: a store may make
 * writes visible late) until all are terminal or the grace period ends. The classification is
 * analysis/integrity.ts's; `auditAccepted` runs both.
 * Transport errors, 5xx, 408 and 429 are retried on the next round; ids never answered by the end
 * → TARGET_UNREACHABLE (exit 4). Any other status or a malformed body → BAD_RESULT (exit 2).
 */
export interface IntegrityAuditOptions {
  baseUrl: string;
  /** "METHOD /path" from the scenario, e.g. "POST /v1/executions/lookup". */
  lookup: string;
  /** Every accepted id (duplicates are ignored). */
  ids: Iterable<string>;
  terminal: readonly string[];
  graceSeconds: number;
  /** Ids per lookup request (the reference service takes ≤ 10 000). Default 1000. */
  batchSize?: number;
  /** Lookup requests in flight. Default 4. */
  concurrency?: number;
  /** Pause between rounds. Default 500 ms. */
  pollIntervalMs?: number;
  /** Per lookup request. Default 30 s. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface IntegrityLookups {
  /** id → its record, or null when the target does not know it. */
  lookups: Record<string, LookupRecord | null>;
  rounds: number;
  /** From the first lookup until the audit ended. */
  waitedMs: number;
}

interface Endpoint {
  method: 'POST' | 'PUT';
  path: string;
  label: string;
}

function parseEndpoint(baseUrl: string, lookup: string): Endpoint {
  const m = /^(GET|POST|PUT) (\/\S*)$/.exec(lookup.trim());
  if (m?.[1] === undefined || m[2] === undefined || m[1] === 'GET') {
    throw new StresslabError('BAD_SCENARIO', `The audit lookup "${lookup}" cannot carry a list of ids.`, {
      problems: [{ path: 'audit.executions.lookup', message: 'must be "POST /path" or "PUT /path" (the ids go in a JSON body {"ids": [...]})' }],
      hint: 'Use "POST /v1/executions/lookup" for the reference service.',
    });
  }
  const base = new URL(baseUrl).pathname.replace(/\/$/, '');
  return { method: m[1] as 'POST' | 'PUT', path: base + m[2], label: `${m[1]} ${m[2]}` };
}

export async function runIntegrityAudit(opts: IntegrityAuditOptions): Promise<IntegrityLookups> {
  const endpoint = parseEndpoint(opts.baseUrl, opts.lookup);
  const batchSize = Math.max(1, Math.min(10_000, opts.batchSize ?? 1000));
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const terminal = new Set(opts.terminal);
  const lookups: Record<string, LookupRecord | null> = Object.create(null) as Record<string, LookupRecord | null>;
  const pool = new Pool(new URL(opts.baseUrl).origin, { connections: concurrency });
  const startedMs = performance.now();
  const deadlineMs = startedMs + opts.graceSeconds * 1000;
  let pending = [...new Set(opts.ids)];
  let rounds = 0;
  let lastError = '';
  try {
    while (pending.length > 0) {
      checkAborted(opts.signal);
      rounds++;
      const round = await lookupRound(pool, endpoint, pending, { ...opts, batchSize, concurrency });
      Object.assign(lookups, round.answered);
      if (round.error !== null) lastError = round.error;
      pending = pending.filter((id) => !Object.hasOwn(round.answered, id) || !terminal.has(round.answered[id]?.state ?? ''));
      opts.log?.('audit_round', { round: rounds, looked: round.looked, pending: pending.length, failedBatches: round.failedBatches });
      const left = deadlineMs - performance.now();
      if (pending.length === 0 || left <= 0) break;
      await sleep(Math.min(opts.pollIntervalMs ?? 500, left), undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => checkAborted(opts.signal));
    }
  } finally {
    await pool.close().catch(() => undefined);
  }
  const neverAnswered = pending.filter((id) => !Object.hasOwn(lookups, id));
  if (neverAnswered.length > 0) {
    throw new StresslabError('TARGET_UNREACHABLE', `The integrity audit could not look up ${neverAnswered.length} accepted ids with ${endpoint.label}: ${lastError}`, {
      hint: 'The target did not answer the lookups within the grace period; raise audit.executions.graceSeconds or check the target.',
    });
  }
  return { lookups, rounds, waitedMs: performance.now() - startedMs };
}

interface RoundResult {
  answered: Record<string, LookupRecord | null>;
  looked: number;
  failedBatches: number;
  error: string | null;
}

/** All pending ids in batches, `concurrency` requests at a time; retryable failures leave their ids unanswered. */
async function lookupRound(
  pool: Pool,
  endpoint: Endpoint,
  ids: readonly string[],
  opts: IntegrityAuditOptions & { batchSize: number; concurrency: number },
): Promise<RoundResult> {
  const result: RoundResult = { answered: {}, looked: 0, failedBatches: 0, error: null };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const batch = ids.slice(next, (next += opts.batchSize));
      const outcome = await lookupBatch(pool, endpoint, batch, opts);
      if (typeof outcome === 'string') {
        result.failedBatches++;
        result.error = outcome;
        continue;
      }
      Object.assign(result.answered, outcome);
      result.looked += batch.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, Math.ceil(ids.length / opts.batchSize)) }, worker));
  return result;
}

/** The batch's records, or a string describing a retryable failure. */
async function lookupBatch(
  pool: Pool,
  endpoint: Endpoint,
  batch: readonly string[],
  opts: IntegrityAuditOptions,
): Promise<Record<string, LookupRecord | null> | string> {
  const timeout = AbortSignal.timeout(opts.requestTimeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  let status: number;
  let text: string;
  try {
    const res = await pool.request({
      path: endpoint.path,
      method: endpoint.method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ids: batch }),
      signal,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    checkAborted(opts.signal);
    return e instanceof Error ? e.message : String(e);
  }
  if (status >= 500 || status === 408 || status === 429) return `HTTP ${status}`;
  if (status < 200 || status >= 300) {
    throw badResponse(endpoint.label, [{ path: '', message: `status ${status}: ${text.slice(0, 200)}` }], `The integrity audit's lookup ${endpoint.label} answered HTTP ${status}.`);
  }
  return parseLookupResponse(text, endpoint.label, batch);
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StresslabError('ABORTED', 'The integrity audit was interrupted.', { cause: signal.reason });
}

export interface AcceptedAudit extends IntegrityAudit {
  rounds: number;
  waitedMs: number;
}

/** The whole audit for the runner: look up every id of the store, then classify (analysis/integrity.ts). */
export async function auditAccepted(store: AcceptedIdStore, opts: Omit<IntegrityAuditOptions, 'ids'>): Promise<AcceptedAudit> {
  const { lookups, rounds, waitedMs } = await runIntegrityAudit({ ...opts, ids: store.ids() });
  return { ...auditIntegrity(store.acceptances(), lookups, opts.terminal), rounds, waitedMs };
}
