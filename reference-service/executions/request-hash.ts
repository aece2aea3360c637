import { createHash } from 'node:crypto';
import type { NewExecution } from './execution-types.ts';

/** JSON with object keys sorted, so that `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Identifies the body of an idempotent request: same key with another hash is a conflict. */
export function requestHash(e: Omit<NewExecution, 'idempotencyKey'>): string {
  return createHash('sha256')
    .update(canonicalJson({ asset_id: e.assetId, action: e.action, params: e.params }))
    .digest('base64url');
}
