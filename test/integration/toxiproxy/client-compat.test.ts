import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Proxy, Toxic, Toxiproxy } from 'toxiproxy-node-client';
import type { Bandwidth, ICreateToxicBody, Latency, Slicer, Slowclose, Timeout, ToxicType } from 'toxiproxy-node-client';
import type { LimitData, ResetPeer } from 'toxiproxy-node-client/dist/Toxic.js';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import { connectTo, portOf, readBytes, startEchoServer } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';

// Every class and method of toxiproxy-node-client against the embedded server. Assertions sit outside
// any .catch(): a wrong 2xx must fail, and expected errors are awaited with `rejects`.
let server: ToxiproxyServer;
let echo: LoopbackServer;
let client: Toxiproxy;

beforeAll(async () => {
  server = await startToxiproxyServer({ port: 0 });
  echo = await startEchoServer();
  client = new Toxiproxy(server.url);
});
afterAll(async () => {
  await server.close();
  await echo.close();
});

/** The client's create-toxic type wants every field; the server has defaults, which is what we test. */
function partialToxic<T>(body: { type: ToxicType; attributes: T; name?: string; stream?: string; toxicity?: number }) {
  return body as unknown as ICreateToxicBody<T>;
}

async function echoes(listen: string): Promise<boolean> {
  const socket = await connectTo(portOf(listen));
  socket.write('ping');
  const got = await readBytes(socket, 4, 3000);
  socket.destroy();
  return got.data.toString() === 'ping';
}

describe('Toxiproxy class', () => {
  it('getVersion returns the exact version body', async () => {
    expect(await client.getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it('createProxy binds a free port, echoes upstream, and forwards traffic', async () => {
    const proxy = await client.createProxy({ name: 'create', listen: '127.0.0.1:0', upstream: echo.address });
    expect(proxy).toBeInstanceOf(Proxy);
    expect(proxy.name).toBe('create');
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
    expect(proxy.upstream).toBe(echo.address);
    expect(proxy.enabled).toBe(true);
    expect(await echoes(proxy.listen)).toBe(true);
    await proxy.remove();
  });

  it('createProxy with enabled:false keeps listen verbatim and does not bind', async () => {
    const proxy = await client.createProxy({ name: 'cold', listen: 'localhost:3310', upstream: echo.address, enabled: false });
    expect(proxy.toJson()).toEqual({ name: 'cold', listen: 'localhost:3310', upstream: echo.address, enabled: false });
    await proxy.remove();
  });

  it('get and getAll return Proxy objects with the stored fields', async () => {
    const a = await client.createProxy({ name: 'all-a', listen: 'localhost:0', upstream: echo.address });
    const b = await client.createProxy({ name: 'all-b', listen: '127.0.0.1:0', upstream: 'somehost:6379' });
    expect(a.listen).toMatch(/^127\.0\.0\.1:\d+$/); // a hostname is resolved, preferring IPv4
    const got = await client.get('all-a');
    expect(got).toBeInstanceOf(Proxy);
    expect(got.toJson()).toEqual(a.toJson());
    const all = await client.getAll();
    expect(Object.keys(all).sort()).toEqual(['all-a', 'all-b']);
    expect(all['all-b']?.toJson()).toEqual({ name: 'all-b', listen: b.listen, upstream: 'somehost:6379', enabled: true });
    await a.remove();
    await b.remove();
    await expect(client.get('all-a')).rejects.toThrow('Request failed with status code 404');
  });

  it('populate creates proxies, and keeps an unchanged one with its toxics', async () => {
    const first = await client.populate([
      { name: 'pop-1', listen: 'localhost:0', upstream: echo.address },
      { name: 'pop-2', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]);
    expect(Object.keys(first).sort()).toEqual(['pop-1', 'pop-2']);
    const pop1 = first['pop-1'];
    expect(pop1).toBeInstanceOf(Proxy);
    expect(pop1?.enabled).toBe(true);
    expect(first['pop-2']?.enabled).toBe(false);
    await pop1?.addToxic(partialToxic<Latency>({ type: 'latency', attributes: { latency: 5, jitter: 0 } }));
    const again = await client.populate([{ name: 'pop-1', listen: pop1?.listen ?? '', upstream: echo.address }]);
    expect(again['pop-1']?.listen).toBe(pop1?.listen);
    const body = (await (await fetch(`${server.url}/proxies/pop-1`)).json()) as { toxics: unknown[] };
    expect(body.toxics).toHaveLength(1);
    await client.reset();
    for (const p of Object.values(await client.getAll())) await p.remove();
  });

  it('reset re-enables disabled proxies and removes every toxic', async () => {
    const proxy = await client.createProxy({ name: 'reset', listen: '127.0.0.1:0', upstream: echo.address });
    await proxy.addToxic(partialToxic<Timeout>({ type: 'timeout', attributes: { timeout: 0 } }));
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(await client.reset()).toBeUndefined();
    const after = await client.get('reset');
    expect(after.enabled).toBe(true);
    expect(after.listen).toBe(proxy.listen);
    const toxics = (await (await fetch(`${server.url}/proxies/reset/toxics`)).json()) as unknown[];
    expect(toxics).toEqual([]);
    expect(await echoes(after.listen)).toBe(true);
    await after.remove();
  });

  it('refuses a duplicate proxy with 409', async () => {
    const proxy = await client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address });
    await expect(client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address })).rejects.toThrow(
      'Request failed with status code 409',
    );
    await proxy.remove();
  });
});

