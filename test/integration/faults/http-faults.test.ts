import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ICreateProxyBody } from 'toxiproxy-node-client';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultObservation } from '../../../harness/contract/fault-observation.ts';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import { checkToxiproxyReachable } from '../../../harness/run/check-toxiproxy-reachable.ts';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import { faultContext, removeTempDirs, runFault, tempDir } from './fault-fixture.ts';

/**
 * The http-* fault kinds (http-error, http-delay, http-abort) through their drivers, on an `api`
 * proxy in HTTP mode in front of a loopback server that counts what reaches it, seen by undici.
 */
let upstream: http.Server;
let server: ToxiproxyServer;
let pool: Pool;
let received = 0;
let ctx: ReturnType<typeof faultContext>;
const dir = tempDir('http-faults');

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    received++;
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, pad: 'x'.repeat(2000) }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  server = await startToxiproxyServer({ port: 0, random: createRng(3) });
  const client = new Toxiproxy(server.url);
  // As target-setup.ts creates it when the plan has an HTTP fault.
  const proxy = await client.createProxy({ name: 'api', listen: '127.0.0.1:0', upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}`, protocol: 'http' } as ICreateProxyBody);
  pool = new Pool(`http://${proxy.listen}`, { connections: 2 });
  ctx = faultContext({ toxiproxy: { client, url: server.url }, dir });
});

afterAll(async () => {
  removeTempDirs();
  await pool?.close();
  await server?.close();
  await new Promise<void>((r) => upstream?.close(() => r()));
});

async function call(method: string, path: string): Promise<{ status: number | null; error: string | null; ms: number; retryAfter: string | null }> {
  const t = performance.now();
  try {
    const res = await pool.request({ method, path, body: method === 'POST' ? '{}' : undefined, headersTimeout: 5_000, bodyTimeout: 5_000 });
    await res.body.text();
    const retry = res.headers['retry-after'];
    return { status: res.statusCode, error: null, ms: performance.now() - t, retryAfter: typeof retry === 'string' ? retry : null };
  } catch (e) {
    return { status: null, error: (e as { code?: string }).code ?? (e as Error).message, ms: performance.now() - t, retryAfter: null };
  }
}

const fired = (o: FaultObservation | null | undefined): number | undefined => (o?.source === 'proxy' ? o.counters?.fired : undefined);

describe('HTTP faults through their drivers', () => {
  it('http-error: the first N matching requests get the status (with Retry-After) from the proxy, never reaching the service; then it recovers', async () => {
    const seen: { status: number | null; retryAfter: string | null }[] = [];
    let other: number | null = null;
    const before = received;
    const driver = await runFault(ctx, { kind: 'http-error', status: 503, retryAfter: 2, method: 'POST', path: '^/v1/executions', count: 2 }, async () => {
      for (let i = 0; i < 4; i++) seen.push(await call('POST', '/v1/executions'));
      other = (await call('GET', '/v1/executions/1')).status;
    });
    expect(seen).toEqual([{ status: 503, retryAfter: '2' }, { status: 503, retryAfter: '2' }, { status: 200, retryAfter: null }, { status: 200, retryAfter: null }].map((s) => expect.objectContaining(s)));
    expect(other).toBe(200);
    // Two answered by the proxy: the service saw the other three.
    expect(received - before).toBe(3);
    expect(fired(driver.observation?.())).toBe(2);
    expect((await call('POST', '/v1/executions')).status).toBe(200);
  });

  it('http-delay: matching requests answer late, others do not', async () => {
    let slow = 0;
    let fast = 0;
    await runFault(ctx, { kind: 'http-delay', latencyMs: 300, path: '^/slow' }, async () => {
      slow = (await call('GET', '/slow')).ms;
      fast = (await call('GET', '/fast')).ms;
    });
    expect(slow).toBeGreaterThanOrEqual(290);
    expect(fast).toBeLessThan(150);
  });

  it('http-abort: the service does the work and the client sees its connection reset mid-answer', async () => {
    const before = received;
    let outcome: { status: number | null; error: string | null } = { status: null, error: null };
    const driver = await runFault(ctx, { kind: 'http-abort', afterBytes: 100, method: 'POST', count: 1 }, async () => {
      outcome = await call('POST', '/v1/executions');
    });
    expect(received - before).toBe(1);
    expect(outcome.status === null || outcome.error !== null || outcome.status === 200).toBe(true);
    expect(outcome.error, JSON.stringify(outcome)).not.toBeNull();
    expect(fired(driver.observation?.())).toBe(1);
  });

  it('a Toxiproxy without HTTP mode is refused before the run', async () => {
    const real = http.createServer((_req, res) => res.end('{"version": "2.12.0"}\n'));
    await new Promise<void>((r) => real.listen(0, '127.0.0.1', () => r()));
    const realUrl = `http://127.0.0.1:${(real.address() as AddressInfo).port}`;
    try {
      await expect(checkToxiproxyReachable(realUrl, '--toxiproxy', { needsProtocols: ['http'] })).rejects.toThrow(/http protocol faults need stresslab's proxy/);
      await expect(checkToxiproxyReachable(server.url, '--toxiproxy', { needsProtocols: ['http', 'postgres'] })).resolves.toBeUndefined();
    } finally {
      await new Promise<void>((r) => real.close(() => r()));
    }
  });
});
