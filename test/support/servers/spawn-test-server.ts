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
  stop(): Promise<void>;
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
