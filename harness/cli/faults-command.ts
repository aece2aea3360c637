import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { cleanupLedger, listActive } from '../faults/ledger-cleanup.ts';
import type { CleanupReport } from '../faults/ledger-cleanup.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { sweepOrphanedRunProcesses } from '../faults/orphan-run-processes.ts';
import type { OrphanAction } from '../faults/orphan-run-processes.ts';
import type { LedgerEntry } from '../faults/ledger-store.ts';
import { isAlive } from '../../process-kit/process-identity.ts';
import { describeUndo } from '../faults/undo-action.ts';
import type { CliIo, StresslabCommand } from './command.ts';

export interface FaultsArgs {
  action: 'list' | 'cleanup';
  ledger?: string;
  force: boolean;
}

/** `stresslab faults list|cleanup`: what the rollback ledger says is still active, and its removal. */
export const faultsCommand: StresslabCommand<FaultsArgs> = {
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['list', 'cleanup'] as const, describe: 'list: show active faults; cleanup: remove them' })
      .option('ledger', { type: 'string', describe: 'Ledger file (default: the machine ledger, $STRESSLAB_STATE_DIR/ledger.json or ~/.stresslab/ledger.json)' })
      .option('force', { type: 'boolean', default: false, describe: 'cleanup: also remove faults of runs that are still running' }) as unknown as Argv<FaultsArgs>,
  examples: [
    ['stresslab faults list', 'Show faults a run injected and has not removed'],
    ['stresslab faults cleanup', 'Remove toxics, hogs, held locks and paused processes left by a killed run'],
    ['stresslab faults cleanup --ledger reports/chaos-db/<run-id>/faults-ledger.json', 'Use one run\'s ledger'],
  ],
  async run(args, io) {
    const file = args.ledger === undefined ? machineLedgerPath() : path.resolve(io.cwd, args.ledger);
    if (args.action === 'list') {
      printActive(await listActive(file), file, io);
      return ExitCode.ok;
    }
    const report = await cleanupLedger(file, { force: args.force });
    // After the ledger (whose entries stop what they name, newest first): what no ledger names.
    const orphans = await sweepOrphanedRunProcesses();
    printCleanup(report, orphans, io);
    // A run ledger beside the reports that cannot be updated (a full disk) is a warning, exit 0: the
    // faults are gone and the machine ledger says so, and running cleanup again cannot fix a disk.
    // The cleaned ledger itself unwritable is exit 4: it still lists removed faults as active.
    const failed = report.entries.some((e) => e.outcome === 'failed') || orphans.some((o) => o.outcome === 'failed');
    return failed || report.unwritable.some((u) => u.file === report.ledgerFile) ? ExitCode.environmentNotReady : ExitCode.ok;
  },
};

function printActive(entries: LedgerEntry[], file: string, io: CliIo): void {
  if (entries.length === 0) {
    io.out(`no active faults in ${file}`);
    return;
  }
  io.out(`${entries.length} active fault(s) in ${file}:`);
  for (const e of entries) {
    const owner = isAlive(e.owner) ? `run still alive (pid ${e.owner.pid})` : `run gone (pid ${e.owner.pid})`;
    io.out(`  ${e.id}  ${e.kind}  since ${e.recordedAt}  ${owner}`);
    for (const a of e.undo) io.out(`    undo: ${describeUndo(a)}`);
  }
}

function printCleanup(report: CleanupReport, orphans: OrphanAction[], io: CliIo): void {
  for (const o of orphans) io.out(`${o.outcome.padEnd(12)} ${o.action}${o.detail ? ` (${o.detail})` : ''}`);
  for (const u of report.unwritable) {
    io.err(`warning: could not mark the removed faults done in ${u.file}: ${u.message}${u.file === report.ledgerFile ? ' (they are removed; it still lists them as active until it can be written)' : ' (they are removed and the machine ledger says so; that file is the run\'s own copy)'}`);
  }
  if (report.entries.length === 0) {
    if (orphans.length === 0) io.out(`nothing to clean up in ${report.ledgerFile}`);
    return;
  }
  for (const e of report.entries) {
    const what = e.outcome === 'skipped-live-run' ? 'skipped: its run is still alive (use --force)' : e.outcome;
    io.out(`${e.id} (${e.kind}): ${what}`);
    for (const a of e.actions) io.out(`  ${a.outcome.padEnd(12)} ${a.action}${a.detail ? ` (${a.detail})` : ''}`);
  }
  const failed = report.entries.filter((e) => e.outcome === 'failed').length;
  if (failed > 0) io.err(`${failed} fault(s) could not be fully removed; they stay in the ledger. Fix the cause and run cleanup again.`);
}