describe('Proxy class', () => {
  it('toJson, getHost, getPath and getToxiproxy describe the proxy', async () => {
    const proxy = await client.createProxy({ name: 'paths', listen: '127.0.0.1:0', upstream: echo.address });
    expect(proxy.toJson()).toEqual({ enabled: true, listen: proxy.listen, name: 'paths', upstream: echo.address });
    expect(proxy.getHost()).toBe(server.url);
    expect(proxy.getPath()).toBe(`${server.url}/proxies/paths`);
    expect(proxy.getToxiproxy()).toBe(client);
    await proxy.remove();
  });

  it('update disables, then re-enables on the same port with a new upstream', async () => {
    const proxy = await client.createProxy({ name: 'upd', listen: '127.0.0.1:0', upstream: echo.address });
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled).toBeInstanceOf(Proxy);
    expect(disabled.enabled).toBe(false);
    expect(disabled.listen).toBe(proxy.listen);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: 'somehost:12345' });
    expect(enabled.toJson()).toEqual({ name: 'upd', listen: proxy.listen, upstream: 'somehost:12345', enabled: true });
    await enabled.remove();
  });

  it('remove deletes the proxy (404 afterwards)', async () => {
    const proxy = await client.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: echo.address });
    expect(await proxy.remove()).toBeUndefined();
    await expect(client.get('gone')).rejects.toThrow('Request failed with status code 404');
    await expect(proxy.remove()).rejects.toThrow('Request failed with status code 404');
  });

  it('addToxic applies defaults: name <type>_downstream, stream downstream, toxicity 1', async () => {
    const proxy = await client.createProxy({ name: 'defaults', listen: '127.0.0.1:0', upstream: echo.address });
    const toxic = await proxy.addToxic(partialToxic<Latency>({ type: 'latency', attributes: { latency: 1000, jitter: 0 } }));
    expect(toxic).toBeInstanceOf(Toxic);
    expect(toxic.toJson()).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 1000, jitter: 0 },
    });
    const bare = await proxy.addToxic(partialToxic<Bandwidth>({ type: 'bandwidth', attributes: {} as Bandwidth, stream: 'upstream' }));
    expect(bare.toJson()).toEqual({ name: 'bandwidth_upstream', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 0 } });
    await expect(
      proxy.addToxic(partialToxic<Latency>({ type: 'latency', attributes: { latency: 1, jitter: 0 }, stream: 'upstream', name: 'bandwidth_upstream' })),
    ).rejects.toThrow('Request failed with status code 409');
    await expect(proxy.addToxic(partialToxic<Record<string, never>>({ type: 'down', attributes: {} }))).rejects.toThrow(
      'Request failed with status code 400',
    );
    await proxy.remove();
  });

  it('addToxic accepts every toxic type and echoes its attributes', async () => {
    const proxy = await client.createProxy({ name: 'types', listen: '127.0.0.1:0', upstream: echo.address });
    const cases: Array<[ToxicType, object]> = [
      ['latency', { latency: 100, jitter: 10 } satisfies Latency],
      ['bandwidth', { rate: 500 } satisfies Bandwidth],
      ['slow_close', { delay: 200 } satisfies Slowclose],
      ['timeout', { timeout: 300 } satisfies Timeout],
      ['slicer', { average_size: 1000, size_variation: 100, delay: 1000 } satisfies Slicer],
      ['reset_peer', { timeout: 50 } satisfies ResetPeer],
      ['limit_data', { bytes: 4096 } satisfies LimitData],
    ];
    for (const [type, attributes] of cases) {
      const toxic = await proxy.addToxic(
        partialToxic({ type, attributes, name: `t-${type}`, stream: 'upstream', toxicity: 0.5 }),
      );
      expect(toxic.toJson()).toEqual({ name: `t-${type}`, type, stream: 'upstream', toxicity: 0.5, attributes });
    }
    await proxy.remove();
  });

  it('getToxic returns the stored toxic; a missing one is 404', async () => {
    const proxy = await client.createProxy({ name: 'gettox', listen: '127.0.0.1:0', upstream: echo.address });
    const added = await proxy.addToxic(partialToxic<Slowclose>({ type: 'slow_close', attributes: { delay: 5 }, name: 'sc' }));
    const got = await proxy.getToxic<Slowclose>('sc');
    expect(got).toBeInstanceOf(Toxic);
    expect(got.toJson()).toEqual(added.toJson());
    expect(got.getPath()).toBe(`${server.url}/proxies/gettox/toxics/sc`);
    await expect(proxy.getToxic('nope')).rejects.toThrow('Request failed with status code 404');
    await proxy.remove();
  });
});

