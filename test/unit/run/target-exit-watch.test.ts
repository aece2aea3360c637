import { describe, expect, it } from 'vitest';
import type { TargetExit } from '../../../harness/contract/target-exit.ts';
import type { TargetExitNotice } from '../../../harness/run/managed-target.ts';
import { watchTargetExits } from '../../../harness/run/target-exit-watch.ts';

/**
 * A stand-in for ManagedTarget's exit notification: the real one needs the reference service and
 * its database; test/reliability/target-death.test.ts SIGKILLs a real one under load.
 */
function fakeTarget() {
  const listeners = new Set<(x: TargetExitNotice) => void>();
  return {
    running: true,
    onExit(l: (x: TargetExitNotice) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    exit(x: Partial<TargetExitNotice>) {
      this.running = false;
      for (const l of listeners) l({ pid: 1, code: null, signal: 'SIGKILL', requested: false, ...x });
    },
    listeners,
  };
}

describe('watchTargetExits', () => {
  it('tells each exit at once, on the run clock, expected when a fault asked for it', () => {
    const t = fakeTarget();
    let now = 15_200;
    const told: Array<[TargetExit, string | null]> = [];
    const w = watchTargetExits(t, { nowMs: () => now, onExit: (x, d) => told.push([x, d]) });
    t.exit({ requested: true });
    t.running = true; // the fault restarted it
    now = 30_000;
    t.exit({ code: 1, signal: null });
    expect(told).toEqual([
      [{ atMs: 15_200, code: null, signal: 'SIGKILL', expected: true }, 'asked for by a process fault'],
      [{ atMs: 30_000, code: 1, signal: null, expected: false }, null],
    ]);
    w.stop();
    expect(t.listeners.size).toBe(0);
    expect(told).toHaveLength(2);
  });

  it('an expected exit whose target is still down when it stops is told again as a death', () => {
    const t = fakeTarget();
    const told: Array<[TargetExit, string | null]> = [];
    const w = watchTargetExits(t, { nowMs: () => 9000, onExit: (x, d) => told.push([x, d]) });
    t.exit({ requested: true });
    w.stop();
    w.stop();
    expect(told.map(([x, d]) => [x.expected, d])).toEqual([
      [true, 'asked for by a process fault'],
      [false, 'not restarted'],
    ]);
    expect(told[1]?.[0].atMs).toBe(9000);
  });

  it('has nothing to watch for a target the harness does not own', () => {
    expect(() => watchTargetExits(null, { nowMs: () => 0, onExit: () => undefined }).stop()).not.toThrow();
  });
});
