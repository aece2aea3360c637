import type { TargetExit } from '../contract/target-exit.ts';
import type { ManagedTarget } from './managed-target.ts';

export interface TargetExitWatch {
  /**
   * Stops watching. Call it once the faults are rolled back: an exit a fault asked for whose
   * target is still down then was a death after all, and is told again with `expected: false`.
   */
  stop(): void;
}

/**
 * Tells every exit of the managed target the moment it happens, on the run clock. An exit that
 * followed a process fault's signal is `expected` (the fault restarts the target); any other is
 * the target dying under the load. Nothing to watch for a target the harness does not own.
 */
export function watchTargetExits(
  managed: Pick<ManagedTarget, 'onExit' | 'running'> | null,
  opts: { nowMs: () => number; onExit: (exit: TargetExit, detail: string | null) => void },
): TargetExitWatch {
  if (managed === null) return { stop: () => undefined };
  let last: TargetExit | null = null;
  const unsubscribe = managed.onExit((x) => {
    last = { atMs: opts.nowMs(), code: x.code, signal: x.signal, expected: x.requested };
    opts.onExit(last, x.requested ? 'asked for by a process fault' : null);
  });
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      const l: TargetExit | null = last;
      if (l !== null && l.expected && !managed.running) opts.onExit({ ...l, expected: false }, 'not restarted');
    },
  };
}
