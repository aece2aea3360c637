import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FaultLedger } from '../../../harness/faults/fault-ledger.ts';
import type { FaultContext, FaultTarget } from '../../../harness/faults/fault-kind.ts';
import { faultSpecSchema } from '../../../harness/faults/fault-spec-schema.ts';
import { createFaultDriver } from '../../../harness/faults/index.ts';
import type { FaultDriver, PlannedFault } from '../../../harness/faults/index.ts';
import type { Toxiproxy } from 'toxiproxy-node-client';

/** A planned injection from a scenario-style entry, resolved by the real schema (defaults, durations in ms). */
export function plannedFault(entry: Record<string, unknown>, name?: string): PlannedFault {
  const spec = faultSpecSchema.parse({ at: '0s', duration: '30s', ...entry });
  const { kind, params, recoveryAnchor } = spec;
  // kind and params come from one parsed entry, so they belong together.
  return { name: name ?? `${spec.kind}#1`, kind, injection: 1, injectAtMs: 0, removeAtMs: 30_000, recoveryAnchor, params } as PlannedFault;
}

/**
 * A fault from a scenario-style entry through its real driver: recorded in the ledger, injected, `during`
 * run, removed twice (removal is idempotent) and marked done, whatever `during` did. Returns the driver
 * (its observation is read after removal).
 */
export async function runFault(ctx: FaultContext, entry: Record<string, unknown>, during: () => Promise<void>): Promise<FaultDriver> {
  const event = plannedFault(entry, `${String(entry.kind)}#${Math.random().toString(36).slice(2, 6)}`);
  const driver = createFaultDriver(event, ctx);
  await ctx.ledger.open(event);
  try {
    await driver.inject();
    await during();
  } finally {
    await driver.remove();
    await driver.remove();
    await ctx.ledger.done(event.name);
  }
  return driver;
}

const madeDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stresslab-${prefix}-`));
  madeDirs.push(dir);
  return dir;
}

/** For afterAll: the temp dirs this file made (ledgers, journals). */
export function removeTempDirs(): void {
  for (const dir of madeDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface ContextOptions {
  toxiproxy?: { client: Toxiproxy; url: string };
  databaseUrl?: string | null;
  target?: FaultTarget;
  dir: string;
}

export function faultContext(opts: ContextOptions): FaultContext & { logs: string[] } {
  const logs: string[] = [];
  const ledger = new FaultLedger({
    runId: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    runFile: path.join(opts.dir, 'run-ledger.json'),
    machineFile: path.join(opts.dir, 'machine-ledger.json'),
  });
  return {
    toxiproxy: opts.toxiproxy?.client ?? null,
    toxiproxyUrl: opts.toxiproxy?.url ?? null,
    toxiproxyEmbedded: true,
    proxies: {},
    databaseUrl: opts.databaseUrl ?? null,
    target: opts.target ?? { baseUrl: 'http://127.0.0.1:1', managed: null },
    ledger,
    log: (msg) => logs.push(msg),
    logs,
  };
}

/** A light background load (one request every `everyMs`) whose outcomes are kept with their times. */
export function backgroundLoad(request: () => Promise<number>, everyMs = 25): { stop(): Promise<Array<{ atMs: number; status: number; ms: number }>> } {
  const out: Array<{ atMs: number; status: number; ms: number }> = [];
  const t0 = performance.now();
  let running = true;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (!running || inFlight.size >= 8) return;
    const started = performance.now();
    const p: Promise<void> = request()
      .catch(() => 0)
      .then((status) => void out.push({ atMs: started - t0, status, ms: performance.now() - started }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, everyMs);
  return {
    async stop() {
      running = false;
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return out;
    },
  };
}

/** GET on a fresh TCP connection each time (so per-connection toxics apply to every request). */
export function freshGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.text();
  return { status: res.status, ms: performance.now() - started };
}

let keySeq = 0;
export function postExecution(baseUrl: string, timeoutMs = 10_000): Promise<{ status: number; ms: number }> {
  return post(`${baseUrl}/v1/executions`, { asset_id: `a${keySeq % 50}`, action: 'sync', params: { ms: 0 } }, { 'idempotency-key': `k-${process.pid}-${keySeq++}-${Date.now()}` }, timeoutMs);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export function procState(pid: number): string | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
