import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/core/repo-root.ts';
import { readLedger } from '../../harness/faults/ledger-store.ts';
import { identify, isAlive } from '../../process-kit/process-identity.ts';
import type { ProcessIdentity } from '../../process-kit/process-identity.ts';

/**
 * A real `stresslab run` (embedded target, its PostgreSQL, the embedded Toxiproxy, a CPU hog) is
 * SIGKILLed while its faults are active; what it started must then be stopped by `faults cleanup`,
 * or by the start of the next run, and nothing of it may be left: process, port, data directory,
 * active ledger entry. Processes are listed from /proc before the kill (descendants of the harness)
 * and checked by pid + start time after, so a reused pid is never mistaken for a leftover.
 */

const BIN = path.join(repoRoot, 'bin', 'stresslab.mjs');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-sigkill-run-'));
const started: ChildProcess[] = [];
/** Every process of a killed run, so afterAll can stop what a failed assertion left (by identity). */
const seen: ProcessIdentity[] = [];

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const p of seen) if (isAlive(p)) process.kill(p.pid, 'SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

function scenario(name: string, body: Record<string, unknown>): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({
    name,
    description: 'reliability test scenario',
    target: { url: 'embedded', health: '/readyz' },
    requests: [{ name: 'ready', method: 'GET', path: '/readyz' }],
    ...body,
  }));
  return file;
}

/** Load long enough to be killed in; a CPU hog (a helper process) and a db fault (the embedded Toxiproxy). */
const killMe = scenario('kill-me', {
  load: [{ name: 'steady', executor: 'constant-vus', vus: 2, duration: '60s' }],
  faults: [
    { kind: 'cpu-hog', processes: 1, dutyPercent: 5, at: '1s', duration: '50s' },
    { kind: 'db-latency', latencyMs: 1, at: '1s', duration: '50s' },
  ],
});
const tiny = scenario('tiny', { load: [{ name: 'steady', executor: 'constant-vus', vus: 1, duration: '2s' }] });

interface Proc extends ProcessIdentity {
  args: string;
}

