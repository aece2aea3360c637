import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identify, isAlive as identityAlive, signalIdentified, waitUntilGone } from '../process-identity.ts';
import type { ProcessIdentity } from '../process-identity.ts';

/**
 * Throw-away clusters whose owner was SIGKILLed. A crash runs our exit hook, which stops the
 * postmaster and removes its directory; a SIGKILL runs nothing, and PostgreSQL (in its own process
 * group so that a terminal Ctrl-C reaches the harness first) keeps running on its port with its data
 * directory in the temp dir. The next embedded start sweeps them: a cluster directory is named after
 * the process that owns it (pid and start time, process-identity.ts), and one whose owner is gone is
 * stopped and removed.
 */

const PREFIX = 'stresslab-target-pg-';
const NAME = /^stresslab-target-pg-(\d+)(?:\.(\d+))?-/;

/** The mkdtemp prefix for a cluster owned by this process: `stresslab-target-pg-<pid>.<start time>-`. */
export function clusterDirPrefix(tmp = os.tmpdir()): string {
  const me = identify(process.pid);
  return path.join(tmp, `${PREFIX}${me.pid}${me.startTime === null ? '' : `.${me.startTime}`}-`);
}

export interface OrphanCluster {
  dir: string;
  ownerPid: number;
  /** The postmaster that still ran from it and was sent SIGQUIT, if any. */
  postmasterPid: number | null;
}

/**
 * Stops (SIGQUIT: immediate shutdown, the data is discarded anyway) and removes every cluster in `tmp`
 * whose owner process no longer exists (a zombie, or its pid now used by a process that started at
 * another time, counts as gone). A live owner keeps its cluster: sweeping must never take a database
 * from a running harness. Directories from before the owner was in the name are left alone.
 */
export function sweepOrphanClusters(tmp = os.tmpdir(), isAlive: (owner: ProcessIdentity) => boolean = identityAlive): OrphanCluster[] {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return [];
  }
  const swept: OrphanCluster[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    if (match === null) continue;
    const owner: ProcessIdentity = { pid: Number(match[1]), startTime: match[2] ?? null };
    if (owner.pid === process.pid || isAlive(owner)) continue;
    const dir = path.join(tmp, name);
    const postmaster = postmasterOf(dir);
    if (postmaster !== null) {
      try {
        process.kill(postmaster, 'SIGQUIT');
      } catch {
        // gone meanwhile, or not ours to signal
      }
    }
    // Without /proc the postmaster cannot be verified and is not signalled; with its directory gone it
    // notices its lock file is missing and shuts itself down within a minute.
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another user's cluster: not ours to remove, and no reason to fail this start.
      continue;
    }
    swept.push({ dir, ownerPid: owner.pid, postmasterPid: postmaster });
  }
  return swept;
}

/** Whether `dir` is named like a throw-away cluster of ours: the only directories stopCluster removes. */
export function isClusterDir(dir: string): boolean {
  return NAME.test(path.basename(dir));
}

export interface StoppedCluster {
  /** The postmaster was running and has been stopped. */
  stopped: boolean;
  /** The directory existed and has been removed. */
  removed: boolean;
}

/**
 * Stops one cluster and removes its directory, waiting for the postmaster to exit (its workers exit
 * before it does): the undo a run records for its embedded database, for `faults cleanup` after a
 * SIGKILL. The postmaster is signalled only while it is the process identified (pid and start time)
 * or, unidentified, while its command line names this directory; a directory not named like ours
 * is refused, since the path comes from a ledger file.
 */
export async function stopCluster(dir: string, postmaster: ProcessIdentity | null, waitMs = 10_000): Promise<StoppedCluster> {
  if (!isClusterDir(dir)) throw new Error(`${dir} is not a stresslab cluster directory; not removing it`);
  const targets: ProcessIdentity[] = [];
  if (postmaster !== null && identityAlive(postmaster)) targets.push(postmaster);
  const fromPidFile = postmasterOf(dir);
  if (fromPidFile !== null && !targets.some((t) => t.pid === fromPidFile)) targets.push(identify(fromPidFile));
  let stopped = false;
  // SIGQUIT: immediate shutdown, the data is discarded anyway; SIGKILL if it does not go in time.
  for (const t of targets) stopped = signalIdentified(t, 'SIGQUIT') || stopped;
  if (!(await waitUntilGone(targets, waitMs))) {
    for (const t of targets) signalIdentified(t, 'SIGKILL');
    await waitUntilGone(targets, 2_000);
  }
  const existed = fs.existsSync(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return { stopped, removed: existed };
}

/** The pid in the directory's postmaster.pid, if that process is a postgres serving this directory. */
function postmasterOf(dir: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    // A pid can be reused: signal it only when its command line still names this data directory.
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(dir) ? pid : null;
  } catch {
    return null;
  }
}
