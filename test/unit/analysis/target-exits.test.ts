import { describe, expect, it } from 'vitest';
import { targetExitsFrom } from '../../../harness/analysis/target-exits.ts';
import { decideVerdict } from '../../../harness/analysis/verdict.ts';
import type { VerdictInput } from '../../../harness/analysis/verdict.ts';
import { describeTargetExit, runClock, targetDied } from '../../../harness/contract/target-exit.ts';
import type { TimelineEvent } from '../../../harness/contract/timeline-types.ts';

const clean: VerdictInput = {
  abortReason: null,
  steadyState: null,
  thresholds: [{ metric: 'http_req_failed', expression: 'rate<0.01', actual: 0.5, pass: false }],
  regressions: [],
  integrity: null,
  faults: [],
};

function exitEvent(atMs: number, extra: Partial<TimelineEvent>): TimelineEvent {
  return { type: 'event', atMs, event: 'target-exit', code: null, signal: 'SIGKILL', expected: false, ...extra };
}

describe('target exits', () => {
  it('reads target-exit events, in time order, ignoring other events', () => {
    const events: TimelineEvent[] = [
      { type: 'event', atMs: 0, event: 'run-start', name: 'light' },
      exitEvent(40_000, { signal: null, code: 1 }),
      exitEvent(15_200, {}),
      { type: 'event', atMs: 50_000, event: 'run-end' },
    ];
    expect(targetExitsFrom(events)).toEqual([
      { atMs: 15_200, code: null, signal: 'SIGKILL', expected: false },
      { atMs: 40_000, code: 1, signal: null, expected: false },
    ]);
  });

  it('an exit a fault asked for is expected, unless the target was still down at the end (written again)', () => {
    const restarted = targetExitsFrom([exitEvent(9000, { expected: true, detail: 'asked for by a process fault' })]);
    expect(restarted).toEqual([{ atMs: 9000, code: null, signal: 'SIGKILL', expected: true }]);
    expect(targetDied(restarted)).toBe(false);
    const notRestarted = targetExitsFrom([exitEvent(9000, { expected: true }), exitEvent(9000, { expected: false, detail: 'not restarted' })]);
    expect(notRestarted).toEqual([{ atMs: 9000, code: null, signal: 'SIGKILL', expected: false }]);
    expect(targetDied(notRestarted)).toBe(true);
    expect(targetDied(undefined)).toBe(false);
  });

  it('names the exit and its run-clock time', () => {
    expect(runClock(15_900)).toBe('0:15');
    expect(runClock(3_723_000)).toBe('1:02:03');
    expect(describeTargetExit({ atMs: 15_200, code: null, signal: 'SIGKILL', expected: false })).toBe('the target exited with signal SIGKILL at 0:15');
    expect(describeTargetExit({ atMs: 61_000, code: 1, signal: null, expected: false })).toBe('the target exited with code 1 at 1:01');
  });

  it('a death is the first reason of a failed verdict; an expected exit is none', () => {
    const died = decideVerdict({ ...clean, targetExits: [{ atMs: 15_200, code: null, signal: 'SIGKILL', expected: false }] });
    expect(died.verdict).toBe('fail');
    expect(died.reasons[0]).toBe('the target exited with signal SIGKILL at 0:15');
    expect(died.reasons).toHaveLength(2);
    const asked = decideVerdict({ ...clean, thresholds: [], targetExits: [{ atMs: 9000, code: null, signal: 'SIGKILL', expected: true }] });
    expect(asked).toEqual({ verdict: 'pass', reasons: [], warnings: [] });
    // Alone, a death still fails the run (no threshold needs to notice it).
    expect(decideVerdict({ ...clean, thresholds: [], targetExits: [{ atMs: 1000, code: 137, signal: null, expected: false }] }).verdict).toBe('fail');
  });
});
