import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { FaultRunner, runFaultSchedule } from '../../../harness/faults/fault-runner.ts';
import type { FaultRunEvent } from '../../../harness/faults/fault-runner.ts';
import { readLedger } from '../../../harness/faults/ledger-store.ts';
import { manualClock } from '../../../harness/core/clock.ts';
import { faultContext, plannedFault, tempDir, removeTempDirs } from '../../integration/faults/fault-fixture.ts';

// Real `exec` faults (shell commands appending to a journal file) on a manual clock.
function execFault(name: string, journal: string, injectAtMs: number, removeAtMs: number, inject = `echo inject ${name} >> ${journal}`) {
  return { ...plannedFault({ kind: 'exec', inject, remove: `echo remove ${name} >> ${journal}` }, name), injectAtMs, removeAtMs };
}

const journalOf = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : []);

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterAll(() => removeTempDirs());

describe('the fault runner', () => {
  it('injects and removes each fault at its time on the run clock and records both', async () => {
    const dir = tempDir('runner');
    const journal = path.join(dir, 'journal');
    const clock = manualClock();
    const ctx = faultContext({ dir });
    const events: FaultRunEvent[] = [];
    const done = runFaultSchedule([execFault('a#1', journal, 100, 300), execFault('b#1', journal, 200, 400)], {
      ctx, clock, signal: new AbortController().signal, onEvent: (e) => events.push(e),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(journalOf(journal)).toEqual([]);
    // Each step waits for the runner's event, which comes once the step has completed.
    clock.set(150);
    await until(() => events.length === 1);
    clock.set(250);
    await until(() => events.length === 2);
    clock.set(350);
    await until(() => events.length === 3);
    clock.set(450);
    const records = await done;
    expect(journalOf(journal)).toEqual(['inject a#1', 'inject b#1', 'remove a#1', 'remove b#1']);
    expect(records).toEqual([
      { name: 'a#1', kind: 'exec', injectedAtMs: 150, removedAtMs: 350, error: null },
      { name: 'b#1', kind: 'exec', injectedAtMs: 250, removedAtMs: 450, error: null },
    ]);
    expect(events.map((e) => `${e.event} ${e.name}`)).toEqual(['fault-inject a#1', 'fault-inject b#1', 'fault-remove a#1', 'fault-remove b#1']);
    expect((await readLedger(path.join(dir, 'run-ledger.json'))).entries.map((e) => e.state)).toEqual(['done', 'done']);
  });

  it('on abort injects nothing more and rolls back the active faults at once, newest first', async () => {
    const dir = tempDir('runner-abort');
    const journal = path.join(dir, 'journal');
    const clock = manualClock();
    const abort = new AbortController();
    const runner = new FaultRunner({ ctx: faultContext({ dir }), clock, signal: abort.signal, onEvent: () => undefined });
    const done = runner.run([execFault('a#1', journal, 0, 10_000), execFault('b#1', journal, 10, 10_000), execFault('c#1', journal, 5_000, 10_000)]);
    clock.set(20);
    await until(() => journalOf(journal).length === 2);
    abort.abort();
    const records = await done;
    expect(journalOf(journal)).toEqual(['inject a#1', 'inject b#1', 'remove b#1', 'remove a#1']);
    expect(records.map((r) => [r.name, r.injectedAtMs !== null, r.removedAtMs])).toEqual([['a#1', true, 20], ['b#1', true, 20], ['c#1', false, null]]);
  });

  it('records an injection that fails, still runs its removal, and carries on with the others', async () => {
    const dir = tempDir('runner-fail');
    const journal = path.join(dir, 'journal');
    const events: FaultRunEvent[] = [];
    const clock = manualClock();
    const records = await runFaultSchedule(
      [execFault('bad#1', journal, 0, 10, `echo half >> ${journal}; exit 4`), execFault('ok#1', journal, 0, 10)],
      { ctx: faultContext({ dir }), clock, signal: new AbortController().signal, onEvent: (e) => {
        events.push(e);
        if (e.event === 'fault-inject') clock.set(10);
      } },
    );
    expect(records[0]).toMatchObject({ name: 'bad#1', injectedAtMs: null, removedAtMs: null, error: expect.stringMatching(/exited 4/) });
    expect(records[1]).toMatchObject({ name: 'ok#1', injectedAtMs: 0, removedAtMs: 10, error: null });
    expect(journalOf(journal).sort()).toEqual(['half', 'inject ok#1', 'remove bad#1', 'remove ok#1']);
    expect(events.filter((e) => e.event === 'fault-error').map((e) => e.name)).toEqual(['bad#1']);
  });
});
