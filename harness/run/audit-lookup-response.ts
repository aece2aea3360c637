import type { LookupRecord } from '../analysis/integrity.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { InputProblem } from '../core/stresslab-error.ts';

/**
 * Checks one answer of the audit's lookup endpoint: `{"executions": {"<id>": {state, attempts?,
 * effects?} | null}}` (docs/integrity.md, section The lookup endpoint). A target answering something
 * else is a bad response, not a data-integrity finding: BAD_RESULT (exit 2), naming the endpoint and
 * the first offending fields.
 * Ids missing from the map count as unknown (null), as analysis/integrity.ts does.
 */
export function parseLookupResponse(text: string, endpoint: string, ids: readonly string[]): Record<string, LookupRecord | null> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badResponse(endpoint, [{ path: '', message: `is not JSON: ${JSON.stringify(text.slice(0, 120))}` }]);
  }
  const executions = isObject(body) ? body.executions : undefined;
  if (!isObject(executions)) {
    throw badResponse(endpoint, [{ path: 'executions', message: 'must be an object mapping each requested id to its record or null' }]);
  }
  const out: Record<string, LookupRecord | null> = {};
  const problems: InputProblem[] = [];
  for (const id of ids) {
    const raw = Object.hasOwn(executions, id) ? executions[id] : null;
    const rec = checkRecord(raw, `executions[${JSON.stringify(id)}]`, problems);
    out[id] = rec;
    if (problems.length >= 5) break;
  }
  if (problems.length > 0) throw badResponse(endpoint, problems);
  return out;
}

function checkRecord(raw: unknown, path: string, problems: InputProblem[]): LookupRecord | null {
  if (raw === null || raw === undefined) return null;
  if (!isObject(raw)) {
    problems.push({ path, message: 'must be an object {state, attempts, effects} or null' });
    return null;
  }
  if (typeof raw.state !== 'string' || raw.state === '') {
    problems.push({ path: `${path}.state`, message: `must be a non-empty string, got ${JSON.stringify(raw.state)}` });
    return null;
  }
  const rec: LookupRecord = { state: raw.state };
  for (const field of ['attempts', 'effects'] as const) {
    const v = raw[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      problems.push({ path: `${path}.${field}`, message: `must be a non-negative integer, got ${JSON.stringify(v)}` });
      continue;
    }
    rec[field] = v;
  }
  return rec;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function badResponse(endpoint: string, problems: InputProblem[], message?: string): StresslabError {
  return new StresslabError('BAD_RESULT', message ?? `The integrity audit's lookup ${endpoint} answered an unexpected body.`, {
    problems,
    hint: 'The audit expects 200 {"executions": {"<id>": {"state": "...", "attempts": n, "effects": n} | null}}; check audit.executions.lookup in the scenario.',
  });
}
