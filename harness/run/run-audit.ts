import type { AuditOutcome } from '../contract/run-record.ts';
import { failpoint } from '../core/failpoint.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import type { AuditSpec } from '../scenario/schema-audit.ts';
import type { AcceptedIdStore } from './accepted-ids.ts';
import type { AuditSource } from './audit/audit-source.ts';
import { auditAccepted, emptyAuditStats } from './integrity-audit.ts';
import type { AcceptedAudit } from './integrity-audit.ts';

/** Below this many ids, "every one unknown" may well be true loss; above, it is more likely a wrong path. */
const ALL_UNKNOWN_WARNING_MIN = 10;

export type AuditStageResult =
  /** The audit ran to an outcome: complete, or `status: "error"` with the reason. */
  | { kind: 'audited'; outcome: AuditOutcome; warnings: string[] }
  /** Ctrl-C or SIGTERM during the audit: the run is aborted, as during the load. */
  | { kind: 'interrupted' }
  /** A bug of the harness (not of the source): the run's failure path (verdict error, exit 5). */
  | { kind: 'failed'; error: unknown };

const NO_IDS = { lostIds: [], stuckIds: [], duplicatedIds: [], states: {} };

/**
 * The audit as a stage of the run (docs/integrity.md, section When the audit fails). An audit that
 * fails never costs the run: a source that is down, past its timeout, or answering what its mapping
 * cannot read ends in `integrity: {status: "error", reason, accepted: n}` (counts unknown, null), and
 * the run goes on to write its record and reports; the verdict is then `inconclusive` (exit 1) unless
 * something failed. Only Ctrl-C (the run is aborted) and a bug of the harness end otherwise.
 */
export async function runAuditStage(input: {
  spec: AuditSpec;
  source: AuditSource;
  store: AcceptedIdStore;
  /** Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /** The run's failure path (run-failures.ts): a failure elsewhere stops the audit too. */
  failure?: AbortSignal;
}): Promise<AuditStageResult> {
  const { spec, source, store, signal } = input;
  // An audited run that accepted nothing audited nothing, and lost nothing.
  if (store.size === 0) return { kind: 'audited', outcome: { integrity: { status: 'complete', reason: null, accepted: 0, terminal: 0, lost: 0, stuck: 0, duplicated: 0 }, ...NO_IDS }, warnings: [] };
  const stats = emptyAuditStats(source, store.size);
  try {
    failpoint('audit');
    const stop = input.failure === undefined ? signal : AbortSignal.any([signal, input.failure]);
    const audit = await auditAccepted(store, { source, terminal: spec.terminal, graceMs: spec.graceMs, signal: stop, stats });
    const { integrity, lostIds, stuckIds, duplicatedIds, states } = audit;
    return { kind: 'audited', outcome: { integrity, lostIds, stuckIds, duplicatedIds, states }, warnings: auditWarnings(audit) };
  } catch (e) {
    if (signal.aborted) return { kind: 'interrupted' };
    await source.close().catch(() => undefined);
    if (!isStresslabError(e) || e.code === 'ABORTED') return { kind: 'failed', error: e };
    const integrity = { status: 'error' as const, reason: e.message, accepted: store.size, terminal: null, lost: null, stuck: null, duplicated: null, audit: stats };
    return { kind: 'audited', outcome: { integrity, ...NO_IDS }, warnings: e.hint === undefined ? [] : [`integrity audit: ${e.hint}`] };
  }
}

function auditWarnings(audit: AcceptedAudit): string[] {
  const out: string[] = [];
  const { integrity, stats } = audit;
  if (integrity.lost !== null && integrity.lost === integrity.accepted && integrity.accepted >= ALL_UNKNOWN_WARNING_MIN) {
    out.push(`every accepted id was unknown to the audit's source (${stats.label}): if the system did not really lose them all, the source's request, query or mapping is wrong`);
  }
  if (audit.lostIds.length > 0) out.push(`lost executions (first ${audit.lostIds.length}): ${audit.lostIds.slice(0, 10).join(', ')}${audit.lostIds.length > 10 ? ', …' : ''}`);
  if (audit.stuckIds.length > 0) out.push(`executions not terminal after the grace period (first ${audit.stuckIds.length}): ${audit.stuckIds.slice(0, 10).join(', ')}`);
  return out;
}
