import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultsCommand } from '../../harness/cli/faults-command.ts';
import { monotonicClock } from '../../harness/core/clock.ts';
import { repoRoot } from '../../harness/core/repo-root.ts';
import { FaultLedger } from '../../harness/faults/fault-ledger.ts';
import { runFaultSchedule } from '../../harness/faults/fault-runner.ts';
import { cleanupLedger } from '../../harness/faults/ledger-cleanup.ts';
import { readLedger } from '../../harness/faults/ledger-store.ts';
import type { UndoAction } from '../../harness/faults/undo-action.ts';
import { isAlive } from '../../process-kit/process-identity.ts';
import type { ProcessIdentity } from '../../process-kit/process-identity.ts';
import { tsxImportArgs } from '../../harness/core/process/tsx-loader.ts';
import { plannedFault } from '../integration/faults/fault-fixture.ts';

/**
 * The run's own ledger copy lives beside the reports; when that disk is full (a real 256 KiB tmpfs
 * filled with a filler file, ENOSPC) the fault must still be removed, the machine ledger must still
 * record it, and the failure must be said, not crash the run or `faults cleanup`.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-full-disk-'));
const disk = path.join(work, 'disk');
const stateDir = path.join(work, 'state');
const machineLedger = path.join(stateDir, 'ledger.json');
let mounted = false;
let mountError = '';
const started: ChildProcess[] = [];
const hogs: ProcessIdentity[] = [];

fs.mkdirSync(disk);
// Needs root (CI and this project's dev container run as root); without it the tests are skipped.
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk], { encoding: 'utf8' });
if (mount.status === 0) mounted = true;
else mountError = (mount.stderr || mount.error?.message || `exit ${mount.status}`).trim();

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const h of hogs) if (isAlive(h)) process.kill(h.pid, 'SIGKILL');
  if (mounted) spawnSync('umount', [disk]);
  fs.rmSync(work, { recursive: true, force: true });
});

beforeAll(() => {
  if (!mounted) console.warn(`skipped: cannot mount a tmpfs (${mountError})`);
});

/** Fills the tmpfs to the last byte: the filler is written until the kernel says ENOSPC. */
function fillDisk(): void {
  const filler = path.join(disk, 'filler');
  try {
    fs.writeFileSync(filler, Buffer.alloc(1024 * 1024), { flag: 'a' });
    throw new Error('the tmpfs did not fill up');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  expect(() => fs.writeFileSync(path.join(disk, 'probe'), 'x')).toThrow(/ENOSPC/);
  fs.rmSync(path.join(disk, 'probe'), { force: true });
}

function freeDisk(): void {
  fs.rmSync(path.join(disk, 'filler'), { force: true });
}

/** Leftovers of a half-done update on the full disk: a lock file or an atomic writer's temp file. */
function debris(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.lock') || n.endsWith('.tmp'));
}

function killActions(actions: readonly UndoAction[]): ProcessIdentity[] {
  return actions.flatMap((a) => (a.kind === 'kill-process' ? [{ pid: a.pid, startTime: a.startTime }] : []));
}

describe.skipIf(!mounted)('the fault ledger on a full disk (real tmpfs)', () => {
  it('a run whose ledger copy cannot be written still removes the fault, records it in the machine ledger, and warns', async () => {
    const runLedger = path.join(disk, 'run-a', 'faults-ledger.json');
    const warnings: string[] = [];
    const ledger = new FaultLedger({ runId: 'full-disk-run', runFile: runLedger, machineFile: machineLedger, onWarning: (m) => warnings.push(m) });
    let hog: ProcessIdentity | undefined;
    const event = { ...plannedFault({ kind: 'cpu-hog', processes: 1, dutyPercent: 5 }), removeAtMs: 1_500 };
    const records = await runFaultSchedule([event], {
      ctx: { toxiproxy: null, toxiproxyUrl: null, proxies: {}, databaseUrl: null, target: { baseUrl: 'http://127.0.0.1:1', managed: null }, ledger, log: () => {} },
      clock: monotonicClock(),
      signal: new AbortController().signal,
      onEvent: (e) => {
        if (e.event !== 'fault-inject') return;
        // Injected with both ledgers written; the disk fills before the removal.
        const entry = JSON.parse(fs.readFileSync(runLedger, 'utf8')) as { entries: Array<{ undo: UndoAction[] }> };
        hog = killActions(entry.entries[0]!.undo)[0];
        hogs.push(hog!);
        fillDisk();
      },
    });
    expect(hog).toBeDefined();
    expect(records[0]).toMatchObject({ error: null });
    expect(records[0]!.removedAtMs).not.toBeNull();
    expect(isAlive(hog!)).toBe(false);
    // The machine ledger forgot it (removal recorded); the run copy still says active: it could not be written.
    expect((await readLedger(machineLedger)).entries).toEqual([]);
    expect((await readLedger(runLedger)).entries.map((e) => e.state)).toEqual(['active']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(runLedger);
    expect(warnings[0]).toMatch(/ENOSPC/);
    expect(debris(path.dirname(runLedger))).toEqual([]);
    freeDisk();
  });

  it('faults cleanup on a full disk still undoes, marks the machine ledger done and names the file it could not update', async () => {
    const runLedger = path.join(disk, 'run-b', 'faults-ledger.json');
    const events = [{ ...plannedFault({ kind: 'cpu-hog', processes: 1, dutyPercent: 5 }), removeAtMs: 600_000 }];
    const harness = spawn(
      process.execPath,
      [...tsxImportArgs(), path.join(repoRoot, 'test', 'support', 'fault-harness-child.ts'), JSON.stringify({ runId: 'killed-full', runLedger, toxiproxyUrl: 'http://127.0.0.1:1', databaseUrl: '', events })],
      { cwd: repoRoot, env: { ...process.env, STRESSLAB_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.push(harness);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the harness child did not inject within 30 s')), 30_000);
      readline.createInterface({ input: harness.stdout! }).on('line', (line) => {
        if (line === 'ALL_ACTIVE') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const hog = killActions((await readLedger(machineLedger)).entries[0]!.undo)[0]!;
    hogs.push(hog);
    harness.kill('SIGKILL');
    await new Promise((r) => harness.once('exit', r));
    expect(isAlive(hog)).toBe(true);
    fillDisk();

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTTY: false, cwd: work };
    // Exit 0: the fault is gone and the machine ledger says so; only the run's own copy is stale.
    expect(await faultsCommand.run({ action: 'cleanup', ledger: machineLedger, force: false }, io)).toBe(0);
    expect(out.join('\n')).toMatch(/killed-full\/cpu-hog#1 \(cpu-hog\): cleaned/);
    expect(err.join('\n')).toContain(`could not mark the removed faults done in ${runLedger}`);
    expect(err.join('\n')).toMatch(/ENOSPC/);
    expect(isAlive(hog)).toBe(false);
    expect((await readLedger(machineLedger)).entries).toEqual([]);
    expect(debris(path.dirname(runLedger))).toEqual([]);

    // The run's copy as the ledger to clean, still on the full disk: undone again (harmlessly), but it
    // cannot record that, so exit 4 (it still lists the fault as active), never 70.
    err.length = 0;
    expect(await faultsCommand.run({ action: 'cleanup', ledger: runLedger, force: false }, io)).toBe(4);
    expect(err.join('\n')).toContain(runLedger);

    // With space again, the copy is brought up to date and a second cleanup finds nothing.
    freeDisk();
    const report = await cleanupLedger(runLedger);
    expect(report.entries.map((e) => e.outcome)).toEqual(['cleaned']);
    expect(report.unwritable).toEqual([]);
    expect((await readLedger(runLedger)).entries.map((e) => e.state)).toEqual(['done']);
    out.length = 0;
    expect(await faultsCommand.run({ action: 'cleanup', ledger: machineLedger, force: false }, io)).toBe(0);
    expect(out.join('\n')).toMatch(/nothing to clean up/);
  });
});
