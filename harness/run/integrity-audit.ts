import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditIntegrity } from '../analysis/integrity.ts';
import type { IntegrityAudit, LookupRecord } from '../analysis/integrity.ts';
import type { AuditStats } from '../contract/run-result.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { AcceptedIdStore } from './accepted-ids.ts';
import { checkAborted } from './audit/audit-source.ts';
import type { AuditSource } from './audit/audit-source.ts';

/**
 * The I/O half of the integrity audit (docs/integrity.md): looks up every accepted id through the
 * scenario's source (run/audit/), then re-polls only the ids not yet terminal (unknown ids included:
 * a store may make writes visible late, and ids the source could not answer) until all are terminal
 * or the grace period ends. The classification is analysis/integrity.ts's; `auditAccepted` runs both.
 * Ids the source never answered by the end → TARGET_UNREACHABLE; what the source could not read →
 * its BAD_RESULT at once. The runner turns either into `integrity.status: "error"` (run-audit.ts).
 */
export interface IntegrityAuditOptions {
  source: AuditSource;
  /** Every accepted id (duplicates are ignored). */
  ids: Iterable<string>;
  terminal: readonly string[];
  graceMs: number;
  /** Pause between rounds. Default 500 ms. */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** Filled in as the audit goes, so a failed audit still tells how far it got. */
  stats?: AuditStats;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface IntegrityLookups {
  /** id → its record, or null when the source does not know it. */
  lookups: Record<string, LookupRecord | null>;
  stats: AuditStats;
}

export function emptyAuditStats(source: Pick<AuditSource, 'kind' | 'label'>, ids = 0): AuditStats {
  return { source: source.kind, label: source.label, ids, lookups: 0, rounds: 0, waitedMs: 0, idsPerSec: null };
}

export async function runIntegrityAudit(opts: IntegrityAuditOptions): Promise<IntegrityLookups> {
  const { source } = opts;
  // Every lane of a source listens to the signal (a request each, a backoff each): one signal of
  // our own, without the listener limit meant to catch leaks, tied to the caller's by one listener.
  const own = new AbortController();
  setMaxListeners(0, own.signal);
  const outer = opts.signal;
  const forward = (): void => own.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const signal = own.signal;
  const terminal = new Set(opts.terminal);
  const lookups: Record<string, LookupRecord | null> = Object.create(null) as Record<string, LookupRecord | null>;
  let pending = [...new Set(opts.ids)];
  const stats = Object.assign(opts.stats ?? emptyAuditStats(source), { ids: pending.length });
  const startedMs = performance.now();
  const deadlineMs = startedMs + opts.graceMs;
  let lookupMs = 0;
  let lastError = '';
  try {
    while (pending.length > 0) {
      checkAborted(signal);
      stats.rounds++;
      const roundStart = performance.now();
      const round = await source.lookup(pending, signal);
      checkAborted(signal);
      lookupMs += performance.now() - roundStart;
      stats.lookups += round.answered.size;
      stats.idsPerSec = lookupMs > 0 ? Math.round((stats.lookups / lookupMs) * 1000) : null;
      stats.waitedMs = Math.round(performance.now() - startedMs);
      for (const [id, rec] of round.answered) lookups[id] = rec;
      if (round.error !== null) lastError = round.error;
      pending = pending.filter((id) => !round.answered.has(id) || !terminal.has(round.answered.get(id)?.state ?? ''));
      opts.log?.('audit_round', { round: stats.rounds, answered: round.answered.size, pending: pending.length, error: round.error });
      const left = deadlineMs - performance.now();
      if (pending.length === 0 || left <= 0) break;
      await sleep(Math.min(opts.pollIntervalMs ?? 500, left), undefined, { signal }).catch(() => checkAborted(signal));
    }
  } finally {
    outer?.removeEventListener('abort', forward);
    stats.waitedMs = Math.round(performance.now() - startedMs);
    await source.close().catch(() => undefined);
  }
  const neverAnswered = pending.filter((id) => !Object.hasOwn(lookups, id));
  if (neverAnswered.length > 0) {
    throw new StresslabError('TARGET_UNREACHABLE', `${source.label} could not look up ${neverAnswered.length} of ${stats.ids} accepted ids in ${stats.rounds} round(s) over ${(stats.waitedMs / 1000).toFixed(1)} s: ${lastError}`, {
      hint: 'the source did not answer within the grace period; check that it is up, or raise audit.executions.graceSeconds',
    });
  }
  return { lookups, stats };
}

export interface AcceptedAudit extends IntegrityAudit {
  stats: AuditStats;
}

/** The whole audit for the runner: look up every id of the store, then classify (analysis/integrity.ts). */
export async function auditAccepted(store: AcceptedIdStore, opts: Omit<IntegrityAuditOptions, 'ids'>): Promise<AcceptedAudit> {
  const { lookups, stats } = await runIntegrityAudit({ ...opts, ids: store.ids() });
  const audit = auditIntegrity(store.acceptances(), lookups, opts.terminal);
  return { ...audit, integrity: { ...audit.integrity, audit: stats }, stats };
}
