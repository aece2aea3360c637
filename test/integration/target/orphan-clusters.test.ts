import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepOrphanClusters } from '../../../target/db/orphan-clusters.ts';
import { TSX_IMPORT } from '../../../harness/run/tsx-loader.ts';
import { repoRoot } from '../../../harness/run/repo-root.ts';

const cleanup: string[] = [];
afterAll(() => {
  for (const p of cleanup) fs.rmSync(p, { recursive: true, force: true });
});

/** Running, and not a zombie waiting for a parent (PID 1 in a container) that may never reap it. */
const alive = (pid: number): boolean => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

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
    const mine = make(`stresslab-target-pg-${process.pid}-aaaaaa`);
    const liveOwner = make('stresslab-target-pg-4242-bbbbbb');
    const deadOwner = make('stresslab-target-pg-4343-cccccc');
    const oldStyle = make('stresslab-target-pg-dddddd');
    const swept = sweepOrphanClusters(tmp, (pid) => pid === 4242);
    expect(swept).toEqual([{ dir: deadOwner, ownerPid: 4343, postmasterPid: null }]);
    expect(fs.existsSync(deadOwner)).toBe(false);
    for (const kept of [mine, liveOwner, oldStyle]) expect(fs.existsSync(kept)).toBe(true);
  });

  it('stops and removes the real cluster of a SIGKILLed owner (what every embedded start does first)', async () => {
    const child = spawn(process.execPath, [...TSX_IMPORT, path.join(repoRoot, 'test', 'support', 'embedded-postgres-child.ts')], {
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

    const [name] = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`stresslab-target-pg-${ownerPid}-`));
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
