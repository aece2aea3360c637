import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ProxyObservation } from '../../../harness/contract/fault-observation.ts';
import { createFaultDriver } from '../../../harness/faults/index.ts';
import { ProxyObserver } from '../../../harness/faults/proxy-observer.ts';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ProxyStatsJson } from '../../../harness/toxiproxy/proxy-counters.ts';
import { faultContext, plannedFault, removeTempDirs, tempDir } from '../faults/fault-fixture.ts';
import { connectTo, portOf, readBytes, startEchoServer, waitClosed } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';

/**
 * The embedded Toxiproxy's traffic counters (GET /proxies/{name}/stats, an extension real Toxiproxy
 * answers 404) and the fault side reading them over a fault's window, driven with the official
 * client: a known amount of traffic gives exactly those counts; a proxy nobody uses gives zeros.
 */
let server: ToxiproxyServer;
let echo: LoopbackServer;
let client: Toxiproxy;
const dir = tempDir('proxy-counters');

beforeAll(async () => {
  server = await startToxiproxyServer({ port: 0 });
  echo = await startEchoServer();
  client = new Toxiproxy(server.url);
});
afterAll(async () => {
  removeTempDirs();
  await server.close();
  await echo.close();
});

async function stats(name: string): Promise<ProxyStatsJson> {
  const res = await fetch(`${server.url}/proxies/${name}/stats`);
  expect(res.status).toBe(200);
  return (await res.json()) as ProxyStatsJson;
}

/** `connections` clients each send `bytes` through the proxy and read the echo back. */
async function echoTraffic(listen: string, connections: number, bytes: number): Promise<void> {
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const socket = await connectTo(portOf(listen));
      socket.write(Buffer.alloc(bytes, 7));
      expect((await readBytes(socket, bytes)).data.length).toBe(bytes);
      socket.destroy();
    }),
  );
}

/** Injects a fault through its real driver, runs `during`, removes it, and returns what it observed. */
async function observe(entry: Record<string, unknown>, during: () => Promise<void>): Promise<ProxyObservation | null> {
  const ctx = faultContext({ toxiproxy: { client, url: server.url }, dir });
  const event = plannedFault(entry, `${String(entry.kind)}-${Math.random().toString(36).slice(2, 6)}#1`);
  const driver = createFaultDriver(event, ctx);
  await ctx.ledger.open(event);
  await driver.inject();
  await during();
  await driver.remove();
  await ctx.ledger.done(event.name);
  const o = driver.observation?.() ?? null;
  expect(o === null || o.source === 'proxy').toBe(true);
  return o as ProxyObservation | null;
}

describe('embedded Toxiproxy counters', () => {
  it('count connections and bytes per direction exactly, and leave the proxy JSON as Toxiproxy has it', async () => {
    const proxy = await client.createProxy({ name: 'count', listen: '127.0.0.1:0', upstream: echo.address });
    expect(await stats('count')).toEqual({
      name: 'count', enabled: true, connections_accepted: 0, connections_active: 0, connections_dropped: 0, bytes_upstream: 0, bytes_downstream: 0, toxics: {},
    });
    await echoTraffic(proxy.listen, 3, 1000);
    const s = await stats('count');
    expect(s).toMatchObject({ connections_accepted: 3, bytes_upstream: 3000, bytes_downstream: 3000 });
    // Real clients see the same proxy JSON as before: the counters are on their own path.
    expect(Object.keys((await (await fetch(`${server.url}/proxies/count`)).json()) as object)).toEqual(['name', 'listen', 'upstream', 'enabled', 'Logger', 'toxics']);
    expect((await fetch(`${server.url}/proxies/nope/stats`)).status).toBe(404);
    await proxy.remove();
  });

  it('a toxic on the used proxy: its window saw the connections and bytes that went through the toxic', async () => {
    const proxy = await client.createProxy({ name: 'used', listen: '127.0.0.1:0', upstream: echo.address });
    // One connection opened before the fault and used during it: a toxic acts on live connections too.
    const early = await connectTo(portOf(proxy.listen));
    const o = await observe({ kind: 'net-latency', proxy: 'used', latencyMs: 20 }, async () => {
      await echoTraffic(proxy.listen, 4, 2500);
      early.write(Buffer.alloc(500, 1));
      await readBytes(early, 500);
    });
    early.destroy();
    // net-latency is a downstream toxic: the echoed bytes went through it, on all five connections.
    expect(o).toEqual({
      source: 'proxy', proxy: 'used', mode: 'toxic', note: null,
      counters: { connectionsAccepted: 4, bytesUpstream: 10_500, bytesDownstream: 10_500, affectedConnections: 5, affectedBytes: 10_500 },
    });
    await proxy.remove();
  });

  it('a toxic on a proxy nobody uses counts nothing, while the used proxy carries the traffic', async () => {
    const used = await client.createProxy({ name: 'busy', listen: '127.0.0.1:0', upstream: echo.address });
    await client.createProxy({ name: 'idle', listen: '127.0.0.1:0', upstream: echo.address });
    const o = await observe({ kind: 'net-latency', proxy: 'idle', latencyMs: 300 }, () => echoTraffic(used.listen, 3, 1000));
    expect(o?.counters).toEqual({ connectionsAccepted: 0, bytesUpstream: 0, bytesDownstream: 0, affectedConnections: 0, affectedBytes: 0 });
    expect((await stats('busy')).bytes_upstream).toBe(3000);
    await used.remove();
    await (await client.get('idle')).remove();
  });

  it('a disabled proxy counts the live connections it dropped', async () => {
    const proxy = await client.createProxy({ name: 'cut', listen: '127.0.0.1:0', upstream: echo.address });
    const live = await Promise.all([connectTo(portOf(proxy.listen)), connectTo(portOf(proxy.listen))]);
    live[0]!.write('x');
    await readBytes(live[0]!, 1);
    const closed = live.map((s) => waitClosed(s));
    const o = await observe({ kind: 'net-partition', proxy: 'cut' }, async () => void (await Promise.all(closed)));
    expect(o?.mode).toBe('disabled');
    expect(o?.counters).toMatchObject({ affectedConnections: 2, affectedBytes: 0 });
    await proxy.remove();
  });

  it('a Toxiproxy without counters (404, as the real one answers) leaves them unknown, not zero', async () => {
    const real = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    });
    await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve));
    const observer = new ProxyObserver(`http://127.0.0.1:${(real.address() as AddressInfo).port}`, 'api', 'stresslab-x');
    await observer.start();
    await observer.finish();
    expect(observer.observation()).toEqual({ source: 'proxy', proxy: 'api', mode: 'toxic', counters: null, note: 'this Toxiproxy keeps no traffic counters' });
    await new Promise((resolve) => real.close(resolve));
  });
});