function ppidOf(pid: number): number | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (the postmaster's workers included), from /proc. */
function descendants(root: number): Proc[] {
  const pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const ppid = ppidOf(pid);
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: Proc[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const id = identify(pid);
    if (!isAlive(id)) continue;
    let args = '';
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    out.push({ ...id, args });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** TCP ports the given pids listen on (ss). */
function listeningPorts(pids: number[]): number[] {
  const r = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  const ports = new Set<number>();
  for (const line of r.stdout.split('\n')) {
    const owners = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    // State Recv-Q Send-Q Local:Port Peer:Port Process
    const port = Number(line.trim().split(/\s+/)[3]?.split(':').pop());
    if (Number.isInteger(port) && port > 0 && owners.some((p) => pids.includes(p))) ports.add(port);
  }
  return [...ports];
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function runCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess & { out: () => string; err: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return Object.assign(child, { out: () => out, err: () => err });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid} still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

interface KilledRun {
  procs: Proc[];
  ports: number[];
  clusterDir: string;
  runLedger: string;
  stateDir: string;
}

/** Starts kill-me, waits for both faults to be in (the timeline says so), lists its processes, SIGKILLs it. */
async function killRunMidFault(label: string): Promise<KilledRun> {
  const stateDir = path.join(work, `${label}-state`);
  const out = path.join(work, `${label}-out`);
  const run = runCli(['run', killMe, '--reports-dir', out, '--no-baseline'], { STRESSLAB_STATE_DIR: stateDir });
  const deadline = Date.now() + 60_000;
  let timeline: string | null = null;
  for (;;) {
    if (run.exitCode !== null) throw new Error(`the run ended early (${run.exitCode}):\n${run.err()}`);
    if (Date.now() > deadline) throw new Error(`faults not active within 60 s:\n${run.err()}`);
    const dir = path.join(out, 'kill-me');
    const runId = fs.existsSync(dir) ? fs.readdirSync(dir)[0] : undefined;
    timeline = runId === undefined ? null : path.join(dir, runId, 'timeline.jsonl');
    const text = timeline !== null && fs.existsSync(timeline) ? fs.readFileSync(timeline, 'utf8') : '';
    if ((text.match(/"fault-inject"/g) ?? []).length >= 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const procs = descendants(run.pid!);
  seen.push(...procs);
  const ports = listeningPorts(procs.map((p) => p.pid));
  run.kill('SIGKILL');
  await exited(run, 5_000);

  const postmaster = procs.find((p) => / -D \S*stresslab-target-pg-/.test(p.args));
  expect(postmaster, procs.map((p) => p.args).join('\n')).toBeDefined();
  const clusterDir = / -D (\S+)/.exec(postmaster!.args)![1]!;
  // A SIGKILL runs no rollback: the database (and its workers), its port and the hog are still there.
  expect(isAlive(postmaster!)).toBe(true);
  expect(procs.some((p) => /cpu-hog-main\.[jt]s\b/.test(p.args) && isAlive(p))).toBe(true);
  expect(procs.filter((p) => p.args.startsWith('postgres: ')).length).toBeGreaterThan(0);
  expect(fs.existsSync(clusterDir)).toBe(true);
  expect(procs.map((p) => p.args).join('\n')).toMatch(/reference-service\/main\.[jt]s --stresslab-run=/);
  expect(ports.length).toBeGreaterThanOrEqual(2);
  expect((await Promise.all(ports.map(accepts))).some(Boolean)).toBe(true);
  return { procs, ports, clusterDir, runLedger: path.join(path.dirname(timeline!), 'faults-ledger.json'), stateDir };
}

async function expectNothingLeft(k: KilledRun): Promise<void> {
  const alive = k.procs.filter((p) => isAlive(p));
  expect(alive.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
  expect(await Promise.all(k.ports.map(async (port) => ({ port, open: await accepts(port) })))).toEqual(k.ports.map((port) => ({ port, open: false })));
  expect(fs.existsSync(k.clusterDir)).toBe(false);
  expect((await readLedger(path.join(k.stateDir, 'ledger.json'))).entries).toEqual([]);
  const runEntries = (await readLedger(k.runLedger)).entries;
  expect(runEntries.length).toBe(2);
  expect(runEntries.every((e) => e.state === 'done')).toBe(true);
}

describe('a stresslab run SIGKILLed mid-fault', () => {
  it('leaves its target, PostgreSQL, proxy and hog, which `faults cleanup` stops (twice safely)', async () => {
    const killed = await killRunMidFault('cleanup');
    const env = { STRESSLAB_STATE_DIR: killed.stateDir };
    const first = runCli(['faults', 'cleanup'], env);
    expect(await exited(first, 30_000), first.err()).toBe(0);
    expect(first.out()).toMatch(/\/processes \(run-processes\): cleaned/);
    expect(first.out()).toMatch(/cpu-hog#1 \(cpu-hog\): cleaned/);
    await expectNothingLeft(killed);

    const second = runCli(['faults', 'cleanup'], env);
    expect(await exited(second, 30_000), second.err()).toBe(0);
    expect(second.out()).toMatch(/nothing to clean up/);
  }, 120_000);

  it('leaves nothing once the next run has started', async () => {
    const killed = await killRunMidFault('next-run');
    const next = runCli(['run', tiny, '--reports-dir', path.join(work, 'next-out'), '--no-baseline'], { STRESSLAB_STATE_DIR: killed.stateDir });
    expect(await exited(next, 90_000), next.err()).toBe(0);
    expect(next.err()).toMatch(/removed 2 fault\(s\) left active by an earlier run/);
    // Not asserted: the "stopped what … had started" line. On a shared machine any other embedded
    // PostgreSQL start sweeps the orphaned cluster first (correctly), leaving this run nothing to stop.
    await expectNothingLeft(killed);
  }, 150_000);
});
