import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTo, readBytes, sleep, startEchoServer, startTcpServer, waitClosed } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';
import { addToxic, startFixture } from './toxiproxy-fixture.ts';
import type { Fixture } from './toxiproxy-fixture.ts';

// Each toxic measurably changes real traffic through a proxy, within the tolerances Toxiproxy's own
// Go tests assert (latency ± (jitter + 10 ms) per direction, bandwidth ±10 ms on ~0.5 s, reset at
// the timeout ± (timeout + 10 ms)), widened only where a loaded 2-core machine needs it.
let fx: Fixture;
let echo: LoopbackServer;
const servers: LoopbackServer[] = [];

beforeAll(async () => {
  fx = await startFixture(7);
  echo = await startEchoServer();
});
afterAll(async () => {
  await fx.close();
  for (const s of [echo, ...servers]) await s.close();
});

/** A server that writes `payload` to each client as soon as it connects, then optionally ends. */
async function sender(payload: Buffer, end: boolean): Promise<LoopbackServer> {
  const s = await startTcpServer((socket) => (end ? socket.end(payload) : socket.write(payload)));
  servers.push(s);
  return s;
}

async function roundTripMs(socket: Socket, message = 'ping'): Promise<number> {
  const start = performance.now();
  socket.write(message);
  await readBytes(socket, message.length);
  return performance.now() - start;
}

/**
 * Lower bounds use Toxiproxy's tolerances as they are (data must never be early). Upper bounds add the
 * measured round trip without toxics and this allowance for scheduling delays on a loaded 2-core machine.
 */
const loadAllowanceMs = 25;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function medianRoundTrip(socket: Socket, n: number): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < n; i++) all.push(await roundTripMs(socket));
  return { median: median(all), all };
}

function pattern(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = i % 251;
  return b;
}

describe('latency', () => {
  it('delays each direction by latency ± (jitter + 10 ms), and stacks', async () => {
    const { proxy, port } = await fx.proxy('latency', echo.address);
    const socket = await connectTo(port);
    const base = (await medianRoundTrip(socket, 5)).median;
    await addToxic(proxy, { type: 'latency', attributes: { latency: 100, jitter: 0 } });
    const down = (await medianRoundTrip(socket, 5)).median;
    expect(down).toBeGreaterThanOrEqual(100 - 10);
    expect(down).toBeLessThanOrEqual(100 + 10 + base + loadAllowanceMs);
    await addToxic(proxy, { type: 'latency', stream: 'upstream', attributes: { latency: 50, jitter: 0 } });
    const both = (await medianRoundTrip(socket, 5)).median;
    expect(both).toBeGreaterThanOrEqual(150 - 20);
    expect(both).toBeLessThanOrEqual(150 + 20 + base + loadAllowanceMs);
    await addToxic(proxy, { type: 'latency', stream: 'upstream', name: 'second', attributes: { latency: 50, jitter: 0 } });
    const stacked = (await medianRoundTrip(socket, 3)).median;
    expect(stacked).toBeGreaterThanOrEqual(200 - 20);
    expect(stacked).toBeLessThanOrEqual(200 + 20 + base + loadAllowanceMs);
    socket.destroy();
    await proxy.remove();
  });

  it('spreads delays over latency ± jitter', async () => {
    const { proxy, port } = await fx.proxy('jitter', echo.address);
    await addToxic(proxy, { type: 'latency', attributes: { latency: 80, jitter: 30 } });
    const socket = await connectTo(port);
    const { median: m, all } = await medianRoundTrip(socket, 9);
    for (const rtt of all) expect(rtt).toBeGreaterThanOrEqual(80 - 30 - 10);
    expect(m).toBeLessThanOrEqual(80 + 30 + 10 + loadAllowanceMs);
    expect(Math.max(...all) - Math.min(...all)).toBeGreaterThan(10);
    socket.destroy();
    await proxy.remove();
  });
});

describe('bandwidth', () => {
  it('limits a transfer to rate KB/s within ±10%', async () => {
    const server = await sender(pattern(480_000), false);
    const { proxy, port } = await fx.proxy('bandwidth', server.address);
    await addToxic(proxy, { type: 'bandwidth', attributes: { rate: 1000 } });
    const socket = await connectTo(port);
    const got = await readBytes(socket, 480_000);
    expect(got.data.equals(pattern(480_000))).toBe(true);
    expect(got.elapsedMs).toBeGreaterThanOrEqual(480 * 0.9);
    expect(got.elapsedMs).toBeLessThanOrEqual(480 * 1.1);
    socket.destroy();
    await proxy.remove();
  });
});

describe('slow_close', () => {
  it('holds the close for `delay` ms after the upstream ends', async () => {
    const server = await sender(Buffer.from('bye'), true);
    const { proxy, port } = await fx.proxy('slow-close', server.address);
    await addToxic(proxy, { type: 'slow_close', attributes: { delay: 300 } });
    const closed = await waitClosed(await connectTo(port));
    expect(closed.received).toBe(3);
    expect(closed.elapsedMs).toBeGreaterThanOrEqual(300 - 5);
    expect(closed.elapsedMs).toBeLessThanOrEqual(300 + 200);
    await proxy.remove();
  });
});

