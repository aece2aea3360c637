import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { findMarkedProcesses, runProcessMarker } from '../../../harness/faults/marked-processes.ts';
import { executeUndo } from '../../../harness/faults/undo-executor.ts';
import { ProcessGroupUsageReader } from '../../../harness/metrics/process-group-usage-reader.ts';
import { ProcessUsageReader } from '../../../harness/metrics/process-usage-reader.ts';
import { ManagedTarget } from '../../../harness/run/managed-target.ts';
import { specFromScenario } from '../../../harness/run/target-start-spec.ts';
import type { TargetStartSpec } from '../../../harness/run/target-start-spec.ts';
import { freePort } from '../../../harness/run/free-port.ts';
import { targetSchema } from '../../../harness/scenario/schema-target.ts';
import { groupMembers, stopGroup } from '../../../process-kit/process-group.ts';
import { identify, readProcStat } from '../../../process-kit/process-identity.ts';

/**
 * A target.start command run by ManagedTarget, with real processes: the fixture service (plain
 * JavaScript, fast to start) under /bin/sh, with a grandchild in its process group. Processes are
 * found by a marker in their environment (TEST_MARKER), which the grandchild inherits too.
 */

const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/target-start/', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-managed-start-'));
const groups: number[] = [];
afterAll(async () => {
  for (const g of groups) await stopGroup(g, 0, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Live processes whose environment carries TEST_MARKER=marker. */
function markerProcesses(marker: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readProcStat(Number(name))?.state === 'Z') continue;
      if (fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`TEST_MARKER=${marker}`)) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** A target.start as a scenario writes it, resolved by the real schema and spec builder. */
async function startSpec(start: Record<string, unknown>): Promise<TargetStartSpec> {
  const t = targetSchema.parse({ url: 'http://127.0.0.1:{{port}}', health: '/health', start });
  return specFromScenario({ start: t.start!, url: t.url, scenarioDir: FIXTURE_DIR, port: await freePort(), env: process.env });
}

async function startFailure(spec: TargetStartSpec, logFile: string): Promise<StresslabError> {
  const managed = new ManagedTarget({ spec, logFile });
  const e = await managed.start().then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(StresslabError);
  return e as StresslabError;
}

describe('a target.start command under ManagedTarget', () => {
  it('runs in its own process group and is stopped with all of it: SIGTERM, then SIGKILL after stopTimeout', async () => {
    const marker = randomUUID();
    const spec = await startSpec({ command: 'node service.mjs', env: { PORT: '{{port}}', GRANDCHILD: '1', IGNORE_SIGTERM: '1', TEST_MARKER: marker }, stopTimeout: '300ms' });
    const logFile = path.join(dir, 'group', 'target.log');
    const managed = new ManagedTarget({ spec, logFile });
    const t0 = performance.now();
    await managed.start();
    const startMs = performance.now() - t0;
    groups.push(managed.pid!);
    expect((await fetch(`${managed.url}/health`)).status).toBe(200);
    // The service and its grandchild (and the shell, unless it exec'd the command), all in the leader's group.
    await expect.poll(() => markerProcesses(marker).length, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    const procs = markerProcesses(marker);
    expect(procs.map((p) => readProcStat(p)?.pgrp)).toEqual(procs.map(() => managed.pid));
    const t1 = performance.now();
    await managed.stop();
    const stopMs = performance.now() - t1;
    expect(markerProcesses(marker)).toEqual([]);
    expect(managed.running).toBe(false);
    // SIGTERM was ignored: the group went at SIGKILL, after the 300 ms grace.
    expect(stopMs).toBeGreaterThanOrEqual(290);
    expect(stopMs).toBeLessThan(3_000);
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).toMatch(/fixture: listening on \d+/);
    expect(log).toMatch(/fixture: a line on stderr/);
    expect(log).toMatch(/fixture: SIGTERM ignored/);
    console.info(`start to healthy ${startMs.toFixed(0)} ms; stop (SIGTERM ignored, 300 ms grace) ${stopMs.toFixed(0)} ms`);
  });

  it('a command that exits at once: TARGET_START_FAILED (exit 4) naming the command, with its output tail', async () => {
    const spec = await startSpec({ command: 'echo boom-on-stderr >&2; exit 3' });
    const t0 = performance.now();
    const e = await startFailure(spec, path.join(dir, 'exits', 'target.log'));
    expect(e.code).toBe('TARGET_START_FAILED');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('target.start `echo boom-on-stderr >&2; exit 3`');
    expect(e.message).toMatch(/exited \(code 3\) before http:\/\/127\.0\.0\.1:\d+\/health answered/);
    expect(e.hint).toContain('boom-on-stderr');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('a program that does not exist (argv form): named, nothing left', async () => {
    const e = await startFailure(await startSpec({ command: ['./no-such-program', '--flag'] }), path.join(dir, 'enoent', 'target.log'));
    expect(e.message).toMatch(/target\.start `\.\/no-such-program --flag` could not be started: spawn \.\/no-such-program ENOENT/);
  });

  it('after its harness is gone, the run marker in its environment finds the group and the ledger undo kills it', async () => {
    const marker = randomUUID();
    const entryId = `harness-1.1-${randomUUID().slice(0, 8)}/processes`;
    const spec = await startSpec({ command: 'node service.mjs', env: { PORT: '{{port}}', GRANDCHILD: '1', TEST_MARKER: marker } });
    const managed = new ManagedTarget({ spec, logFile: path.join(dir, 'marker', 'target.log'), marker: runProcessMarker(entryId) });
    await managed.start();
    groups.push(managed.pid!);
    await expect.poll(() => markerProcesses(marker).length, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    expect(findMarkedProcesses(entryId).sort()).toEqual(markerProcesses(marker).sort());
    const r = await executeUndo({ kind: 'kill-process', ...identify(managed.pid!), label: 'test target', group: true });
    expect(r.outcome).toBe('undone');
    expect(markerProcesses(marker)).toEqual([]);
    expect(await executeUndo({ kind: 'kill-process', ...identify(managed.pid!), label: 'test target', group: true })).toEqual({ outcome: 'already-gone' });
  });

  it('is sampled as a group: a busy process under a shell counts, the shell alone reads ~0', async () => {
    // `; true` keeps the shell from exec'ing the command: the busy node is the shell's child.
    const child = spawn('/bin/sh', ['-c', `${process.execPath} -e "for (;;) {}"; true`], { detached: true, stdio: 'ignore' });
    const pgid = child.pid!;
    groups.push(pgid);
    await expect.poll(() => groupMembers(pgid)?.length ?? 0, { timeout: 2_000 }).toBe(2);
    const group = new ProcessGroupUsageReader();
    const leader = new ProcessUsageReader();
    expect(await group.sample(pgid)).toBeNull();
    expect(await leader.sample(pgid)).toBeNull();
    await new Promise((r) => setTimeout(r, 400));
    const [g, l] = [await group.sample(pgid), await leader.sample(pgid)];
    await stopGroup(pgid, 0, 'SIGKILL');
    // A busy loop gets a clear share of a core even on a 2-core machine at load 10 (~20 %); the
    // shell only waits: not one 10 ms clock tick in 400 ms (2.5 %).
    expect(g!.cpuPercent).toBeGreaterThan(10);
    expect(l!.cpuPercent).toBeLessThan(2.5);
    expect(g!.rssBytes).toBeGreaterThan(l!.rssBytes);
  });
});
