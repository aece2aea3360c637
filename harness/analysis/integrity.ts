import type { Integrity } from '../contract/run-result.ts';

/**
 * The integrity audit (docs/integrity.md): every id captured from an accepted response is looked
 * up after the load (and the grace period) and classified.
 * - lost: the lookup does not know the id (null or absent): accepted work that was never stored;
 * - stuck: stored, but not in a terminal state after the grace period;
 * - terminal: stored and terminal;
 * - duplicated: ids whose work happened more than once, i.e. the lookup reports `effects > 1`, or
 *   the same id was returned for two different idempotency keys (two distinct requests merged into
 *   one execution). The same id returned twice for the same key is an idempotent replay, not a
 *   duplicate. Acceptances without a key count as distinct requests. Counted per id.
 * Lost and stuck are exclusive; a duplicated id is also counted as terminal or stuck.
 */

export interface Acceptance {
  id: string;
  idempotencyKey: string | null;
}

export interface LookupRecord {
  state: string;
  attempts?: number;
  /** How many times the execution's effect was applied (1 is correct). */
  effects?: number;
}

export interface IntegrityAudit {
  integrity: Integrity;
  /** First `listLimit` ids of each problem class, for reports. */
  lostIds: string[];
  stuckIds: string[];
  duplicatedIds: string[];
  /** State → count over the stored ids (e.g. {succeeded: 980, running: 3}). */
  states: Record<string, number>;
}

export function auditIntegrity(
  acceptances: readonly Acceptance[],
  lookups: Readonly<Record<string, LookupRecord | null>>,
  terminalStates: readonly string[],
  listLimit = 100,
): IntegrityAudit {
  const keysById = distinctRequestsById(acceptances);
  const terminalSet = new Set(terminalStates);
  const lost: string[] = [];
  const stuck: string[] = [];
  const duplicated: string[] = [];
  const states: Record<string, number> = {};
  let terminal = 0;
  for (const [id, requests] of keysById) {
    const rec = Object.hasOwn(lookups, id) ? lookups[id] : null;
    if (rec === null || rec === undefined) {
      lost.push(id);
      continue;
    }
    states[rec.state] = (states[rec.state] ?? 0) + 1;
    if (terminalSet.has(rec.state)) terminal++;
    else stuck.push(id);
    if ((rec.effects ?? 0) > 1 || requests > 1) duplicated.push(id);
  }
  return {
    integrity: { status: 'complete', reason: null, accepted: keysById.size, terminal, lost: lost.length, stuck: stuck.length, duplicated: duplicated.length },
    lostIds: lost.slice(0, listLimit),
    stuckIds: stuck.slice(0, listLimit),
    duplicatedIds: duplicated.slice(0, listLimit),
    states,
  };
}

/** id → number of distinct requests that were answered with it. */
function distinctRequestsById(acceptances: readonly Acceptance[]): Map<string, number> {
  const keys = new Map<string, Set<string>>();
  const unkeyed = new Map<string, number>();
  for (const a of acceptances) {
    if (a.idempotencyKey === null) {
      unkeyed.set(a.id, (unkeyed.get(a.id) ?? 0) + 1);
      if (!keys.has(a.id)) keys.set(a.id, new Set());
    } else {
      const set = keys.get(a.id) ?? new Set<string>();
      set.add(a.idempotencyKey);
      keys.set(a.id, set);
    }
  }
  const out = new Map<string, number>();
  for (const [id, set] of keys) out.set(id, set.size + (unkeyed.get(id) ?? 0));
  return out;
}
