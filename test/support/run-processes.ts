import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live processes that inherited a run's state directory through STRESSLAB_STATE_DIR (the harness
 * and everything it started: the target, hogs, PostgreSQL), as `pid: command line`. Zombies are
 * left out: they have exited and only wait for their parent to reap them.
 */
export function processesOf(stateDir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`STRESSLAB_STATE_DIR=${stateDir}`)) continue;
      found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')}`);
    } catch {
      // exited while we looked
    }
  }
  return found;
}
