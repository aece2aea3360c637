import type { LookupRecord } from '../../analysis/integrity.ts';
import { joinJsonPath, readJsonPathValue } from '../../core/json-path.ts';

/** Where a record's fields are (JSON paths inside one record), as the scenario's source says. */
export interface RecordMapping {
  state: string;
  attempts?: string | undefined;
  effects?: string | undefined;
}

/** A field that did not match: its full path (`items[3].status`) and what was wrong. */
export interface MappingMiss {
  path: string;
  problem: string;
}

/**
 * One record through the mapping. `at` is the record's own path in the answer (`items[3]`), so a miss
 * names the full path. The state must be a non-empty string (a number is taken as its text, as
 * status codes sometimes are); attempts and effects non-negative integers, or their decimal text
 * (PostgreSQL's bigint and numeric arrive as text); absent or null optional fields are unknown.
 */
export function readRecord(raw: unknown, mapping: RecordMapping, at: string): LookupRecord | MappingMiss {
  const state = readJsonPathValue(raw, mapping.state);
  if (!state.found) return { path: joinJsonPath(at, state.missingAt), problem: 'is missing' };
  const stateText = typeof state.value === 'number' && Number.isFinite(state.value) ? String(state.value) : state.value;
  if (typeof stateText !== 'string' || stateText === '') {
    return { path: joinJsonPath(at, mapping.state), problem: `must be a non-empty string, got ${shortJson(state.value)}` };
  }
  const rec: LookupRecord = { state: stateText };
  for (const field of ['attempts', 'effects'] as const) {
    const path = mapping[field];
    if (path === undefined) continue;
    const read = readJsonPathValue(raw, path);
    if (!read.found || read.value === null) continue;
    const n = typeof read.value === 'string' && /^\d+$/.test(read.value) ? Number(read.value) : read.value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      return { path: joinJsonPath(at, path), problem: `must be a non-negative integer, got ${shortJson(read.value)}` };
    }
    rec[field] = n;
  }
  return rec;
}

export function isMiss(r: LookupRecord | MappingMiss): r is MappingMiss {
  return 'problem' in r;
}

/** An id as the system wrote it: strings as they are, integers (serial keys) as their text. */
export function idText(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return null;
}

function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
