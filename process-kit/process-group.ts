import fs from 'node:fs';
import { isAlive, readProcStat } from './process-identity.ts';
import type { ProcessIdentity } from './process-identity.ts';

/**
 * A started target runs as the leader of its own process group (spawned detached: pgid = its pid),
 * so a shell, a wrapper such as `npm run` and whatever they start are stopped, paused and sampled
 * together. While any member lives the kernel keeps the group's number reserved, so signalling a
 * group that still has members reaches no stranger; once it is empty the number may be reused.
 */

/** Live members (zombies left out) of process group `pgid`, from /proc; null where /proc is absent. */
export function groupMembers(pgid: number): number[] | null {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    // null: exited while we looked
    if (stat !== null && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(name));
  }
  return members;
}

/** True while some process of the group lives (zombies count as gone where /proc tells). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    // ESRCH: no process at all (the common answer, without reading /proc).
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Zombies still receive signal 0: only /proc tells them apart.
  const members = groupMembers(pgid);
  return members === null || members.length > 0;
}

/** Sends `signal` to every process of the group; false when it has none left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/**
 * Signals the group led by `leader` only while that very leader lives: after a SIGKILL of the
 * harness a ledger names the group by its leader's pid and start time, and a group of the same
 * number without that leader may be someone else's (its members are found by their run marker).
 */
export function signalGroupIdentified(leader: ProcessIdentity, signal: NodeJS.Signals): boolean {
  if (!isAlive(leader)) return false;
  return signalGroup(leader.pid, signal);
}

/** Resolves true once the group has no live member, false when `timeoutMs` ran out first. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stops a group: `signal`, then SIGKILL to whatever is left after `graceMs` (and SIGCONT with the
 * first signal, so a paused member can act on it). Resolves true once the group is empty.
 */
export async function stopGroup(pgid: number, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  if (!groupAlive(pgid)) return true;
  signalGroup(pgid, signal);
  signalGroup(pgid, 'SIGCONT');
  if (await waitGroupGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitGroupGone(pgid, 5_000);
}
