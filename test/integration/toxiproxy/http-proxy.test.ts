import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { ICreateToxicBody, Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { startFixture } from './toxiproxy-fixture.ts';
import type { Fixture } from './toxiproxy-fixture.ts';
import { connectTo, portOf, readBytes, sleep } from './loopback.ts';

// A `"protocol": "http"` proxy in front of a loopback node:http server, driven with undici and curl;
// the toxics are created with the official toxiproxy-node-client like any other toxic.
let fx: Fixture;
let proxy: Proxy;
let base: string;
const upstreamSockets = new Set<string>();
const server = createServer((req, res) => {
  upstreamSockets.add(`${req.socket.remotePort}`);
  const url = new URL(req.url ?? '/', 'http://x');
  let received = 0;
  req.on('data', (d: Buffer) => (received += d.length));
  req.on('end', () => {
    const send = () => {
      if (url.pathname === '/big') {
        const size = Number(url.searchParams.get('size') ?? 20_000);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
        res.end(Buffer.alloc(size, 'x'));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Upstream': '1' });
      res.end(JSON.stringify({ method: req.method, path: url.pathname, received }));
    };
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (ms > 0) setTimeout(send, ms);
    else send();
  });
});
server.keepAliveTimeout = 10_000;
const curlInstalled = (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/curl`));
const dispatchers = new Set<Dispatcher>();

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fx = await startFixture(16);
  const upstream = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy = await fx.client.createProxy({ name: 'web', listen: '127.0.0.1:0', upstream, protocol: 'http' } as Parameters<Toxiproxy['createProxy']>[0]);
  base = `http://127.0.0.1:${portOf(proxy.listen)}`;
});

afterEach(async () => {
  for (const d of dispatchers) await d.destroy().catch(() => {});
  dispatchers.clear();
  const response = await fetch(`${fx.server.url}/proxies/web/toxics`);
  for (const toxic of (await response.json()) as Array<{ name: string }>) {
    await fetch(`${fx.server.url}/proxies/web/toxics/${toxic.name}`, { method: 'DELETE' });
  }
});

afterAll(async () => {
  await fx?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function pool(options: Pool.Options = {}): Pool {
  const p = new Pool(base, { connections: 1, keepAliveTimeout: 10_000, ...options });
  dispatchers.add(p);
  return p;
}

function addToxic(type: string, attributes: object, extra: { toxicity?: number; name?: string } = {}) {
  return proxy.addToxic({ type, attributes, stream: 'downstream', ...extra } as unknown as ICreateToxicBody<object>);
}

async function call(d: Dispatcher, method: 'GET' | 'POST', path: string, body?: string) {
  const res = await d.request({ method, path, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function stats(): Promise<{ connections_accepted: number; toxics: Record<string, { fired?: number }> }> {
  return (await (await fetch(`${fx.server.url}/proxies/web/stats`)).json()) as never;
}

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '5', ...args], { timeout: 8_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout });
    });
  });
}

