import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { listActive } from '../../../harness/faults/ledger-cleanup.ts';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { backgroundLoad, faultContext, freshGet, median, postExecution, runFault, tempDir, removeTempDirs } from './fault-fixture.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let server: ToxiproxyServer;
let client: Toxiproxy;
let target: RunningTarget;
let api = '';
let ctx: ReturnType<typeof faultContext>;
const dir = tempDir('net-faults');

const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));

beforeAll(async () => {
  db = await createTargetTestDatabase('faults_net');
  server = await startToxiproxyServer({ port: 0, random: createRng(7) });
  client = new Toxiproxy(server.url);
  const pgUrl = new URL(db.url);
  const dbProxy = await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: `127.0.0.1:${pgUrl.port}` });
  pgUrl.port = String(portOf(dbProxy.listen));
  target = await startTarget({ databaseUrl: pgUrl.toString(), workers: 2, statementTimeoutMs: 1_000, dbConnectTimeoutMs: 1_000 });
  const apiProxy = await client.createProxy({ name: 'api', listen: '127.0.0.1:0', upstream: `127.0.0.1:${target.port}` });
  api = `http://127.0.0.1:${portOf(apiProxy.listen)}`;
  ctx = faultContext({ toxiproxy: { client, url: server.url }, dir });
});

afterAll(async () => {
  removeTempDirs();
  await target?.close();
  await server?.close();
  await db?.drop();
});

/** Injects, runs `during` with light load through the api proxy, removes (twice), and checks nothing is left. */
async function withFault(entry: Record<string, unknown>, during: () => Promise<void>): Promise<void> {
  const load = backgroundLoad(async () => (await freshGet(`${api}/readyz`, 3_000)).status, 50);
  try {
    await runFault(ctx, entry, during);
  } finally {
    await load.stop();
  }
  const proxies = (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, { enabled: boolean; toxics: unknown[] }>;
  for (const [name, p] of Object.entries(proxies)) {
    expect(p.enabled, name).toBe(true);
    expect(p.toxics, name).toEqual([]);
  }
  expect(await listActive(path.join(dir, 'run-ledger.json'))).toEqual([]);
}

async function latencies(n: number, url: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await freshGet(url)).ms);
  return out;
}

async function rejects(p: Promise<unknown>): Promise<boolean> {
  return p.then(() => false, () => true);
}

describe('network and database toxics against the real target through the embedded Toxiproxy', () => {
  it('net-latency adds about the toxic to every response, and is gone after removal', async () => {
    const before = median(await latencies(5, `${api}/healthz`));
    let during = 0;
    await withFault({ kind: 'net-latency', latencyMs: 200 }, async () => {
      during = median(await latencies(5, `${api}/healthz`));
    });
    const after = median(await latencies(5, `${api}/healthz`));
    expect(during - before).toBeGreaterThan(170);
    expect(during - before).toBeLessThan(600);
    expect(after).toBeLessThan(before + 100);
  });

  it('net-jitter spreads latencies; net-slicer slows responses but keeps them intact', async () => {
    let spread = 0;
    await withFault({ kind: 'net-jitter', latencyMs: 100, jitterMs: 80 }, async () => {
      const ms = await latencies(8, `${api}/healthz`);
      spread = Math.max(...ms) - Math.min(...ms);
    });
    expect(spread).toBeGreaterThan(20);
    await withFault({ kind: 'net-slicer', averageSize: 16, delayUs: 10_000 }, async () => {
      const r = await freshGet(`${api}/healthz`);
      expect(JSON.parse(r.body)).toMatchObject({ status: 'ok' });
      expect(r.ms).toBeGreaterThan(60);
    });
  });

  it('net-bandwidth caps throughput at about the rate', async () => {
    const size = (await freshGet(`${api}/metrics`)).body.length;
    expect(size).toBeGreaterThan(2_000);
    await withFault({ kind: 'net-bandwidth', rateKBps: 5 }, async () => {
      const r = await freshGet(`${api}/metrics`, 20_000);
      expect(r.body.length).toBeGreaterThan(size * 0.8);
      expect(r.ms).toBeGreaterThan(((size / 5_120) * 1_000) * 0.6);
    });
  });

  it('net-timeout black-holes, net-reset resets, net-partition refuses, net-limit-data truncates; all recover', async () => {
    // Upstream: the request never reaches the target (downstream, the target's FIN would end the link).
    await withFault({ kind: 'net-timeout', stream: 'upstream' }, async () => {
      await expect(freshGet(`${api}/healthz`, 600)).rejects.toThrow(/timeout/);
    });
    await withFault({ kind: 'net-reset' }, async () => {
      expect(await rejects(freshGet(`${api}/healthz`, 3_000))).toBe(true);
    });
    await withFault({ kind: 'net-partition' }, async () => {
      await expect(freshGet(`${api}/healthz`, 3_000)).rejects.toThrow(/ECONNREFUSED/);
    });
    await withFault({ kind: 'net-limit-data', bytes: 40 }, async () => {
      expect(await rejects(freshGet(`${api}/healthz`, 3_000))).toBe(true);
    });
    expect((await freshGet(`${api}/healthz`)).status).toBe(200);
  });

  it('net-flaky affects only a share of the connections', async () => {
    let failed = 0;
    const n = 20;
    await withFault({ kind: 'net-flaky', toxic: 'reset_peer', attributes: { timeout: 0 }, toxicity: 0.5 }, async () => {
      for (let i = 0; i < n; i++) if (await rejects(freshGet(`${api}/healthz`, 3_000))) failed++;
    });
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(n);
  });

  it('db-latency slows writes by about the toxic', async () => {
    const t = `http://127.0.0.1:${target.port}`;
    const sample = async (): Promise<number> => {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await postExecution(t);
        expect(r.status).toBe(202);
        ms.push(r.ms);
      }
      return median(ms);
    };
    const before = await sample();
    let during = 0;
    await withFault({ kind: 'db-latency', latencyMs: 150 }, async () => {
      during = await sample();
    });
    expect(during - before).toBeGreaterThan(120);
  });

  it('db-down answers 503 while the db proxy is disabled and recovers after removal', async () => {
    const t = `http://127.0.0.1:${target.port}`;
    expect((await postExecution(t)).status).toBe(202);
    const statuses: number[] = [];
    await withFault({ kind: 'db-down' }, async () => {
      for (let i = 0; i < 3; i++) statuses.push((await postExecution(t)).status);
    });
    expect(statuses).toEqual([503, 503, 503]);
    await expect.poll(async () => (await postExecution(t)).status, { timeout: 10_000, interval: 200 }).toBe(202);
  });

  it('db-timeout turns writes into server errors after the client timeout and recovers after removal', async () => {
    const t = `http://127.0.0.1:${target.port}`;
    let status = 0;
    let ms = 0;
    await withFault({ kind: 'db-timeout' }, async () => {
      const r = await postExecution(t, 15_000);
      status = r.status;
      ms = r.ms;
    });
    expect(status).toBeGreaterThanOrEqual(500);
    expect(ms).toBeGreaterThan(800);
    await expect.poll(async () => (await postExecution(t)).status, { timeout: 15_000, interval: 250 }).toBe(202);
  });
});
