import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ICreateToxicBody, Latency, Proxy } from 'toxiproxy-node-client';
import { repoRoot } from '../../../harness/core/repo-root.ts';
import { connectTo, readBytes, sleep, startEchoServer } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';
import { addToxic, startFixture } from './toxiproxy-fixture.ts';
import type { Fixture } from './toxiproxy-fixture.ts';

// `ttl`: the proxy removes a toxic by itself, so a fault ends on time with no controller left to remove it.
let fx: Fixture;
let echo: LoopbackServer;

beforeAll(async () => {
  fx = await startFixture(7);
  echo = await startEchoServer();
});
afterAll(async () => {
  await fx.close();
  await echo.close();
});

async function roundTripMs(port: number): Promise<number> {
  const socket = await connectTo(port);
  const start = performance.now();
  socket.write('ping');
  await readBytes(socket, 4, 3000);
  socket.destroy();
  return performance.now() - start;
}

/** The toxics the API lists for the proxy (the client has no list call). */
async function listed(proxy: Proxy): Promise<string[]> {
  const response = await fetch(`${fx.server.url}/proxies/${proxy.name}/toxics`);
  return ((await response.json()) as Array<{ name: string }>).map((t) => t.name);
}

/** ms from `since` until the toxic is no longer listed (polled every 10 ms, at most `limitMs`). */
async function goneAfterMs(proxy: Proxy, name: string, since: number, limitMs: number): Promise<number> {
  while (performance.now() - since < limitMs) {
    if (!(await listed(proxy)).includes(name)) return performance.now() - since;
    await sleep(10);
  }
  throw new Error(`toxic ${name} still listed after ${limitMs} ms`);
}

describe('ttl', () => {
  it('a toxic created with ttl 300 by the official client is listed, then removed after ~300 ms, and traffic is clean again', async () => {
    const { proxy, port } = await fx.proxy('ttl', echo.address);
    const created = performance.now();
    const toxic = await addToxic(proxy, { type: 'latency', name: 'slow', attributes: { latency: 150, jitter: 0, ttl: 300 } });
    expect(toxic.attributes).toEqual({ latency: 150, jitter: 0, ttl: 300 });
    expect((await proxy.getToxic('slow')).toJson().attributes).toEqual({ latency: 150, jitter: 0, ttl: 300 });
    expect(await listed(proxy)).toEqual(['slow']);
    expect(await roundTripMs(port)).toBeGreaterThanOrEqual(145);
    const gone = await goneAfterMs(proxy, 'slow', created, 2000);
    console.info(`ttl 300 ms: gone from the listing ${gone.toFixed(0)} ms after creation`);
    expect(gone).toBeGreaterThanOrEqual(295);
    expect(gone).toBeLessThan(800);
    expect(await roundTripMs(port)).toBeLessThan(100);
    await proxy.remove();
  });

  it('accepts ttl as a top-level field too; a toxic without ttl keeps Toxiproxy’s JSON and stays', async () => {
    const { proxy } = await fx.proxy('ttl-top', echo.address);
    const created = performance.now();
    const top = await proxy.addToxic({ type: 'noop', name: 'top', ttl: 150, attributes: {} } as unknown as ICreateToxicBody<object>);
    expect(top.attributes).toEqual({ ttl: 150 });
    const plain = await addToxic(proxy, { type: 'latency', name: 'plain', attributes: { latency: 1 } });
    expect(plain.toJson()).toEqual({ attributes: { latency: 1, jitter: 0 }, name: 'plain', stream: 'downstream', toxicity: 1, type: 'latency' });
    expect(await goneAfterMs(proxy, 'top', created, 2000)).toBeGreaterThanOrEqual(145);
    await sleep(100);
    expect(await listed(proxy)).toEqual(['plain']);
    await proxy.remove();
  });

  it('an update can extend, shorten or cancel the countdown; one without ttl keeps it', async () => {
    const { proxy } = await fx.proxy('ttl-update', echo.address);
    const extended = await addToxic(proxy, { type: 'latency', name: 'extended', attributes: { latency: 1, ttl: 100 } });
    const cancelled = await addToxic(proxy, { type: 'latency', name: 'cancelled', attributes: { latency: 1, ttl: 100 } });
    const kept = await addToxic(proxy, { type: 'latency', name: 'kept', attributes: { latency: 1, ttl: 150 } });
    const start = performance.now();
    await extended.update({ attributes: { ttl: 400 } } as unknown as ICreateToxicBody<Latency>);
    const noTtl = await cancelled.update({ attributes: { ttl: 0 } } as unknown as ICreateToxicBody<Latency>);
    expect(noTtl.attributes).toEqual({ latency: 1, jitter: 0 });
    await kept.update({ attributes: { latency: 2 } } as unknown as ICreateToxicBody<Latency>);
    expect(await goneAfterMs(proxy, 'kept', start, 2000)).toBeLessThan(350);
    const names = await listed(proxy);
    expect(names).toEqual(['extended', 'cancelled']);
    expect(await goneAfterMs(proxy, 'extended', start, 2000)).toBeGreaterThanOrEqual(395);
    await sleep(50);
    expect(await listed(proxy)).toEqual(['cancelled']);
    await proxy.remove();
  });

  it('refuses a ttl that is not an integer, like any integer field', async () => {
    const { proxy } = await fx.proxy('ttl-bad', echo.address);
    await expect(addToxic(proxy, { type: 'latency', attributes: { latency: 1, ttl: 'soon' } })).rejects.toThrow('status code 400');
    await proxy.remove();
  });

  it('a standalone `stresslab toxiproxy` removes the toxic on time after the process that added it was SIGKILLed', async () => {
    const children: ChildProcess[] = [];
    const run = (args: string[], script: string) => {
      const child = spawn(process.execPath, [...args, '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      return child;
    };
    const firstLine = (child: ChildProcess, pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`nothing matching ${pattern} in: ${out}`)), 20_000);
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = pattern.exec(out);
          if (m?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
    try {
      const server = run(
        ['--import', 'tsx'],
        `import { toxiproxyCommand } from './harness/cli/toxiproxy-command.ts';
         const io = { out: (t) => console.log(t), err: (t) => console.error(t), isTTY: false, cwd: process.cwd() };
         process.exitCode = await toxiproxyCommand.run({ port: 0, host: '127.0.0.1' }, io);`,
      );
      const url = await firstLine(server, /listening on (http:\/\/\S+)/);
      const controller = run(
        [],
        `import { Toxiproxy } from 'toxiproxy-node-client';
         const proxy = await new Toxiproxy(${JSON.stringify(url)}).createProxy({ name: 'orphan', listen: '127.0.0.1:0', upstream: ${JSON.stringify(echo.address)} });
         await proxy.addToxic({ type: 'latency', name: 'orphaned', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0, ttl: 500 } });
         console.log('created ' + Date.now());
         setInterval(() => {}, 1000);`,
      );
      await firstLine(controller, /(created) \d+/);
      const created = performance.now();
      controller.kill('SIGKILL');
      await once(controller, 'exit');
      const listing = async () => ((await (await fetch(`${url}/proxies/orphan/toxics`)).json()) as Array<{ name: string }>).map((t) => t.name);
      expect(await listing()).toEqual(['orphaned']);
      while ((await listing()).length > 0) {
        expect(performance.now() - created).toBeLessThan(3000);
        await sleep(20);
      }
      expect(performance.now() - created).toBeLessThan(1000);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