describe('http mode', () => {
  it('is echoed in the proxy JSON only when not tcp, and advertised on /version', async () => {
    const json = (await (await fetch(`${fx.server.url}/proxies/web`)).json()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['name', 'listen', 'upstream', 'protocol', 'enabled', 'Logger', 'toxics']);
    expect(json.protocol).toBe('http');
    const version = await fetch(`${fx.server.url}/version`);
    expect(version.headers.get('x-stresslab-protocols')?.split(',')).toEqual(['postgres', 'http']);
    const tcp = await fx.client.createProxy({ name: 'tcp-web', listen: '127.0.0.1:0', upstream: proxy.upstream });
    expect(Object.keys(tcp.toJson())).not.toContain('protocol');
    await expect(tcp.addToxic({ type: 'http_status', attributes: {} } as unknown as ICreateToxicBody<object>)).rejects.toThrow('status code 400');
    await tcp.remove();
    await expect(addToxic('pg_error', {})).rejects.toThrow('status code 400');
    await expect(addToxic('http_status', { path: '(' })).rejects.toThrow('status code 400');
    await expect(addToxic('http_status', { status: 600 })).rejects.toThrow('status code 400');
    await expect(addToxic('http_status', { headers: 'Retry-After 2' })).rejects.toThrow('status code 400');
  });

  it('http_status answers POST /v1/executions only, with its status, body and Retry-After (undici and curl)', async () => {
    await addToxic('http_status', { method: 'POST', path: '^/v1/executions$', status: 503, body: 'busy', headers: 'Retry-After: 2' }, { name: 'busy' });
    const p = pool();
    const hit = await call(p, 'POST', '/v1/executions', JSON.stringify({ a: 1 }));
    expect(hit).toMatchObject({ status: 503, text: 'busy' });
    expect(hit.headers['retry-after']).toBe('2');
    expect(hit.headers['x-upstream']).toBeUndefined();
    expect(JSON.parse((await call(p, 'GET', '/v1/executions')).text)).toMatchObject({ method: 'GET', path: '/v1/executions' });
    expect(JSON.parse((await call(p, 'POST', '/v1/executions/1', '{}')).text)).toMatchObject({ method: 'POST', received: 2 });
    // The path regex sees the path without its query.
    expect((await call(p, 'POST', '/v1/executions?x=1', '{"b":2}')).status).toBe(503);
    expect((await stats()).toxics.busy?.fired).toBe(2);
    if (!curlInstalled) return console.warn('curl is not installed: curl checks skipped');
    const viaCurl = await curl(['-i', '-X', 'POST', '-d', '{"c":3}', `${base}/v1/executions`, `${base}/v1/other`]);
    expect(viaCurl.code).toBe(0);
    expect(viaCurl.stdout).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\nRetry-After: 2\r\n/);
    expect(viaCurl.stdout).toContain('"path":"/v1/other"');
  });

  it('rolls toxicity per matching request: 0.3 over 300 requests within ±4 sd', async () => {
    await addToxic('http_status', { path: '^/v1/executions$' }, { toxicity: 0.3, name: 'share' });
    const p = pool({ connections: 4 });
    const statuses = await Promise.all(Array.from({ length: 300 }, () => call(p, 'POST', '/v1/executions', '{}').then((r) => r.status)));
    const failed = statuses.filter((s) => s === 503).length;
    expect(statuses.filter((s) => s === 200).length).toBe(300 - failed);
    expect((await stats()).toxics.share?.fired).toBe(failed);
    // Binomial(300, 0.3): mean 90, sd 7.94; ±4 sd is [59, 121].
    console.info(`http_status toxicity 0.3: ${failed}/300 = ${(failed / 300).toFixed(3)}`);
    expect(failed).toBeGreaterThanOrEqual(59);
    expect(failed).toBeLessThanOrEqual(121);
  });

  it('count fails exactly the first N matches, after skips the first ones, shared across connections', async () => {
    await addToxic('http_status', { path: '^/first', count: 3 }, { name: 'first3' });
    const a = pool();
    const b = pool();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(i % 2 === 0 ? a : b, 'GET', '/first')).status);
    expect(statuses).toEqual([503, 503, 503, 200, 200, 200, 200, 200]);
    await addToxic('http_status', { path: '^/later', after: 2, count: 2, status: 500 }, { name: 'later' });
    const later: number[] = [];
    for (let i = 0; i < 6; i++) later.push((await call(a, 'GET', '/later')).status);
    expect(later).toEqual([200, 200, 500, 500, 200, 200]);
  });

  it('keeps a keep-alive connection: one socket serves answered and forwarded requests alternately', async () => {
    await addToxic('http_status', { path: '^/fail' }, { name: 'fail' });
    const acceptedBefore = (await stats()).connections_accepted;
    upstreamSockets.clear();
    const p = pool();
    for (let i = 0; i < 6; i++) {
      expect((await call(p, 'POST', '/fail', 'x'.repeat(i * 100))).status).toBe(503);
      expect(JSON.parse((await call(p, 'GET', '/ok')).text)).toMatchObject({ path: '/ok' });
    }
    expect((await stats()).connections_accepted - acceptedBefore).toBe(1);
    expect(upstreamSockets.size).toBe(1);
  });

  it('keeps responses in request order with pipelining (an answer waits for the response before it)', async () => {
    await addToxic('http_status', { path: '^/fail' }, { name: 'fail' });
    const acceptedBefore = (await stats()).connections_accepted;
    const client = new Client(base, { pipelining: 4 });
    dispatchers.add(client);
    const done: string[] = [];
    const tracked = (path: string) =>
      call(client, 'GET', path).then((r) => {
        done.push(path);
        return r;
      });
    const results = await Promise.all([tracked('/slow?ms=150'), tracked('/fail'), tracked('/ok?ms=20'), tracked('/fail?2')]);
    expect(results.map((r) => r.status)).toEqual([200, 503, 200, 503]);
    expect(JSON.parse(results[0]?.text ?? '').path).toBe('/slow');
    expect(JSON.parse(results[2]?.text ?? '').path).toBe('/ok');
    expect(done).toEqual(['/slow?ms=150', '/fail', '/ok?ms=20', '/fail?2']);
    expect((await stats()).connections_accepted - acceptedBefore).toBe(1);
  });

  it('handles a raw pipelined burst in one segment: chunked body dropped, HEAD answered without body, order kept', async () => {
    await addToxic('http_status', { path: '^/fail', headers: 'Retry-After: 7' , body: 'no' }, { name: 'fail' });
    const socket = await connectTo(portOf(proxy.listen));
    const burst =
      'GET /slow?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /fail HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' +
      'HEAD /fail HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' +
      'GET /fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    socket.write(burst);
    const received = await readBytes(socket, Number.MAX_SAFE_INTEGER, 5_000);
    const text = received.data.toString('latin1');
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '503', '503', '200', '503']);
    expect(text.indexOf('"path":"/slow"')).toBeLessThan(text.indexOf('503'));
    expect(text).toContain('"path":"/ok","received":3');
    // The HEAD answer has its Content-Length but no body; the last answer carries Connection: close and the proxy closes.
    expect(text).toContain('Content-Length: 2\r\n\r\nHTTP/1.1 200 OK');
    expect(text).toMatch(/Connection: close\r\n\r\nno$/);
    socket.destroy();
  });

  it('http_delay holds the response head of matching requests only; trickle slows the body', async () => {
    await addToxic('http_delay', { path: '^/slowme', latency: 200 }, { name: 'delay' });
    const p = pool();
    let start = performance.now();
    await call(p, 'GET', '/slowme');
    const delayed = performance.now() - start;
    start = performance.now();
    await call(p, 'GET', '/other');
    const plain = performance.now() - start;
    expect(delayed).toBeGreaterThanOrEqual(195);
    expect(plain).toBeLessThan(150);
    await addToxic('http_delay', { path: '^/big', trickle: 10_000 }, { name: 'trickle' });
    start = performance.now();
    const big = await call(p, 'GET', '/big?size=4000');
    const trickled = performance.now() - start;
    expect(big.text.length).toBe(4000);
    // 4000 bytes at 10 000 B/s: 400 ms.
    expect(trickled).toBeGreaterThanOrEqual(390);
    console.info(`http_delay: ${delayed.toFixed(0)} ms with latency 200 vs ${plain.toFixed(0)} ms; trickle 4000 B at 10000 B/s: ${trickled.toFixed(0)} ms`);
  });

  it('http_abort resets the client after the head and `bytes` of the body', async () => {
    await addToxic('http_abort', { path: '^/big', bytes: 100 }, { name: 'abort' });
    const p = pool();
    const res = await p.request({ method: 'GET', path: '/big' });
    expect(res.statusCode).toBe(200);
    const error = (await res.body.arrayBuffer().then(() => undefined, (e: unknown) => e)) as { code?: string } | undefined;
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(error?.code);
    expect((await stats()).toxics.abort?.fired).toBe(1);
    if (!curlInstalled) return;
    await addToxic('http_abort', { path: '^/reset' }, { name: 'abort2' });
    expect((await curl([`${base}/reset`])).code).toBe(56); // CURLE_RECV_ERROR: connection reset
  });

  it('http_truncate closes the client after `bytes` of the body: a short body', async () => {
    await addToxic('http_truncate', { path: '^/big', bytes: 1000 }, { name: 'cut' });
    const p = pool();
    const res = await p.request({ method: 'GET', path: '/big' });
    expect(res.statusCode).toBe(200);
    const error = (await res.body.arrayBuffer().then(() => undefined, (e: unknown) => e)) as { code?: string } | undefined;
    expect(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']).toContain(error?.code);
    if (!curlInstalled) return;
    const viaCurl = await curl(['-o', '/dev/null', '-w', '%{size_download}', `${base}/big`]);
    expect(viaCurl.code).toBe(18); // CURLE_PARTIAL_FILE
    expect(viaCurl.stdout).toBe('1000');
  });

  it('still runs TCP toxics (latency) on an http proxy', async () => {
    await addToxic('latency', { latency: 100, jitter: 0 }, { name: 'tcp-latency' });
    const p = pool();
    const start = performance.now();
    expect((await call(p, 'GET', '/ok')).status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
  });

  it('creates, updates and removes each http toxic with the official client', async () => {
    for (const [type, attributes] of [
      ['http_status', { method: 'POST', path: '^/v1', header: 'X-A: b', status: 429, body: 'slow down', headers: 'Retry-After: 1', count: 1, after: 2 }],
      ['http_delay', { method: '', path: '', header: '', latency: 50, trickle: 0, count: 0, after: 0 }],
      ['http_abort', { method: 'GET', path: '', header: '', bytes: 10, count: 0, after: 0 }],
      ['http_truncate', { method: '', path: '/x', header: '', bytes: 0, count: 5, after: 0 }],
    ] as const) {
      const toxic = await addToxic(type, attributes);
      expect(toxic.toJson()).toEqual({ attributes, name: `${type}_downstream`, stream: 'downstream', toxicity: 1, type });
      const updated = await toxic.update({ attributes: { count: 9 }, toxicity: 0.5 } as unknown as ICreateToxicBody<object>);
      expect(updated.toJson()).toEqual({ attributes: { ...attributes, count: 9 }, name: `${type}_downstream`, stream: 'downstream', toxicity: 0.5, type });
      await updated.remove();
      await expect(proxy.getToxic(`${type}_downstream`)).rejects.toThrow('status code 404');
    }
    await sleep(0);
  });
});
