import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcessMarker, runProcessOwner } from '../../../harness/faults/marked-processes.ts';
import { sweepOrphanedRunProcesses } from '../../../harness/faults/orphan-run-processes.ts';
import { identify, isAlive } from '../../../process-kit/process-identity.ts';
import { stopCluster } from '../../../process-kit/postgres/orphan-clusters.ts';

const children: ChildProcess[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-run-sweep-'));
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A stand-in for a run's target: a real process carrying a run marker in argv. */
function marked(entryId: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', runProcessMarker(entryId)], { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('processes a killed run started, found by their run marker', () => {
  it('are stopped when their harness is gone (a reused pid counts as gone), never when it lives', async () => {
    const init = identify(1);
    // pid 1 with another start time: the pid of a harness that died, now someone else's.
    const deadOwner = `harness-1.${Number(init.startTime ?? 0) + 12345}-0badc0de/processes`;
    const liveOwner = `harness-${process.pid}.${identify(process.pid).startTime ?? 'x'}-600dc0de/processes`;
    const liveOther = `harness-1.${init.startTime ?? 'x'}-600dc0de/processes`;
    expect(runProcessOwner(deadOwner)).toEqual({ pid: 1, startTime: String(Number(init.startTime ?? 0) + 12345) });
    const orphan = marked(deadOwner);
    const mine = marked(liveOwner);
    const other = marked(liveOther);
    await new Promise((r) => setTimeout(r, 300));
    const [orphanId, mineId, otherId] = [orphan, mine, other].map((c) => identify(c.pid!));

    const actions = await sweepOrphanedRunProcesses(tmp);
    expect(actions).toContainEqual({ action: expect.stringContaining(`kill pid ${orphan.pid!} of a killed run`), outcome: 'undone' });
    expect(isAlive(orphanId!)).toBe(false);
    expect(isAlive(mineId!)).toBe(true);
    expect(isAlive(otherId!)).toBe(true);
    // A second sweep finds nothing more of that run.
    expect((await sweepOrphanedRunProcesses(tmp)).filter((a) => a.action.includes(`pid ${orphan.pid!} `))).toEqual([]);
  });

  it('stopCluster removes only directories named like a stresslab cluster (the path comes from a ledger file)', async () => {
    const notOurs = fs.mkdtempSync(path.join(tmp, 'precious-'));
    await expect(stopCluster(notOurs, null)).rejects.toThrow(/not a stresslab cluster directory/);
    expect(fs.existsSync(notOurs)).toBe(true);
    const ours = fs.mkdtempSync(path.join(tmp, 'stresslab-target-pg-1.1-'));
    expect(await stopCluster(ours, { pid: 1, startTime: '1' })).toEqual({ stopped: false, removed: true });
    expect(fs.existsSync(ours)).toBe(false);
  });
});
