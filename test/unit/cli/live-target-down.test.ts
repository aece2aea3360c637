import { describe, expect, it } from 'vitest';
import { liveObserver } from '../../../harness/cli/live-observer.ts';
import { plainLine, ttyLines } from '../../../harness/cli/live-view.ts';
import type { LiveState } from '../../../harness/cli/live-view.ts';
import { captureIo } from '../../support/capture-io.ts';

const state: LiveState = { elapsedMs: 20_000, totalMs: 45_000, rps: 12, p95Ms: null, errorRate: 1, activeFault: null, recovery: null, phase: 'steady' };

describe('live view: a dead target', () => {
  it('shows in the frame once the target died, and in the plain line', () => {
    expect(ttyLines(state, 100).join('\n')).not.toMatch(/TARGET/);
    const lines = ttyLines({ ...state, targetDown: 'exited with signal SIGKILL at 0:15' }, 100);
    expect(lines.at(-1)).toBe('TARGET DOWN: exited with signal SIGKILL at 0:15');
    expect(plainLine({ ...state, targetDown: 'exited with signal SIGKILL at 0:15' })).toMatch(/ target="down: exited with signal SIGKILL at 0:15"$/);
  });

  it('the observer prints an exit at once: a death as TARGET DOWN, a fault-asked exit as such', () => {
    const io = captureIo(process.cwd());
    const o = liveObserver(io, { healthyForMs: 5000, columns: () => 80 });
    o.onTargetExit?.({ atMs: 9000, code: null, signal: 'SIGKILL', expected: true, detail: 'asked for by a process fault' });
    o.onTargetExit?.({ atMs: 15_200, code: null, signal: 'SIGKILL', expected: false, detail: null });
    expect(io.stdout()).toContain('9.0s target exited (signal SIGKILL at 0:09), asked for by a process fault');
    expect(io.stdout()).toContain('15.2s TARGET DOWN: the target exited with signal SIGKILL at 0:15');
  });
});
