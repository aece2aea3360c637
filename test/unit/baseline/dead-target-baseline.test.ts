import { describe, expect, it } from 'vitest';
import { addRuns, newBaseline } from '../../../harness/baseline/baseline-builder.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { historyLine } from '../../../harness/report/history-line.ts';
import { runResult } from './run-result-fixture.ts';

const opts = { nowIso: '2026-01-02T00:00:00.000Z', harnessVersion: '0.1.0' };
const died = runResult({ runId: 'dead-1', targetExits: [{ atMs: 15_000, code: null, signal: 'SIGKILL', expected: false }] });
const killedByFault = runResult({ runId: 'chaos-1', targetExits: [{ atMs: 15_000, code: null, signal: 'SIGKILL', expected: true }] });

describe('a run whose target died', () => {
  it('never becomes a baseline: refused with the run and the exit named (exit 2)', () => {
    let caught: unknown;
    try {
      newBaseline([runResult({ runId: 'ok-1' }), died], opts);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StresslabError);
    const e = caught as StresslabError;
    expect(e.code).toBe('BAD_BASELINE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('dead-1 (the target exited with signal SIGKILL at 0:15)');
    const base = newBaseline([runResult({ runId: 'ok-1' })], opts);
    expect(() => addRuns(base, [died], opts)).toThrow(/dead-1/);
  });

  it('an exit a fault asked for (process-kill, restarted) does not keep a run out', () => {
    expect(newBaseline([killedByFault], opts).runs.map((r) => r.runId)).toEqual(['chaos-1']);
  });

  it('is marked in its history line', () => {
    expect(historyLine(died).targetExited).toBe(true);
    expect(historyLine(killedByFault).targetExited).toBe(false);
    expect(historyLine(runResult()).targetExited).toBe(false);
  });
});
