import type { Pool } from 'undici';
import type { LookupRecord } from '../../analysis/integrity.ts';
import { formatJsonPath, readJsonPathValue } from '../../core/json-path.ts';
import type { AuditSourceOf } from '../../scenario/schema-audit.ts';
import { mappingError, sourceError } from './audit-source.ts';
import type { AuditSource, SourceAnswer } from './audit-source.ts';
import { abortable, auditPool, isRetryableStatus, sendRequest } from './http-endpoint.ts';
import type { HttpEndpoint } from './http-endpoint.ts';
import { idText, isMiss, readRecord } from './record-mapping.ts';

/**
 * `lookup`: a batch endpoint. The ids go into the JSON body at `idsAt`, `batchSize` per request,
 * `concurrency` requests at a time; the answer's records are found at `response.records`, either an
 * array (each record's id at `response.id`) or an object keyed by id (null: unknown). An id the
 * answer does not mention is unknown. 408, 429, 5xx and transport errors leave the batch for the
 * next round; any other status, or an answer the mapping cannot read, ends the audit.
 */
export function lookupSource(spec: AuditSourceOf<'lookup'>, endpoint: HttpEndpoint, headers: Record<string, string>, label: string): AuditSource {
  let pool: Pool | null = null;
  return {
    kind: 'lookup',
    label,
    async lookup(ids, signal) {
      const p = (pool ??= auditPool(endpoint.origin, spec.concurrency));
      const answer: SourceAnswer = { answered: new Map(), error: null };
      let next = 0;
      const lane = async (p: Pool): Promise<void> => {
        while (next < ids.length && !signal.aborted) {
          const batch = ids.slice(next, (next += spec.batchSize));
          const outcome = await lookupBatch(p, spec, endpoint, headers, label, batch, signal);
          if (typeof outcome === 'string') answer.error = outcome;
          else for (const [id, rec] of outcome) answer.answered.set(id, rec);
        }
      };
      const lanes = Math.min(spec.concurrency, Math.ceil(ids.length / spec.batchSize));
      await abortable(p, signal, () => (pool = null), () => Promise.all(Array.from({ length: lanes }, () => lane(p))));
      return answer;
    },
    async close() {
      const p = pool;
      pool = null;
      await p?.close().catch(() => undefined);
    },
  };
}

async function lookupBatch(
  pool: Pool,
  spec: AuditSourceOf<'lookup'>,
  endpoint: HttpEndpoint,
  headers: Record<string, string>,
  label: string,
  batch: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, LookupRecord | null> | string> {
  const body = JSON.stringify(withIds(spec.body, spec.idsAt, batch));
  const res = await sendRequest(pool, { method: endpoint.method, path: endpoint.path, headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body }, spec.timeoutMs, signal);
  if (!res.ok) return res.error;
  if (isRetryableStatus(res.status)) return `HTTP ${res.status}`;
  if (res.status < 200 || res.status >= 300) {
    throw sourceError(`${label} answered HTTP ${res.status}: ${res.text.slice(0, 200)}`, 'check the request line, its headers (a token?) and that the endpoint takes a list of ids');
  }
  return parseAnswer(res.text, spec.response, label, batch);
}

/** A copy of `body` with the ids at the dotted path `at` (objects made on the way). */
function withIds(body: Record<string, unknown>, at: string, ids: readonly string[]): Record<string, unknown> {
  const out = structuredClone(body);
  const keys = at.split('.');
  let cur: Record<string, unknown> = out;
  for (const k of keys.slice(0, -1)) {
    const v = cur[k];
    cur = (cur[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  }
  cur[keys.at(-1) ?? 'ids'] = ids;
  return out;
}

function parseAnswer(text: string, response: AuditSourceOf<'lookup'>['response'], label: string, batch: readonly string[]): Map<string, LookupRecord | null> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw mappingError(label, '', 'is not JSON', text);
  }
  const read = readJsonPathValue(body, response.records);
  if (!read.found) throw mappingError(label, read.missingAt, 'is missing (response.records)', text);
  const records = read.value;
  const wanted = new Set(batch);
  const out = new Map<string, LookupRecord | null>(batch.map((id) => [id, null]));
  const at = formatJsonPath(response.records === '' ? [] : response.records.split('.'));
  if (Array.isArray(records)) {
    let matched = 0;
    for (const [i, raw] of records.entries()) {
      const where = `${at}[${i}]`;
      const idRead = readJsonPathValue(raw, response.id);
      const id = idRead.found ? idText(idRead.value) : null;
      if (id === null) throw mappingError(label, `${where}.${response.id}`, idRead.found ? `must be a string or integer id, got ${JSON.stringify(idRead.value)}` : 'is missing (response.id)', text);
      if (!wanted.has(id)) continue;
      const rec = readRecord(raw, response, where);
      if (isMiss(rec)) throw mappingError(label, rec.path, rec.problem, text);
      out.set(id, rec);
      matched++;
    }
    if (records.length > 0 && matched === 0) throw mappingError(label, `${at}[0].${response.id}`, 'matches none of the ids asked for (is response.id the right field?)', text);
    return out;
  }
  if (records === null || typeof records !== 'object') {
    throw mappingError(label, at, `must be an array of records or an object keyed by id, got ${JSON.stringify(records)?.slice(0, 40)}`, text);
  }
  const keyed = records as Record<string, unknown>;
  const keys = Object.keys(keyed);
  if (keys.length > 0 && !keys.some((k) => wanted.has(k))) {
    throw mappingError(label, at, 'is an object whose keys are none of the ids asked for (should response.records point at an array, or deeper?)', text);
  }
  for (const id of batch) {
    const raw = Object.hasOwn(keyed, id) ? keyed[id] : null;
    if (raw === null || raw === undefined) continue;
    const rec = readRecord(raw, response, `${at === '' ? '' : at}[${JSON.stringify(id)}]`);
    if (isMiss(rec)) throw mappingError(label, rec.path, rec.problem, text);
    out.set(id, rec);
  }
  return out;
}
