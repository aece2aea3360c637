import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import { startEchoServer } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';

// Status codes, bodies and headers byte for byte, with plain fetch (the client hides error bodies).
let server: ToxiproxyServer;
let echo: LoopbackServer;

beforeAll(async () => {
  server = await startToxiproxyServer({ port: 0 });
  echo = await startEchoServer();
});
afterAll(async () => {
  await server.close();
  await echo.close();
});
afterEach(async () => {
  const all = (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, unknown>;
  for (const name of Object.keys(all)) await fetch(`${server.url}/proxies/${name}`, { method: 'DELETE' });
});

interface Reply {
  status: number;
  body: string;
  contentType: string | null;
  requestId: string | null;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${server.url}${path}`, init);
  return {
    status: res.status,
    body: await res.text(),
    contentType: res.headers.get('content-type'),
    requestId: res.headers.get('x-toxiproxy-request-id'),
  };
}

const errorBody = (error: string, status: number) => `{"error":"${error}","status":${status}}\n`;

function expectError(reply: Reply, status: number, error: string): void {
  expect({ status: reply.status, body: reply.body, contentType: reply.contentType }).toEqual({
    status,
    body: errorBody(error, status),
    contentType: 'text/plain; charset=utf-8',
  });
}

const createProxy = (name: string, extra: object = {}) =>
  call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: echo.address, ...extra });

describe('proxies', () => {
  it('creates with 201 and the exact proxy JSON, including Logger and an empty toxics array', async () => {
    const reply = await createProxy('a');
    expect(reply.status).toBe(201);
    expect(reply.contentType).toBe('application/json');
    const port = /"listen":"127\.0\.0\.1:(\d+)"/.exec(reply.body)?.[1];
    expect(reply.body).toBe(
      `{"name":"a","listen":"127.0.0.1:${port}","upstream":"${echo.address}","enabled":true,"Logger":{},"toxics":[]}`,
    );
    expect(reply.requestId).toMatch(/^[0-9a-v]{20}$/);
  });

  it('lists proxies as an object keyed by name, {} when empty', async () => {
    expect((await call('GET', '/proxies')).body).toBe('{}');
    await createProxy('b');
    await createProxy('a');
    const list = JSON.parse((await call('GET', '/proxies')).body) as Record<string, { name: string }>;
    expect(Object.keys(list)).toEqual(['a', 'b']);
  });

  it('answers errors with Toxiproxy messages and status codes', async () => {
    await createProxy('dup');
    expectError(await createProxy('dup'), 409, 'proxy already exists');
    expectError(await call('GET', '/proxies/nope'), 404, 'proxy not found');
    expectError(await call('DELETE', '/proxies/nope'), 404, 'proxy not found');
    expectError(await call('POST', '/proxies', { upstream: echo.address }), 400, 'missing required field: name');
    expectError(await call('POST', '/proxies', { name: 'x' }), 400, 'missing required field: upstream');
    expectError(await call('POST', '/proxies', ''), 400, 'bad request body: EOF');
    expectError(
      await call('POST', '/proxies', { name: 'x', upstream: 'a:1', enabled: 'yes' }),
      400,
      'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool',
    );
    expectError(await call('POST', '/proxies/nope', { enabled: false }), 404, 'proxy not found');
    expectError(await call('POST', '/proxies/dup', ''), 400, 'bad request body: EOF');
  });

  it('reports a bind conflict as 500 with Go’s message and does not add the proxy', async () => {
    const reply = await call('POST', '/proxies', { name: 'clash', listen: echo.address, upstream: echo.address });
    expectError(reply, 500, `listen tcp ${echo.address}: bind: address already in use`);
    expect((await call('GET', '/proxies/clash')).status).toBe(404);
    expectError(
      await call('POST', '/proxies', { name: 'bad', listen: 'local373', upstream: echo.address }),
      500,
      'listen tcp: address local373: missing port in address',
    );
  });

  it('updates with POST or PATCH, matches keys case-insensitively, deletes with 204 and no body', async () => {
    await call('POST', '/proxies', { Name: 'u', Listen: '127.0.0.1:0', Upstream: echo.address });
    const patched = await call('PATCH', '/proxies/u', { enabled: false });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.body)).toMatchObject({ name: 'u', enabled: false });
    const posted = await call('POST', '/proxies/u', { enabled: true, upstream: 'other:1' });
    expect(JSON.parse(posted.body)).toMatchObject({ enabled: true, upstream: 'other:1' });
    const deleted = await call('DELETE', '/proxies/u');
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 204, body: '' });
  });
});

describe('toxics', () => {
  it('creates with 200, lists upstream toxics before downstream ones, and echoes the stream as sent', async () => {
    await createProxy('p');
    const down = await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 10 } });
    expect(down.status).toBe(200);
    expect(down.body).toBe(
      '{"attributes":{"latency":10,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    );
    const up = await call('POST', '/proxies/p/toxics', { type: 'slicer', stream: 'UPSTREAM' });
    expect(JSON.parse(up.body)).toEqual({
      attributes: { average_size: 0, size_variation: 0, delay: 0 },
      name: 'slicer_UPSTREAM',
      type: 'slicer',
      stream: 'UPSTREAM',
      toxicity: 1,
    });
    const list = JSON.parse((await call('GET', '/proxies/p/toxics')).body) as Array<{ name: string }>;
    expect(list.map((t) => t.name)).toEqual(['slicer_UPSTREAM', 'latency_downstream']);
    const proxy = JSON.parse((await call('GET', '/proxies/p')).body) as { toxics: Array<{ name: string }> };
    expect(proxy.toxics.map((t) => t.name)).toEqual(['slicer_UPSTREAM', 'latency_downstream']);
  });

  it('answers toxic errors with Toxiproxy messages', async () => {
    await createProxy('q');
    expectError(await call('POST', '/proxies/nope/toxics', { type: 'latency' }), 404, 'proxy not found');
    expectError(await call('POST', '/proxies/q/toxics', { type: 'down' }), 400, 'invalid toxic type');
    expectError(await call('POST', '/proxies/q/toxics', {}), 400, 'invalid toxic type');
    expectError(
      await call('POST', '/proxies/q/toxics', { type: 'latency', stream: '' }),
      400,
      'stream was invalid, can be either upstream or downstream',
    );
    expectError(
      await call('POST', '/proxies/q/toxics', { type: 'latency', attributes: { latency: 1.5 } }),
      400,
      'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.latency of type int64',
    );
    await call('POST', '/proxies/q/toxics', { type: 'latency', name: 'same', stream: 'upstream' });
    expectError(await call('POST', '/proxies/q/toxics', { type: 'timeout', name: 'same' }), 409, 'toxic already exists');
    expectError(await call('GET', '/proxies/q/toxics/nope'), 404, 'toxic not found');
    expectError(await call('POST', '/proxies/q/toxics/nope', 'not json'), 404, 'toxic not found');
    expectError(await call('DELETE', '/proxies/q/toxics/nope'), 404, 'toxic not found');
  });

  it('updates only attributes (merged) and toxicity; deletes with 204', async () => {
    await createProxy('r');
    await call('POST', '/proxies/r/toxics', { type: 'latency', name: 'l', attributes: { latency: 100, jitter: 10 } });
    const updated = await call('PATCH', '/proxies/r/toxics/l', {
      attributes: { latency: 200 },
      toxicity: 0.5,
      name: 'renamed',
      stream: 'upstream',
      type: 'timeout',
    });
    expect(JSON.parse(updated.body)).toEqual({
      attributes: { latency: 200, jitter: 10 },
      name: 'l',
      type: 'latency',
      stream: 'downstream',
      toxicity: 0.5,
    });
    const deleted = await call('DELETE', '/proxies/r/toxics/l');
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 204, body: '' });
  });

  it('accepts toxics on a disabled proxy; they persist across enable', async () => {
    await createProxy('cold', { enabled: false });
    expect((await call('POST', '/proxies/cold/toxics', { type: 'noop' })).status).toBe(200);
    await call('POST', '/proxies/cold', { enabled: true });
    const proxy = JSON.parse((await call('GET', '/proxies/cold')).body) as { enabled: boolean; toxics: unknown[] };
    expect(proxy).toMatchObject({ enabled: true, toxics: [{ name: 'noop_downstream', attributes: {} }] });
  });
});

describe('populate, reset, version, routing', () => {
  it('validates every entry before creating any', async () => {
    const reply = await call('POST', '/populate', [{ name: 'ok', upstream: echo.address, listen: '127.0.0.1:0' }, { upstream: 'x:1' }]);
    expect(reply).toMatchObject({ status: 400, contentType: 'application/json' });
    expect(reply.body).toBe('{"error":"missing required field: name at proxy 2","status":400,"proxies":null}');
    expect((await call('GET', '/proxies')).body).toBe('{}');
    const notArray = await call('POST', '/populate', { name: 'x' });
    expect(JSON.parse(notArray.body)).toEqual({
      error: 'bad request body: json: cannot unmarshal object into Go value of type []toxiproxy.Proxy',
      status: 400,
      proxies: null,
    });
  });

  it('stops at the first failure and returns the proxies handled before it', async () => {
    const reply = await call('POST', '/populate', [
      { name: 'first', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'second', listen: echo.address, upstream: echo.address },
    ]);
    expect(reply.status).toBe(500);
    const body = JSON.parse(reply.body) as { error: string; proxies: Array<{ name: string }> };
    expect(body.error).toBe(`listen tcp ${echo.address}: bind: address already in use`);
    expect(body.proxies.map((p) => p.name)).toEqual(['first']);
    expect(reply.body.endsWith('\n')).toBe(false);
  });

  it('returns {"proxies":[]} for an empty array (Go says null, which breaks the node client)', async () => {
    const reply = await call('POST', '/populate', []);
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 201, body: '{"proxies":[]}' });
  });

  it('replaces a proxy whose upstream changed, dropping its toxics', async () => {
    const created = JSON.parse((await createProxy('swap')).body) as { listen: string };
    await call('POST', '/proxies/swap/toxics', { type: 'noop' });
    const reply = await call('POST', '/populate', [{ name: 'swap', listen: created.listen, upstream: 'elsewhere:1' }]);
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({
      proxies: [{ name: 'swap', listen: created.listen, upstream: 'elsewhere:1', enabled: true, Logger: {}, toxics: [] }],
    });
  });

  it('/reset answers 204 with no body', async () => {
    const reply = await call('POST', '/reset');
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 204, body: '' });
  });

  it('/version answers the exact body and content type', async () => {
    const reply = await call('GET', '/version');
    expect(reply).toMatchObject({ status: 200, body: '{"version": "2.12.0"}\n', contentType: 'application/json;charset=utf-8' });
  });

  it('404s unknown paths, 405s wrong methods, 403s browsers', async () => {
    const unknown = await call('GET', '/nope');
    expect({ status: unknown.status, body: unknown.body, requestId: unknown.requestId }).toEqual({
      status: 404,
      body: '404 page not found\n',
      requestId: null,
    });
    expect((await call('GET', '/proxies/')).status).toBe(404);
    const wrong = await call('PUT', '/proxies');
    expect({ status: wrong.status, body: wrong.body }).toEqual({ status: 405, body: '' });
    const browser = await call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0' });
    expect({ status: browser.status, body: browser.body }).toEqual({ status: 403, body: 'User agent not allowed\n' });
  });
});
