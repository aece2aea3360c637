import { Toxiproxy } from 'toxiproxy-node-client';
import { terminateBackends, withDatabase } from './fault-database.ts';
import { isAlive, signalIdentified } from '../../process-kit/process-identity.ts';
import { signalGroupIdentified, waitGroupGone } from '../../process-kit/process-group.ts';
import { stopCluster } from '../../process-kit/postgres/orphan-clusters.ts';
import type { ProcessIdentity } from '../../process-kit/process-identity.ts';
import { runShell } from './shell-command.ts';
import { enableProxy, removeToxic } from './toxic-fault.ts';
import type { UndoAction } from './undo-action.ts';

export type UndoOutcome = 'undone' | 'already-gone' | 'failed';

export interface UndoResult {
  outcome: UndoOutcome;
  detail?: string;
}

/** Carries out one ledger action without the process that recorded it; never throws. */
export async function executeUndo(action: UndoAction): Promise<UndoResult> {
  try {
    return await execute(action);
  } catch (e) {
    return { outcome: 'failed', detail: e instanceof Error ? e.message : String(e) };
  }
}

async function execute(a: UndoAction): Promise<UndoResult> {
  switch (a.kind) {
    case 'remove-toxic':
      return toxiproxyStep(a.embedded, () => removeToxic(new Toxiproxy(a.toxiproxyUrl), a.proxy, a.toxic));
    case 'enable-proxy':
      return toxiproxyStep(a.embedded, () => enableProxy(new Toxiproxy(a.toxiproxyUrl), a.proxy));
    case 'kill-process':
      return a.group ? killProcessGroup(a) : killProcess(a);
    case 'resume-process':
      return (a.group ? signalGroupIdentified(a, 'SIGCONT') : signalIdentified(a, 'SIGCONT')) ? { outcome: 'undone' } : { outcome: 'already-gone' };
    case 'stop-postgres-cluster': {
      const r = await stopCluster(a.dir, { pid: a.pid, startTime: a.startTime });
      return r.stopped || r.removed ? { outcome: 'undone' } : { outcome: 'already-gone' };
    }
    case 'terminate-backends': {
      const n = await terminateBackends(a.databaseUrl, { applicationName: a.applicationName });
      return n > 0 ? { outcome: 'undone', detail: `${n} session(s) terminated` } : { outcome: 'already-gone' };
    }
    case 'run-sql':
      await withDatabase(a.databaseUrl, (c) => c.query(a.sql));
      return { outcome: 'undone' };
    case 'http-request':
      return httpStep(a.method, a.url, a.headers);
    case 'run-command': {
      const r = await runShell(a.command, { timeoutMs: a.timeoutMs, cwd: a.cwd });
      if (r.code === 0) return { outcome: 'undone' };
      return { outcome: 'failed', detail: `${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}: ${r.stderr.trim().slice(-500)}` };
    }
  }
}

async function toxiproxyStep(embedded: boolean, step: () => Promise<boolean>): Promise<UndoResult> {
  try {
    return (await step()) ? { outcome: 'undone' } : { outcome: 'already-gone' };
  } catch (e) {
    // An embedded Toxiproxy lives in the run's process: unreachable means gone, with its toxics and proxies.
    if (embedded && e instanceof Error && e.name === 'TypeError') return { outcome: 'already-gone', detail: 'the embedded Toxiproxy is gone' };
    throw e;
  }
}

export async function killProcess(id: ProcessIdentity): Promise<UndoResult> {
  if (!signalIdentified(id, 'SIGKILL')) return { outcome: 'already-gone' };
  const deadline = Date.now() + 5_000;
  while (isAlive(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return isAlive(id) ? { outcome: 'failed', detail: `pid ${id.pid} survived SIGKILL` } : { outcome: 'undone' };
}

/** A started target's whole process group, while its leader is still the one recorded (process-group.ts). */
async function killProcessGroup(leader: ProcessIdentity): Promise<UndoResult> {
  if (!signalGroupIdentified(leader, 'SIGKILL')) return { outcome: 'already-gone' };
  return (await waitGroupGone(leader.pid, 5_000)) ? { outcome: 'undone' } : { outcome: 'failed', detail: `process group ${leader.pid} survived SIGKILL` };
}

async function httpStep(method: string, url: string, headers: Record<string, string>): Promise<UndoResult> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    // The state lived in the target's process; an unreachable target holds none.
    return { outcome: 'already-gone', detail: `unreachable: ${(e as Error).message}` };
  }
  await res.text();
  return res.ok ? { outcome: 'undone' } : { outcome: 'failed', detail: `${method} ${url} answered ${res.status}` };
}
