import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { FaultLedger } from '../../../harness/faults/fault-ledger.ts';
import { cleanupLedger, listActive } from '../../../harness/faults/ledger-cleanup.ts';
import { machineLedgerPath, readLedger } from '../../../harness/faults/ledger-store.ts';
import { identify, isAlive } from '../../../process-kit/process-identity.ts';
import { tempDir, removeTempDirs } from '../../integration/faults/fault-fixture.ts';

afterAll(() => removeTempDirs());

describe('the rollback ledger', () => {
  it('records intent before the step in the run and machine ledgers; done keeps the run record and clears the machine one', async () => {
    const dir = tempDir('ledger');
    const runFile = path.join(dir, 'run', 'ledger.json');
    const machineFile = path.join(dir, 'machine.json');
    const ledger = new FaultLedger({ runId: 'r1', runFile, machineFile });
    await ledger.open({ name: 'lat#1', kind: 'net-latency' });
    await ledger.intend('lat#1', { kind: 'remove-toxic', toxiproxyUrl: 'http://127.0.0.1:8474', proxy: 'api', toxic: 'stresslab-lat-1', embedded: false });
    for (const f of [runFile, machineFile]) {
      const [entry] = await listActive(f);
      expect(entry).toMatchObject({ id: 'r1/lat#1', state: 'active', owner: { pid: process.pid }, undo: [{ kind: 'remove-toxic', toxic: 'stresslab-lat-1' }] });
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    }
    await ledger.done('lat#1');
    expect((await readLedger(runFile)).entries).toMatchObject([{ id: 'r1/lat#1', state: 'done' }]);
    expect((await readLedger(machineFile)).entries).toEqual([]);
  });

  it('loses no update when many ledgers write one machine file at once', async () => {
    const machineFile = path.join(tempDir('ledger-race'), 'machine.json');
    const ledgers = Array.from({ length: 6 }, (_, i) => new FaultLedger({ runId: `run${i}`, runFile: null, machineFile }));
    await Promise.all(ledgers.flatMap((l) => [0, 1, 2, 3].map((k) => l.open({ name: `f${k}`, kind: 'exec' }))));
    const ids = (await readLedger(machineFile)).entries.map((e) => e.id).sort();
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
  });

  it('breaks a lock file left by a dead process', async () => {
    const machineFile = path.join(tempDir('ledger-stale'), 'machine.json');
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    fs.writeFileSync(`${machineFile}.lock`, JSON.stringify({ pid: dead.pid }));
    await new FaultLedger({ runId: 'r', runFile: null, machineFile }).open({ name: 'x', kind: 'exec' });
    expect(await listActive(machineFile)).toHaveLength(1);
    expect(fs.existsSync(`${machineFile}.lock`)).toBe(false);
  });

  it('puts the machine ledger under STRESSLAB_STATE_DIR, or STRESSLAB_LEDGER when set', () => {
    expect(machineLedgerPath({ STRESSLAB_STATE_DIR: '/x/state' })).toBe('/x/state/ledger.json');
    expect(machineLedgerPath({ STRESSLAB_LEDGER: '/y/l.json', STRESSLAB_STATE_DIR: '/x' })).toBe('/y/l.json');
    expect(machineLedgerPath({ HOME: '/home/u' })).toMatch(/\.stresslab\/ledger\.json$/);
  });

  it("cleanup leaves an entry a run of this process holds open alone, and cleans this process's entry no run holds", async () => {
    const dir = tempDir('ledger-own');
    const file = path.join(dir, 'machine.json');
    const marker = path.join(dir, 'fault-on');
    fs.writeFileSync(marker, '');
    const held = new FaultLedger({ runId: 'own-held', runFile: null, machineFile: file });
    await held.open({ name: 'x', kind: 'exec' });
    await held.intend('x', { kind: 'run-command', command: `rm -f ${marker}`, cwd: dir, timeoutMs: 5_000 });
    // Left behind by an earlier run of this process: owned by us, held by no ledger.
    const left = new FaultLedger({ runId: 'own-left', runFile: null, machineFile: file });
    await left.open({ name: 'y', kind: 'exec' });
    const doc = await readLedger(file);
    fs.writeFileSync(file, JSON.stringify({ ...doc, entries: doc.entries.map((e) => (e.id === 'own-left/y' ? { ...e, id: 'own-gone/y', runId: 'own-gone' } : e)) }));
    const report = await cleanupLedger(file);
    expect(Object.fromEntries(report.entries.map((e) => [e.id, e.outcome]))).toEqual({ 'own-held/x': 'skipped-live-run', 'own-gone/y': 'cleaned' });
    expect(fs.existsSync(marker)).toBe(true);
    await held.done('x');
    expect(await listActive(file)).toEqual([]);
  });

  it('cleanup leaves the faults of a live run alone unless forced, and never signals a reused pid', async () => {
    const dir = tempDir('ledger-live');
    const file = path.join(dir, 'ledger.json');
    const owner = spawn('sleep', ['30']);
    const victim = spawn('sleep', ['30']);
    try {
      // A ledger written by another live harness (the sleeper stands in for it).
      const stale = { ...identify(victim.pid!), startTime: '1' };
      const doc = {
        version: 1,
        entries: [
          {
            id: 'live/cpu#1', runId: 'live', fault: 'cpu#1', kind: 'cpu-hog', owner: identify(owner.pid!), recordedAt: new Date().toISOString(),
            state: 'active', doneAt: null, files: [{ path: file, keepDone: true }],
            undo: [{ kind: 'kill-process', ...stale, label: 'cpu hog' }],
          },
        ],
      };
      fs.writeFileSync(file, JSON.stringify(doc));
      const skipped = await cleanupLedger(file);
      expect(skipped.entries).toMatchObject([{ outcome: 'skipped-live-run', actions: [] }]);
      const forced = await cleanupLedger(file, { force: true });
      expect(forced.entries).toMatchObject([{ outcome: 'cleaned', actions: [{ outcome: 'already-gone' }] }]);
      expect(isAlive(identify(victim.pid!))).toBe(true);
      expect(await listActive(file)).toEqual([]);
    } finally {
      owner.kill('SIGKILL');
      victim.kill('SIGKILL');
    }
  });
});
