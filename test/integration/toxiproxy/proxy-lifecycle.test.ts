import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTo, readBytes, sleep, startEchoServer, startTcpServer, waitClosed } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';
import { addToxic, startFixture } from './toxiproxy-fixture.ts';
import type { Fixture } from './toxiproxy-fixture.ts';

// Live connections: toxics re-wire them at once, disabling drops them, backpressure bounds buffering.
let fx: Fixture;
let echo: LoopbackServer;

beforeAll(async () => {
  fx = await startFixture(3);
  echo = await startEchoServer();
});
afterAll(async () => {
  await fx.close();
  await echo.close();
});

async function roundTripMs(socket: Socket): Promise<number> {
  const start = performance.now();
  socket.write('ping');
  await readBytes(socket, 4);
  return performance.now() - start;
}

function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
  });
}

describe('live connections', () => {
  it('a toxic added while a connection is open affects it; removing it restores it', async () => {
    const { proxy, port } = await fx.proxy('live', echo.address);
    const socket = await connectTo(port);
    expect(await roundTripMs(socket)).toBeLessThan(150);
    const toxic = await addToxic(proxy, { type: 'latency', attributes: { latency: 300, jitter: 0 } });
    expect(await roundTripMs(socket)).toBeGreaterThanOrEqual(290);
    await toxic.remove();
    expect(await roundTripMs(socket)).toBeLessThan(150);
    socket.destroy();
    await proxy.remove();
  });

  it('removing a toxic that holds data flushes it instead of dropping it', async () => {
    const { proxy, port } = await fx.proxy('flush', echo.address);
    const toxic = await addToxic(proxy, { type: 'latency', attributes: { latency: 5000, jitter: 0 } });
    const socket = await connectTo(port);
    const reading = readBytes(socket, 5);
    socket.write('hello');
    await sleep(100);
    await toxic.remove();
    const got = await reading;
    expect(got.data.toString()).toBe('hello');
    expect(got.elapsedMs).toBeLessThan(1500);
    socket.destroy();
    await proxy.remove();
  });

  it('disabling closes live connections and refuses new ones; re-enabling serves the same port', async () => {
    const { proxy, port } = await fx.proxy('toggle', echo.address);
    const socket = await connectTo(port);
    expect(await roundTripMs(socket)).toBeLessThan(150);
    const closing = waitClosed(socket);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    expect((await closing).elapsedMs).toBeLessThan(1000);
    expect(await connectError(port)).toBe('ECONNREFUSED');
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(enabled.listen).toBe(proxy.listen);
    const again = await connectTo(port);
    expect(await roundTripMs(again)).toBeLessThan(150);
    again.destroy();
    await enabled.remove();
  });

  it('deleting a proxy closes its connections and frees its port', async () => {
    const { proxy, port } = await fx.proxy('delete', echo.address);
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    await proxy.remove();
    expect((await closing).elapsedMs).toBeLessThan(1000);
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('a client whose upstream is down is accepted, then closed (EOF, not refused)', async () => {
    const gone = await startEchoServer();
    await gone.close();
    const { proxy, port } = await fx.proxy('down-upstream', gone.address);
    const socket = await connectTo(port);
    const closed = await waitClosed(socket);
    expect(closed.elapsedMs).toBeLessThan(500);
    await proxy.remove();
  });

  it('closing the server closes every proxy and connection', async () => {
    const other = await startFixture(9);
    const { port } = await other.proxy('closing', echo.address);
    const socket = await connectTo(port);
    const closing = waitClosed(socket);
    await other.close();
    expect((await closing).elapsedMs).toBeLessThan(1000);
    expect(await connectError(port)).toBe('ECONNREFUSED');
    await expect(fetch(`${other.server.url}/version`)).rejects.toThrow();
  });
});

describe('toxic churn', () => {
  it('drops and reorders nothing while toxics are added, updated and removed on a busy connection', async () => {
    const { proxy, port } = await fx.proxy('churn', echo.address);
    const socket = await connectTo(port);
    const count = 20_000;
    const sent = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i++) sent.writeUInt16BE(i, i * 2);
    const reading = readBytes(socket, sent.length, 20_000);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < count; i += 50) {
        socket.write(sent.subarray(i * 2, (i + 50) * 2));
        await sleep(2);
      }
      writing = false;
    })();
    const kinds = [
      { type: 'latency', attributes: { latency: 2, jitter: 1 } },
      { type: 'slicer', attributes: { average_size: 64, size_variation: 16, delay: 0 } },
      { type: 'bandwidth', attributes: { rate: 100_000 } },
      { type: 'noop', attributes: {} },
    ] as const;
    let cycles = 0;
    for (let i = 0; writing; i++, cycles++) {
      const kind = kinds[i % kinds.length] ?? kinds[0];
      const stream = i % 2 === 0 ? 'upstream' : 'downstream';
      const toxic = await addToxic(proxy, { ...kind, stream, name: `churn-${i}` });
      if (kind.type === 'latency') await toxic.update({ attributes: { latency: 1 } } as never);
      await sleep(3);
      await toxic.remove();
    }
    await writer;
    expect(cycles).toBeGreaterThanOrEqual(20);
    const got = await reading;
    expect(got.data.length).toBe(sent.length);
    expect(got.data.equals(sent)).toBe(true);
    socket.destroy();
    await proxy.remove();
  });
});

describe('backpressure', () => {
  it('a stalled toxic pauses the client instead of buffering; removing it delivers every byte in order', async () => {
    let received = 0;
    let outOfOrder = 0;
    const sink = await startTcpServer((s) =>
      s.on('data', (d: Buffer) => {
        for (let i = 0; i < d.length; i += 4093) if (d[i] !== (received + i) % 251) outOfOrder++;
        received += d.length;
      }),
    );
    const { proxy, port } = await fx.proxy('stall', sink.address);
    const toxic = await addToxic(proxy, { type: 'bandwidth', stream: 'upstream', attributes: { rate: 0 } });
    const socket = await connectTo(port);
    const totalBytes = 128 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024);
    let written = 0;
    const writeUntilStalled = async (): Promise<void> => {
      while (written < totalBytes) {
        for (let i = 0; i < block.length; i++) block[i] = (written + i) % 251;
        written += block.length;
        if (socket.write(Buffer.from(block))) continue;
        const drained = await Promise.race([once(socket, 'drain').then(() => true), sleep(500).then(() => false)]);
        if (!drained) return;
      }
    };
    await writeUntilStalled();
    const accepted = written - socket.writableLength;
    // Kernel socket buffers (up to ~36 MiB here) + the link's 4 MiB bound: far below what was offered.
    expect(written).toBeLessThan(totalBytes);
    expect(accepted).toBeLessThan(64 * 1024 * 1024);
    expect(received).toBe(0);
    await toxic.remove();
    await writeUntilStalled();
    socket.end();
    const start = performance.now();
    while (received < written && performance.now() - start < 10_000) await sleep(20);
    expect(received).toBe(written);
    expect(outOfOrder).toBe(0);
    await proxy.remove();
    await sink.close();
  });
});