describe('timeout', () => {
  it('swallows data and closes `timeout` ms after the last chunk', async () => {
    const { proxy, port } = await fx.proxy('timeout', echo.address);
    await addToxic(proxy, { type: 'timeout', attributes: { timeout: 300 } });
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    socket.write('lost');
    const closed = await closing;
    expect(closed.received).toBe(0);
    expect(closed.errorCode).toBeUndefined();
    expect(closed.elapsedMs).toBeGreaterThanOrEqual(300 - 5);
    expect(closed.elapsedMs).toBeLessThanOrEqual(300 + 200);
    await proxy.remove();
  });

  it('with timeout 0 holds the connection open; removing the toxic closes it', async () => {
    const { proxy, port } = await fx.proxy('blackhole', echo.address);
    const toxic = await addToxic(proxy, { type: 'timeout', attributes: { timeout: 0 } });
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    socket.write('lost');
    await sleep(300);
    expect(socket.destroyed).toBe(false);
    const removedAt = performance.now();
    await toxic.remove();
    const closed = await closing;
    expect(closed.received).toBe(0);
    expect(performance.now() - removedAt).toBeLessThan(1000);
    await proxy.remove();
  });
});

describe('reset_peer', () => {
  it('resets the client (ECONNRESET) `timeout` ms after the first chunk', async () => {
    const { proxy, port } = await fx.proxy('reset', echo.address);
    await addToxic(proxy, { type: 'reset_peer', attributes: { timeout: 100 } });
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    socket.write('hello');
    const closed = await closing;
    expect(closed.errorCode).toBe('ECONNRESET');
    expect(closed.received).toBe(0);
    expect(closed.elapsedMs).toBeGreaterThanOrEqual(100 - 5);
    expect(closed.elapsedMs).toBeLessThanOrEqual(100 + 110 + 100);
    await proxy.remove();
  });

  it('resets at once with timeout 0, also on an upstream stream', async () => {
    const { proxy, port } = await fx.proxy('reset-now', echo.address);
    await addToxic(proxy, { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    socket.write('hello');
    const closed = await closing;
    expect(closed.errorCode).toBe('ECONNRESET');
    expect(closed.elapsedMs).toBeLessThan(200);
    await proxy.remove();
  });
});

describe('limit_data', () => {
  it('truncates at exactly the byte count, then closes', async () => {
    const server = await sender(pattern(50_000), false);
    const { proxy, port } = await fx.proxy('limit', server.address);
    await addToxic(proxy, { type: 'limit_data', attributes: { bytes: 1234 } });
    const socket = await connectTo(port);
    const got = await readBytes(socket, 50_000);
    expect(got.data.equals(pattern(50_000).subarray(0, 1234))).toBe(true);
    await waitClosed(socket);
    await proxy.remove();
  });

  it('counts across chunks (upstream: 100 + 100 bytes with a 150 limit → 150)', async () => {
    const received: Buffer[] = [];
    const server = await startTcpServer((s) => s.on('data', (d: Buffer) => received.push(d)));
    servers.push(server);
    const { proxy, port } = await fx.proxy('limit-up', server.address);
    await addToxic(proxy, { type: 'limit_data', stream: 'upstream', attributes: { bytes: 150 } });
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    socket.write(Buffer.alloc(100, 1));
    await sleep(50);
    socket.write(Buffer.alloc(100, 2));
    await closing;
    await sleep(50);
    expect(Buffer.concat(received).equals(Buffer.concat([Buffer.alloc(100, 1), Buffer.alloc(50, 2)]))).toBe(true);
    await proxy.remove();
  });
});

describe('slicer', () => {
  it('delivers one write as several smaller chunks, byte-exact', async () => {
    const payload = pattern(3000);
    const server = await sender(payload, false);
    const { proxy, port } = await fx.proxy('slicer', server.address);
    await addToxic(proxy, { type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 2000 } });
    const socket = await connectTo(port);
    const got = await readBytes(socket, payload.length);
    expect(got.data.equals(payload)).toBe(true);
    expect(got.chunks).toBeGreaterThanOrEqual(10);
    socket.destroy();
    await proxy.remove();
  });
});

describe('toxicity', () => {
  async function slowConnections(toxicity: number, count: number): Promise<number> {
    const { proxy, port } = await fx.proxy(`toxicity-${toxicity}`, echo.address);
    await addToxic(proxy, { type: 'latency', toxicity, attributes: { latency: 200, jitter: 0 } });
    const rtts = await Promise.all(
      Array.from({ length: count }, async () => {
        const socket = await connectTo(port);
        const rtt = await roundTripMs(socket);
        socket.destroy();
        return rtt;
      }),
    );
    await proxy.remove();
    return rtts.filter((ms) => ms >= 150).length;
  }

  it('applies to roughly half of the connections at 0.5, none at 0, all at 1', async () => {
    const half = await slowConnections(0.5, 40);
    expect(half).toBeGreaterThanOrEqual(10);
    expect(half).toBeLessThanOrEqual(30);
    expect(await slowConnections(0, 10)).toBe(0);
    expect(await slowConnections(1, 10)).toBe(10);
  });
});
