import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createFaultDriver } from '../../../harness/faults/index.ts';
import { listActive } from '../../../harness/faults/ledger-cleanup.ts';
import { isAlive } from '../../../process-kit/process-identity.ts';
import { freePort } from '../../../harness/run/free-port.ts';
import { ManagedTarget } from '../../../harness/run/managed-target.ts';
import { referenceServiceSpec } from '../../../harness/run/target-start-spec.ts';
import type { TargetExitNotice } from '../../../harness/run/managed-target.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { backgroundLoad, faultContext, freshGet, plannedFault, procState, rssMb, tempDir, removeTempDirs } from './fault-fixture.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let managed: ManagedTarget;
const dir = tempDir('proc-faults');
const chaosToken = 'test-chaos-token';

beforeAll(async () => {
  db = await createTargetTestDatabase('faults_proc');
  const env = { DATABASE_URL: db.url, WORKERS: '1', CHAOS_TOKEN: chaosToken, SHUTDOWN_GRACE_MS: '500' };
  managed = new ManagedTarget({ spec: referenceServiceSpec({ env, port: await freePort(), healthPath: '/readyz', startTimeoutMs: 60_000 }), logFile: path.join(dir, 'target.log') });
  await managed.start();
});

afterAll(async () => {
  removeTempDirs();
  await managed?.stop(2_000);
  await db?.drop();
});

const gone = (pid: number): boolean => !isAlive({ pid, startTime: null });

async function runFault(entry: Record<string, unknown>, during: (logs: string[]) => Promise<void>): Promise<string[]> {
  const ctx = faultContext({ dir, target: { baseUrl: managed.url, chaosToken, managed } });
  const event = plannedFault(entry);
  const driver = createFaultDriver(event, ctx);
  await ctx.ledger.open(event);
  const load = backgroundLoad(async () => (await freshGet(`${managed.url}/healthz`, 2_000)).status, 100);
  try {
    await driver.inject();
    await during(ctx.logs);
  } finally {
    await driver.remove();
    await driver.remove();
    await ctx.ledger.done(event.name);
    await load.stop();
  }
  expect(await listActive(path.join(dir, 'run-ledger.json'))).toEqual([]);
  return ctx.logs;
}

function cpuTicks(pid: number): number {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

describe('host and process faults', () => {
  it('memory-pressure on the host: a child process holds about mb resident, gone after removal', async () => {
    let pid = 0;
    await runFault({ kind: 'memory-pressure', mb: 64 }, async (logs) => {
      pid = Number(/memory hog pid (\d+)/.exec(logs.join('\n'))?.[1]);
      expect(rssMb(pid)).toBeGreaterThan(64 * 0.9);
    });
    expect(gone(pid)).toBe(true);
  });

  it('memory-pressure in the target: its /chaos/memory ballast grows to mb and is freed', async () => {
    const ballast = async (): Promise<number> => Number(/^target_chaos_ballast_bytes (\d+)/m.exec((await freshGet(`${managed.url}/metrics`)).body)?.[1]);
    const rssBefore = rssMb(managed.pid!);
    await runFault({ kind: 'memory-pressure', where: 'target', mb: 64, rampSec: 0.5 }, async () => {
      expect(await ballast()).toBe(64 * 1024 * 1024);
      expect(rssMb(managed.pid!) - rssBefore).toBeGreaterThan(40);
    });
    expect(await ballast()).toBe(0);
  });

  it('cpu-hog: the hog process keeps a core busy until removal', async () => {
    let pid = 0;
    await runFault({ kind: 'cpu-hog', processes: 1, dutyPercent: 100 }, async (logs) => {
      pid = Number(/cpu hogs (\d+)/.exec(logs.join('\n'))?.[1]);
      const t0 = cpuTicks(pid);
      await new Promise((r) => setTimeout(r, 1_500));
      // Clock ticks are 1/100 s. An idle process uses ~0; the hog gets whatever a busy 2-core
      // machine (other test runs) leaves it, so only a clear share is required.
      expect(cpuTicks(pid) - t0).toBeGreaterThan(15);
    });
    expect(gone(pid)).toBe(true);
  });

  it('exec: runs the inject and remove commands with a shell and logs their output', async () => {
    const flag = path.join(dir, 'exec-flag');
    const logs = await runFault({ kind: 'exec', inject: `echo injected > ${flag} && echo hello-out`, remove: `rm -f ${flag}` }, async () => {
      expect(fs.readFileSync(flag, 'utf8')).toBe('injected\n');
    });
    expect(fs.existsSync(flag)).toBe(false);
    expect(logs.join('\n')).toMatch(/stdout: hello-out/);
    const failing = createFaultDriver(plannedFault({ kind: 'exec', inject: 'echo bad >&2; exit 3', remove: 'true', timeout: '5s' }), faultContext({ dir }));
    await expect(failing.inject()).rejects.toThrow(/exited 3/);
    await failing.remove();
  });

  it('process-pause: the target is stopped (state T), then runs again and answers', async () => {
    const pid = managed.pid!;
    await runFault({ kind: 'process-pause' }, async () => {
      expect(procState(pid)).toBe('T');
      await expect(freshGet(`${managed.url}/healthz`, 500)).rejects.toThrow(/timeout/);
    });
    expect(procState(pid)).not.toBe('T');
    expect((await freshGet(`${managed.url}/healthz`)).status).toBe(200);
  });

  it('process-kill: SIGKILL of the managed target, restarted after restartAfter with a new pid', async () => {
    const oldPid = managed.pid!;
    const exits: TargetExitNotice[] = [];
    const unwatch = managed.onExit((x) => exits.push(x));
    try {
      await runFault({ kind: 'process-kill', restartAfter: '300ms' }, async () => {
        await expect.poll(() => gone(oldPid), { timeout: 5_000 }).toBe(true);
        await expect.poll(() => managed.pid !== oldPid && managed.running, { timeout: 30_000, interval: 100 }).toBe(true);
      });
    } finally {
      unwatch();
    }
    expect(managed.pid).not.toBe(oldPid);
    expect((await freshGet(`${managed.url}/healthz`)).status).toBe(200);
    // The exit was told at once, as one the fault asked for (not a death of the target).
    expect(exits).toEqual([{ pid: oldPid, code: null, signal: 'SIGKILL', requested: true }]);
  });

  it('an exit nobody asked for is told as such (SIGKILL from outside the harness)', async () => {
    const pid = managed.pid!;
    const told = new Promise<TargetExitNotice>((resolve) => {
      const unwatch = managed.onExit((x) => {
        unwatch();
        resolve(x);
      });
    });
    process.kill(pid, 'SIGKILL');
    expect(await told).toEqual({ pid, code: null, signal: 'SIGKILL', requested: false });
    expect(managed.running).toBe(false);
    await managed.start();
    expect((await freshGet(`${managed.url}/healthz`)).status).toBe(200);
  });
});
