import fs from 'node:fs';
import path from 'node:path';
import { isHeldByThisProcess, markDone } from './fault-ledger.ts';
import { readLedger, updateLedger } from './ledger-store.ts';
import type { LedgerEntry } from './ledger-store.ts';
import { findMarkedProcesses } from './marked-processes.ts';
import { identify, isAlive } from '../../process-kit/process-identity.ts';
import { describeUndo } from './undo-action.ts';
import { executeUndo, killProcess } from './undo-executor.ts';
import type { UndoOutcome } from './undo-executor.ts';

export interface CleanupOptions {
  /** Also undo faults of runs whose harness is still alive (default: leave them alone). */
  force?: boolean;
}

export interface CleanupEntryReport {
  id: string;
  fault: string;
  kind: string;
  outcome: 'cleaned' | 'skipped-live-run' | 'failed';
  actions: Array<{ action: string; outcome: UndoOutcome; detail?: string }>;
}

export interface CleanupReport {
  ledgerFile: string;
  entries: CleanupEntryReport[];
  /**
   * Ledgers that could not be updated (a full disk, a read-only mount): the faults are removed all the
   * same. The cleaned ledger itself among them means a second cleanup repeats the (harmless) undo.
   */
  unwritable: Array<{ file: string; message: string }>;
}

/** The entries of a ledger still marked active (injected and not known to be removed). */
export async function listActive(ledgerFile: string): Promise<LedgerEntry[]> {
  return (await readLedger(path.resolve(ledgerFile))).entries.filter((e) => e.state === 'active');
}

/**
 * Removes what killed runs left behind, newest fault first and each fault's steps in reverse:
 * toxics, disabled proxies, helper processes, paused processes, held sessions, triggers, commands.
 * An entry is marked done in every ledger holding it once all its steps are undone or already gone,
 * so running it twice is safe and the second run finds nothing.
 */
export async function cleanupLedger(ledgerFile: string, opts: CleanupOptions = {}): Promise<CleanupReport> {
  const file = path.resolve(ledgerFile);
  const report: CleanupReport = { ledgerFile: file, entries: [], unwritable: [] };
  const entries = (await listActive(file)).reverse();
  for (const entry of entries) {
    const r = await cleanupEntry(entry, opts);
    report.entries.push(r);
    if (r.outcome === 'cleaned') {
      for (const u of await markEntryDone(entry, file)) if (!report.unwritable.some((x) => x.file === u.file)) report.unwritable.push(u);
    }
  }
  return report;
}

async function cleanupEntry(entry: LedgerEntry, opts: CleanupOptions): Promise<CleanupEntryReport> {
  const report: CleanupEntryReport = { id: entry.id, fault: entry.fault, kind: entry.kind, outcome: 'cleaned', actions: [] };
  // An entry of this process is live while one of its runs holds it; otherwise it is left from an
  // earlier run here (or from a dead harness whose pid this process reuses).
  const live = entry.owner.pid === process.pid ? isHeldByThisProcess(entry.id) : isAlive(entry.owner);
  if (!opts.force && live) {
    report.outcome = 'skipped-live-run';
    return report;
  }
  // Helpers spawned just before a SIGKILL may be known only by the marker in their argv.
  for (const pid of findMarkedProcesses(entry.id)) {
    const r = await killProcess(identify(pid));
    report.actions.push({ action: `kill helper process found by its marker (pid ${pid})`, ...r });
  }
  for (const action of [...entry.undo].reverse()) {
    const r = await executeUndo(action);
    report.actions.push({ action: describeUndo(action), ...r });
  }
  if (report.actions.some((a) => a.outcome === 'failed')) report.outcome = 'failed';
  return report;
}

/** Marks the entry done in every ledger holding it; each file on its own, so one full disk does not keep the others stale. */
async function markEntryDone(entry: LedgerEntry, file: string): Promise<CleanupReport['unwritable']> {
  const files = entry.files.some((f) => f.path === file) ? entry.files : [...entry.files, { path: file, keepDone: true }];
  const unwritable: CleanupReport['unwritable'] = [];
  for (const f of files) {
    // A run ledger deleted with its report directory is not brought back just to say "done".
    if (f.path !== file && !fs.existsSync(f.path)) continue;
    try {
      await updateLedger(f.path, (doc) => markDone(doc, entry.id, !f.keepDone));
    } catch (e) {
      unwritable.push({ file: f.path, message: (e as Error).message });
    }
  }
  return unwritable;
}
