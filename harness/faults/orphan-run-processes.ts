import os from 'node:os';
import { identify, isAlive, waitUntilGone } from '../../process-kit/process-identity.ts';
import { sweepOrphanClusters } from '../../process-kit/postgres/orphan-clusters.ts';
import { findRunProcesses } from './marked-processes.ts';
import { killProcess } from './undo-executor.ts';
import type { UndoOutcome } from './undo-executor.ts';

export interface OrphanAction {
  action: string;
  outcome: UndoOutcome;
  detail?: string;
}

/**
 * What a SIGKILLed run left that no ledger entry names (its ledger write never happened, or the
 * ledger is another one): processes carrying a run marker whose owning harness is gone, and
 * throw-away PostgreSQL clusters (in `tmp`) whose owner is gone. A live owner's are never touched.
 */
export async function sweepOrphanedRunProcesses(tmp = os.tmpdir()): Promise<OrphanAction[]> {
  const actions: OrphanAction[] = [];
  for (const p of findRunProcesses()) {
    if (p.owner.pid === process.pid || isAlive(p.owner)) continue;
    const r = await killProcess(identify(p.pid));
    if (r.outcome !== 'already-gone') actions.push({ action: `kill pid ${p.pid} of a killed run (marker ${p.entryId})`, ...r });
  }
  const swept = sweepOrphanClusters(tmp);
  const postmasters = swept.flatMap((c) => (c.postmasterPid === null ? [] : [identify(c.postmasterPid)]));
  // The sweep only signals; wait so that "cleaned" means the port and the workers are gone too.
  const gone = await waitUntilGone(postmasters, 10_000);
  for (const c of swept) {
    const stopped = c.postmasterPid === null ? '' : `stop its PostgreSQL (pid ${c.postmasterPid}) and `;
    actions.push({
      action: `${stopped}remove ${c.dir} (owner pid ${c.ownerPid} is gone)`,
      outcome: gone || c.postmasterPid === null ? 'undone' : 'failed',
      ...(gone ? {} : { detail: 'the postmaster did not exit within 10 s' }),
    });
  }
  return actions;
}
