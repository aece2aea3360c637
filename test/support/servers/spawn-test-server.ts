import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ServerMode } from './test-http-server.ts';

export type { ServerMode } from './test-http-server.ts';

export interface TestServer {
  url: string;
  port: number;
  pid: number;
  /** Requests the server received (its /__stats). */
  received(): Promise<number>;
  /** Time each request spent in the server (ms), in modes that record it (`distribution`). */
  heldMs(): Promise<number[]>;
  /** `mixed` mode: load requests the server answered OK and with its failure status. */
  served(): Promise<{ ok: number; failed: number }>;
  /** The server's own clock of its outage, as wall-clock epoch ms (null until it happened): `window` and `heal-after-gap` modes. */
  clocks(): Promise<ServerClocks>;
  stop(): Promise<void>;
}

export interface ServerClocks {
  /** The first request to the mode's load path: the zero of a `window` outage. */
  firstAtEpochMs: number | null;
  /** heal-after-gap: the first request after the gap, and the end of the 503s it started. */
  failFromEpochMs: number | null;
  failToEpochMs: number | null;
}

const SCRIPT = fileURLToPath(new URL('./test-http-server.ts', import.meta.url));

/** Starts test-http-server.ts in a child process (its own event loop and CPU) and waits for its port. */
export function startTestServer(mode: ServerMode): Promise<TestServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(mode)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      const { port } = JSON.parse(out.slice(0, nl)) as { port: number };
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        port,
        pid: child.pid ?? -1,
        async received() {
          const res = await fetch(`${url}/__stats`);
          return ((await res.json()) as { received: number }).received;
        },
        async heldMs() {
          const res = await fetch(`${url}/__stats`);
          return ((await res.json()) as { heldMs: number[] }).heldMs;
        },
        async served() {
          const res = await fetch(`${url}/__stats`);
          return ((await res.json()) as { served: { ok: number; failed: number } }).served;
        },
        async clocks() {
          const res = await fetch(`${url}/__stats`);
          return (await res.json()) as ServerClocks;
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`test server exited early with code ${code}`)));
    child.once('error', reject);
  });
}

/**
 * A loopback port for something to listen on a while later (a declared proxy's fixed `listen`): a
 * free one below the kernel's ephemeral range (32768–60999 on Linux), so no outgoing connection of
 * this or another process can take it in between. A port from `closedPort()` could be: one was, in
 * the seconds before a run's proxy bound it, while other test suites ran (the proxy API answered 500,
 * address in use).
 */
export async function listenablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000–31999');
}

/** A loopback port with nothing listening (connections are refused). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
