import fs from 'node:fs';

/**
 * A process named by pid plus its start time (field 22 of /proc/<pid>/stat, clock ticks since boot):
 * pids are reused, so a ledger that outlives its run must never signal a stranger with an old pid.
 */
export interface ProcessIdentity {
  pid: number;
  /** null where /proc is unavailable; then only the pid is checked. */
  startTime: string | null;
}

interface ProcStat {
  /** R running, S sleeping, T stopped, Z zombie, … */
  state: string;
  startTime: string;
  /** The process group (field 5). */
  pgrp: number;
  /** CPU clock ticks in user and kernel mode (fields 14 and 15), children not included. */
  cpuTicks: number;
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses; the fields after the last ")" do not.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state === undefined || startTime === undefined ? null : { state, startTime, pgrp: Number(fields[2]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

export function identify(pid: number): ProcessIdentity {
  return { pid, startTime: readProcStat(pid)?.startTime ?? null };
}

/** True while the very process that was identified lives (zombies count as gone). */
export function isAlive(id: ProcessIdentity): boolean {
  const stat = readProcStat(id.pid);
  if (stat === null) return fs.existsSync('/proc') ? false : pidExists(id.pid);
  if (stat.state === 'Z') return false;
  return id.startTime === null || stat.startTime === id.startTime;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals the process only if it is still the one identified; returns whether it was sent. */
export function signalIdentified(id: ProcessIdentity, signal: NodeJS.Signals): boolean {
  if (!isAlive(id)) return false;
  try {
    process.kill(id.pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/** Resolves true once none of the identified processes lives, false when `timeoutMs` ran out first. */
export async function waitUntilGone(ids: readonly ProcessIdentity[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!ids.some((id) => isAlive(id))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