describe('Toxic class', () => {
  it('update merges attributes (omitted keys keep their values) and keeps name, type and stream', async () => {
    const proxy = await client.createProxy({ name: 'toxupd', listen: '127.0.0.1:0', upstream: echo.address });
    const toxic = await proxy.addToxic(partialToxic<Latency>({ type: 'latency', attributes: { latency: 100, jitter: 10 }, stream: 'upstream' }));
    const updated = await toxic.update({ attributes: { latency: 250 } } as unknown as ICreateToxicBody<Latency>);
    expect(updated).toBeInstanceOf(Toxic);
    expect(updated.toJson()).toEqual({
      name: 'latency_upstream',
      type: 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: { latency: 250, jitter: 10 },
    });
    const lessToxic = await updated.update({ toxicity: 0.25 } as unknown as ICreateToxicBody<Latency>);
    expect(lessToxic.toxicity).toBe(0.25);
    expect(lessToxic.attributes).toEqual({ latency: 250, jitter: 10 });
    await proxy.remove();
  });

  it('remove deletes the toxic (404 afterwards)', async () => {
    const proxy = await client.createProxy({ name: 'toxrm', listen: '127.0.0.1:0', upstream: echo.address });
    const toxic = await proxy.addToxic(partialToxic<LimitData>({ type: 'limit_data', attributes: { bytes: 10 } }));
    expect(await toxic.remove()).toBeUndefined();
    await expect(proxy.getToxic('limit_data_downstream')).rejects.toThrow('Request failed with status code 404');
    await expect(toxic.remove()).rejects.toThrow('Request failed with status code 404');
    await proxy.remove();
  });
});
