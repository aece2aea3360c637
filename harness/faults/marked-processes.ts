import fs from 'node:fs';

/**
 * Helper processes carry their ledger entry id in argv. Between spawn and the ledger write that
 * names their pid, this marker is the only trace of them, so cleanup also looks for it.
 */
export function faultMarker(entryId: string): string {
  return `--stresslab-fault=${entryId}`;
}

/** Pids whose argv carries the marker of this ledger entry (Linux /proc; empty elsewhere). */
export function findMarkedProcesses(entryId: string): number[] {
  const marker = faultMarker(entryId);
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(marker)) pids.push(Number(name));
    } catch {
      /* exited while we looked */
    }
  }
  return pids;
}
