import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterDirPrefix, sweepOrphanClusters } from '../../../process-kit/postgres/orphan-clusters.ts';
import { isAlive } from '../../../process-kit/process-identity.ts';
import type { ProcessIdentity } from '../../../process-kit/process-identity.ts';
import { tsxImportArgs } from '../../../harness/core/process/tsx-loader.ts';
import { repoRoot } from '../../../harness/core/repo-root.ts';

const cleanup: string[] = [];
afterAll(() => {
  for (const p of cleanup) fs.rmSync(p, { recursive: true, force: true });
});

/** Running, and not a zombie waiting for a parent (PID 1 in a container) that may never reap it. */
const alive = (pid: number): boolean => isAlive({ pid, startTime: null });

describe('sweepOrphanClusters', () => {
  it('removes only clusters whose owner is gone', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-sweep-'));
    cleanup.push(tmp);
    const make = (name: string): string => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'PG_VERSION'), '18\n');
      return dir;
    };
    const mine = make(`${path.basename(clusterDirPrefix(tmp))}aaaaaa`);
    const liveOwner = make('stresslab-target-pg-4242.777-bbbbbb');
    const deadOwner = make('stresslab-target-pg-4343.777-cccccc');
    // The same pid as the live owner, but a process that started at another time: the pid was reused.
    const reusedPid = make('stresslab-target-pg-4242.555-eeeeee');
    const oldStyle = make('stresslab-target-pg-dddddd');
    const asked: ProcessIdentity[] = [];
    const swept = sweepOrphanClusters(tmp, (owner) => {
      asked.push(owner);
      return owner.pid === 4242 && owner.startTime === '777';
    });
    expect(swept.map((s) => s.dir).sort()).toEqual([deadOwner, reusedPid].sort());
    expect(swept.find((s) => s.dir === deadOwner)).toEqual({ dir: deadOwner, ownerPid: 4343, postmasterPid: null });
    for (const gone of [deadOwner, reusedPid]) expect(fs.existsSync(gone)).toBe(false);
    for (const kept of [mine, liveOwner, oldStyle]) expect(fs.existsSync(kept)).toBe(true);
    // Its own cluster is never even looked up; the others are, by pid and start time.
    expect(asked.map((o) => o.pid)).not.toContain(process.pid);
    expect(asked).toContainEqual({ pid: 4343, startTime: '777' });
  });

  it('stops and removes the real cluster of a SIGKILLed owner (what every embedded start does first)', async () => {
    const child = spawn(process.execPath, [...tsxImportArgs(), path.join(repoRoot, 'test', 'support', 'embedded-postgres-child.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the cluster owner did not start within 60 s')), 60_000);
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child.once('exit', (code) => reject(new Error(`the cluster owner exited with ${code}`)));
    });
    expect(ready).toMatch(/^READY \d+$/);
    const ownerPid = child.pid!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const [name] = fs.readdirSync(os.tmpdir()).filter((n) => new RegExp(`^stresslab-target-pg-${ownerPid}[.-]`).test(n));
    expect(name).toBeDefined();
    const dir = path.join(os.tmpdir(), name!);
    cleanup.push(dir);
    const postmaster = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // The owner's SIGKILL left PostgreSQL running: this is the leak being swept.
    expect(alive(postmaster)).toBe(true);

    const swept = sweepOrphanClusters();
    expect(swept).toContainEqual({ dir, ownerPid, postmasterPid: postmaster });
    expect(fs.existsSync(dir)).toBe(false);
    const deadline = Date.now() + 15_000;
    while (alive(postmaster) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(postmaster)).toBe(false);
  }, 90_000);
});
