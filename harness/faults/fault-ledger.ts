import path from 'node:path';
import { identify } from '../../process-kit/process-identity.ts';
import type { ProcessIdentity } from '../../process-kit/process-identity.ts';
import { updateLedger } from './ledger-store.ts';
import type { LedgerDocument, LedgerEntry } from './ledger-store.ts';
import type { UndoAction } from './undo-action.ts';

export interface FaultLedgerOptions {
  runId: string;
  /** The ledger beside the run's report (kept, with done entries, as the run's record). */
  runFile: string | null;
  /** The machine-wide ledger (machineLedgerPath()); done entries are dropped from it. */
  machineFile: string | null;
  /**
   * Told when the run's own copy cannot be written (a full disk): the machine ledger alone is what
   * cleanup needs, so the fault goes on (or its removal is recorded) and the copy's failure is said.
   */
  onWarning?: (message: string) => void;
}

/**
 * Entries a live FaultLedger of this process has opened and not yet marked done. The cleanup at a
 * run's start takes an entry owned by a dead harness for a leftover; one owned by this very process
 * is a leftover only when no run here holds it, or a second run started in the same process
 * (library use, test suites) would roll back the first run's active faults and kill its processes.
 */
const heldHere = new Set<string>();

/** True while a run of this process holds the entry open (its fault is on, or its processes run). */
export function isHeldByThisProcess(entryId: string): boolean {
  return heldHere.has(entryId);
}

/**
 * The rollback ledger of one run (Chaos Toolkit's rollbacks, made durable): the intent of every
 * fault step is written before the step is taken, completion after its removal.
 */
export class FaultLedger {
  readonly runId: string;
  private readonly files: LedgerEntry['files'];
  private readonly owner: ProcessIdentity = identify(process.pid);
  private readonly onWarning: (message: string) => void;
  /** Run copies already reported as unwritable: one warning per file, not one per update. */
  private readonly warned = new Set<string>();
  /** Updates of this process go one at a time; the lock file orders them against other processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: FaultLedgerOptions) {
    this.runId = opts.runId;
    this.onWarning = opts.onWarning ?? (() => {});
    this.files = [];
    if (opts.runFile !== null) this.files.push({ path: path.resolve(opts.runFile), keepDone: true });
    if (opts.machineFile !== null) this.files.push({ path: path.resolve(opts.machineFile), keepDone: false });
  }

  entryId(fault: string): string {
    return `${this.runId}/${fault}`;
  }

  /** Records that a fault is about to be injected (before any of its steps). */
  open(fault: { name: string; kind: string }): Promise<void> {
    const entry: LedgerEntry = {
      id: this.entryId(fault.name),
      runId: this.runId,
      fault: fault.name,
      kind: fault.kind,
      owner: this.owner,
      recordedAt: new Date().toISOString(),
      state: 'active',
      doneAt: null,
      files: this.files,
      undo: [],
    };
    heldHere.add(entry.id);
    return this.update((doc) => ({ ...doc, entries: [...doc.entries.filter((e) => e.id !== entry.id), entry] }));
  }

  /** Records what would undo the next step, before the step is taken. */
  intend(fault: string, action: UndoAction): Promise<void> {
    const id = this.entryId(fault);
    return this.update((doc) => ({
      ...doc,
      entries: doc.entries.map((e) => (e.id === id ? { ...e, state: 'active' as const, undo: [...e.undo, action] } : e)),
    }));
  }

  /** Marks the fault removed: the run ledger keeps the entry as done, the machine ledger forgets it. */
  done(fault: string): Promise<void> {
    heldHere.delete(this.entryId(fault));
    return this.update((doc, file) => markDone(doc, this.entryId(fault), !file.keepDone));
  }

  /**
   * Updates every file on its own: a run copy that cannot be written (ENOSPC beside the reports) must
   * not keep the machine ledger from recording the step, so its failure is a warning. The machine
   * ledger's failure (or the only file's) is thrown: without it cleanup could not find the fault.
   */
  private update(change: (doc: LedgerDocument, file: LedgerEntry['files'][number]) => LedgerDocument): Promise<void> {
    const next = this.queue.then(async () => {
      let essential: unknown = null;
      for (const file of this.files) {
        try {
          await updateLedger(file.path, (doc) => change(doc, file));
        } catch (e) {
          const isRunCopy = file.keepDone && this.files.some((f) => !f.keepDone);
          if (!isRunCopy) {
            essential ??= e;
            continue;
          }
          if (!this.warned.has(file.path)) {
            this.warned.add(file.path);
            this.onWarning(`could not update the run's fault ledger ${file.path}: ${(e as Error).message} (the machine ledger still records every fault; \`stresslab faults list\` shows them)`);
          }
        }
      }
      if (essential !== null) throw essential;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export function markDone(doc: LedgerDocument, id: string, drop: boolean): LedgerDocument {
  if (drop) return { ...doc, entries: doc.entries.filter((e) => e.id !== id) };
  const doneAt = new Date().toISOString();
  return { ...doc, entries: doc.entries.map((e) => (e.id === id ? { ...e, state: 'done' as const, doneAt } : e)) };
}
