import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../harness/run/free-port.ts';

/** The Debian package's binaries (`apt-get install prometheus`), found on PATH; null when absent. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir !== '' && existsSync(file)) return file;
  }
  return null;
}

export const PROMETHEUS_MISSING =
  'prometheus is not installed: apt-get update && apt-get install -y --no-install-recommends prometheus (.ci/run installs it; CI fails without it)';

export interface PrometheusServer {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  log: () => string;
  stop(): Promise<void>;
}

export interface PrometheusFixture {
  /** Prometheus is installed, or this is CI (where its absence fails the file instead of skipping it). */
  readonly runs: boolean;
  /** A temporary directory of the file's, removed after it. */
  readonly dir: string;
  readonly prom: PrometheusServer;
}

/**
 * A Prometheus for a test file's tests, with a temporary directory: started before them, stopped
 * and removed after. Without Prometheus the file is skipped on a developer's machine (`runs` is
 * false, with a warning naming `what`) and fails in CI, which installs it.
 */
export function usePrometheus(what: string, prefix: string): PrometheusFixture {
  const bin = findOnPath('prometheus');
  if (bin === null && !process.env.CI) console.warn(`skipping ${what}: ${PROMETHEUS_MISSING}`);
  let dir = '';
  let prom: PrometheusServer | undefined;
  beforeAll(async () => {
    if (bin === null) {
      if (process.env.CI) throw new Error(PROMETHEUS_MISSING);
      return;
    }
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    prom = await startPrometheus(bin, path.join(dir, 'prometheus'));
  }, 20_000);
  afterAll(async () => {
    await prom?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return {
    runs: bin !== null || Boolean(process.env.CI),
    get dir() {
      return dir;
    },
    get prom() {
      if (prom === undefined) throw new Error('Prometheus is not running (usePrometheus: read .prom inside a test)');
      return prom;
    },
  };
}

/**
 * A real Prometheus on a free loopback port with its remote-write receiver on, an empty TSDB in
 * `dir` and a config without scrape jobs (nothing but what the test writes gets in). Ready when
 * /-/ready answers (about 0.3 s here). Stopped by its pid.
 */
export async function startPrometheus(bin: string, dir: string): Promise<PrometheusServer> {
  await mkdir(dir, { recursive: true });
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(config, 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const child = spawn(
    bin,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (b: Buffer) => void (log += b.toString()));
  child.stderr.on('data', (b: Buffer) => void (log += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const server: PrometheusServer = {
    url,
    pid: child.pid ?? -1,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(server.pid, 'SIGTERM');
      const killer = setTimeout(() => process.kill(server.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`prometheus not ready within 15 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PromSample {
  labels: Record<string, string>;
  /** [epoch ms, value] */
  points: Array<[number, number]>;
}

/** An instant query through the HTTP API; a range selector (`m[5m]`) returns the raw samples. */
export async function promQuery(url: string, query: string, timeSec: number): Promise<{ resultType: string; result: PromSample[] }> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query, time: String(timeSec) })}`);
  const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> } };
  if (body.status !== 'success') throw new Error(`query ${query}: ${body.error ?? res.status}`);
  return {
    resultType: body.data.resultType,
    result: body.data.result.map((r) => ({
      labels: r.metric,
      points: (r.values ?? (r.value ? [r.value] : [])).map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]),
    })),
  };
}

export async function promQueryRange(url: string, query: string, startSec: number, endSec: number, stepSec: number): Promise<PromSample[]> {
  const res = await fetch(`${url}/api/v1/query_range?${new URLSearchParams({ query, start: String(startSec), end: String(endSec), step: String(stepSec) })}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
  if (body.status !== 'success') throw new Error(`query_range ${query}: ${body.error ?? res.status}`);
  return body.data.result.map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]) }));
}
