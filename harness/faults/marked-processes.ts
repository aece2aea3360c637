import fs from 'node:fs';
import type { ProcessIdentity } from '../../process-kit/process-identity.ts';

/**
 * Helper processes carry their ledger entry id in argv. Between spawn and the ledger write that
 * names their pid, this marker is the only trace of them, so cleanup also looks for it.
 */
export function faultMarker(entryId: string): string {
  return `--stresslab-fault=${entryId}`;
}

/**
 * Processes a run starts for itself (the target, the embedded Toxiproxy) carry the id of the run's
 * `run-processes` ledger entry, which names the harness that owns them (runProcessOwner): they are
 * found after a SIGKILL even when the ledger write that named their pid never happened.
 */
export function runProcessMarker(entryId: string): string {
  return `--stresslab-run=${entryId}`;
}

/**
 * The environment variable that carries a run marker to a started target (target.start) and to
 * everything it starts in turn: a user's command takes no extra argument, but its children inherit
 * the environment, so a grandchild that left the target's process group is found too.
 */
export const RUN_MARKER_ENV = 'STRESSLAB_RUN_MARKER';

const RUN_MARKER = /^--stresslab-run=(harness-(\d+)\.(\d+|x)-[0-9a-f]+\/processes)$/;

/** The harness that owns a `run-processes` entry id (`harness-<pid>.<start time or x>-<nonce>/processes`), or null. */
export function runProcessOwner(entryId: string): ProcessIdentity | null {
  const m = RUN_MARKER.exec(runProcessMarker(entryId));
  return m === null ? null : { pid: Number(m[2]), startTime: m[3] === 'x' ? null : m[3]! };
}

/** Pids whose argv (or RUN_MARKER_ENV) carries the marker of this ledger entry (Linux /proc; empty elsewhere). */
export function findMarkedProcesses(entryId: string): number[] {
  const markers = [faultMarker(entryId), runProcessMarker(entryId)];
  return scanArgv((argv) => argv.some((a) => markers.includes(a)));
}

export interface MarkedRunProcess {
  pid: number;
  entryId: string;
  owner: ProcessIdentity;
}

/** Every process carrying a run marker, with the harness that owns it (Linux /proc; empty elsewhere). */
export function findRunProcesses(): MarkedRunProcess[] {
  const found: MarkedRunProcess[] = [];
  for (const pid of scanArgv((argv) => argv.some((a) => RUN_MARKER.test(a)))) {
    const argv = readMarkers(pid);
    const entryId = argv?.map((a) => RUN_MARKER.exec(a)?.[1]).find((id) => id !== undefined);
    const owner = entryId === undefined ? null : runProcessOwner(entryId);
    if (entryId !== undefined && owner !== null) found.push({ pid, entryId, owner });
  }
  return found;
}

function readArgv(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
}

/** The argv of a process plus the value of its RUN_MARKER_ENV, if any: where a marker may be. */
function readMarkers(pid: number): string[] | null {
  const argv = readArgv(pid);
  if (argv === null) return null;
  let environ: string[];
  try {
    environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    // Another user's process (EACCES), or gone: its argv is all there is.
    return argv;
  }
  const prefix = `${RUN_MARKER_ENV}=`;
  const marker = environ.find((e) => e.startsWith(prefix));
  return marker === undefined ? argv : [...argv, marker.slice(prefix.length)];
}

function scanArgv(matches: (argv: string[]) => boolean): number[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const argv = readMarkers(Number(name));
    // null: exited while we looked
    if (argv !== null && matches(argv)) pids.push(Number(name));
  }
  return pids;
}
