import { randomBytes } from 'node:crypto';
import { identify } from '../../process-kit/process-identity.ts';
import { FaultLedger } from './fault-ledger.ts';
import { runProcessMarker } from './marked-processes.ts';
import type { UndoAction } from './undo-action.ts';

/** The ledger kind of the entry that lists the processes a run started for itself. */
export const RUN_PROCESSES_KIND = 'run-processes';

export interface RunProcessLedgerOptions {
  /** The machine ledger (machineLedgerPath()); null keeps no record (markers still find the processes). */
  machineFile: string | null;
  onWarning?: (message: string) => void;
}

/**
 * What a run started for itself (the target, its PostgreSQL, the embedded Toxiproxy), recorded in the
 * machine ledger like a fault: an entry of kind `run-processes`, opened before the first spawn, with a
 * `kill-process` / `stop-postgres-cluster` undo per process, done when the run stops them. After a
 * SIGKILL of the harness, `faults cleanup` and the next run's start undo it. Every process also carries
 * `marker` in argv, so one spawned just before the SIGKILL (its pid not yet written) is still found;
 * the entry id names the owning harness (pid and start time) so a live run's processes are left alone.
 *
 * A ledger that cannot be written does not stop the run (a run without faults needs none): it is a
 * warning, and the markers and the cluster directory names remain for cleanup.
 */
export class RunProcessLedger {
  readonly entryId: string;
  readonly marker: string;
  private readonly ledger: FaultLedger | null;
  private readonly onWarning: (message: string) => void;
  private opened = false;
  private opening: Promise<void> | null = null;

  constructor(opts: RunProcessLedgerOptions) {
    const me = identify(process.pid);
    // The nonce keeps two runs of one process (library use, --runs N) from sharing an entry.
    const runId = `harness-${me.pid}.${me.startTime ?? 'x'}-${randomBytes(4).toString('hex')}`;
    this.entryId = `${runId}/processes`;
    this.marker = runProcessMarker(this.entryId);
    this.onWarning = opts.onWarning ?? (() => {});
    this.ledger = opts.machineFile === null ? null : new FaultLedger({ runId, runFile: null, machineFile: opts.machineFile });
  }

  /** Records the entry; call before the first spawn (later calls wait for the first). */
  open(): Promise<void> {
    this.opening ??= this.guard('record the processes this run starts', async (l) => {
      await l.open({ name: 'processes', kind: RUN_PROCESSES_KIND });
      this.opened = true;
    });
    return this.opening;
  }

  /** Records how to stop a process just started (pid + start time, never a name). */
  async record(action: UndoAction): Promise<void> {
    if (!this.opened) return;
    await this.guard('record a started process', (l) => l.intend('processes', action));
  }

  /** Everything the run started is stopped: the machine ledger forgets the entry. */
  async close(): Promise<void> {
    if (!this.opened) return;
    await this.guard('mark the run\'s processes stopped', (l) => l.done('processes'));
  }

  private async guard(what: string, step: (l: FaultLedger) => Promise<void>): Promise<void> {
    if (this.ledger === null) return;
    try {
      await step(this.ledger);
    } catch (e) {
      this.onWarning(`could not ${what} in the fault ledger: ${(e as Error).message} (\`stresslab faults cleanup\` still finds them by the marker in their command line)`);
    }
  }
}
