import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../../harness/contract/stats.ts';
import { fixedRequests } from '../../support/fixed-requests.ts';
import { runEnginePhase } from '../../support/run-engine-phase.ts';

/**
 * The open-model engine's HTTP/1.1 client against servers that write their answers byte by byte
 * on a raw socket: each answer shape must end as the right outcome or error kind, never a crash or
 * a hang. The server runs in the test's process (it only writes canned bytes).
 */

type Answer = (socket: Socket, n: number, head: string) => void;

interface RawServer {
  url: string;
  /** Connections accepted. */
  connections: number;
  /** Requests read (by their blank line). */
  requests: number;
}

let server: Server | null = null;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

/** A server that reads request heads (no request bodies here) and answers each with `answer`. */
async function rawServer(answer: Answer): Promise<RawServer> {
  const stats: RawServer = { url: '', connections: 0, requests: 0 };
  server = createServer((socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        answer(socket, ++stats.requests, head);
      }
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  stats.url = `http://127.0.0.1:${address.port}`;
  return stats;
}

const arrival = { executor: 'constant-arrival-rate', ratePerSec: 20, durationMs: 1000, preAllocatedVUs: 5, maxVUs: 20, gracefulStopMs: 1000 } as const;

function kinds(k: Record<ErrorKind, number>): Partial<Record<ErrorKind, number>> {
  return Object.fromEntries(Object.entries(k).filter(([, n]) => n > 0));
}

/** Writes `text` in pieces of `size` bytes, one per timer turn (the client sees split segments). */
function trickle(socket: Socket, text: string | Buffer, size: number, then?: () => void): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  let at = 0;
  const step = (): void => {
    if (socket.destroyed) return;
    socket.write(bytes.subarray(at, at + size));
    at += size;
    if (at < bytes.length) setTimeout(step, 1);
    else then?.();
  };
  step();
}

describe('arrival engine on the wire', () => {
  it('chunked responses split across segments: whole bodies, keep-alive reuse', async () => {
    const body = 'x'.repeat(1000);
    const s = await rawServer((socket) => {
      const chunks = `3e8\r\n${body}\r\n0\r\n\r\n`;
      trickle(socket, `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`, 97);
    });
    const bodies: string[] = [];
    const run = await runEnginePhase(s.url, arrival, { requests: fixedRequests({ onBody: (_st, b) => bodies.push(b) }) });
    expect(run.agg.totals).toMatchObject({ requests: 20, errors: 0, bytes: 20 * 1000, statusCounts: { '2xx': 20 } });
    expect(bodies.every((b) => b === body)).toBe(true);
    expect(bodies).toHaveLength(20);
    // 20 requests spread over a second on a keep-alive server: the connection is reused.
    expect(s.connections).toBeLessThan(5);
  });

  it('Connection: close on every answer: each request on a new connection, all answered', async () => {
    const s = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    const run = await runEnginePhase(s.url, arrival);
    expect(run.agg.totals).toMatchObject({ requests: 20, errors: 0, bytes: 40 });
    expect(s.connections).toBe(20);
  });

  it('a body delimited by the connection closing (no length, not chunked) is read to the end', async () => {
    const s = await rawServer((socket) => trickle(socket, `HTTP/1.1 200 OK\r\n\r\n${'y'.repeat(5000)}`, 1500, () => socket.end()));
    const run = await runEnginePhase(s.url, arrival);
    expect(run.agg.totals).toMatchObject({ requests: 20, errors: 0, bytes: 20 * 5000 });
  });

  it('a server that resets mid-response → reset', async () => {
    const s = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial');
      setTimeout(() => socket.resetAndDestroy(), 5);
    });
    const run = await runEnginePhase(s.url, arrival);
    expect(kinds(run.agg.totals.errorKinds)).toEqual({ reset: 20 });
    expect(run.agg.totals.errors).toBe(20);
  });

  it('a server that closes mid-body (FIN, no reset) → reset, not a short success', async () => {
    const s = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b'));
    const run = await runEnginePhase(s.url, arrival);
    expect(kinds(run.agg.totals.errorKinds)).toEqual({ reset: 20 });
  });

  it('a malformed status line → other; the next request on a new connection still works', async () => {
    const s = await rawServer((socket, n) => {
      if (n % 2 === 1) socket.write('HTTP/1.1 abc\r\nContent-Length: 0\r\n\r\n');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const run = await runEnginePhase(s.url, arrival);
    // The server alternates by its own count of requests: every other one is malformed and costs its connection.
    expect(kinds(run.agg.totals.errorKinds)).toEqual({ other: 10 });
    expect(run.agg.totals.statusCounts).toEqual({ '2xx': 10 });
    expect(s.connections).toBeGreaterThanOrEqual(10);
  });

  it('a 30 MB body: counted in full, captured whole when asked', async () => {
    const size = 30 * 1024 * 1024;
    const payload = Buffer.alloc(size, 0x7a);
    const s = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
      socket.write(payload);
    });
    let captured = 0;
    const run = await runEnginePhase(s.url, { ...arrival, ratePerSec: 2 }, { timeoutMs: 20_000, requests: fixedRequests({ onBody: (_st, b) => (captured = b.length) }) });
    expect(run.agg.totals).toMatchObject({ requests: 2, errors: 0, bytes: 2 * size });
    expect(captured).toBe(size);
  });

  it('captured bodies of many connections read at the same time stay each its own (reads share one buffer)', async () => {
    // Every answer is 64 KiB of one letter, written in 4 KiB pieces 1 ms apart, so the reads of
    // 40 connections interleave; a body kept as a view into the shared read buffer would come back
    // mixed with other answers' letters.
    const size = 64 * 1024;
    const s = await rawServer((socket, n) => {
      const letter = 0x61 + (n % 26);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nX-Letter: ${letter}\r\n\r\n`);
      let sent = 0;
      const piece = (): void => {
        if (socket.destroyed) return;
        socket.write(Buffer.alloc(4096, letter));
        sent += 4096;
        if (sent < size) setTimeout(piece, 1);
      };
      piece();
    });
    const bodies: string[] = [];
    const run = await runEnginePhase(s.url, { ...arrival, ratePerSec: 200, maxVUs: 40 }, { timeoutMs: 5000, requests: fixedRequests({ onBody: (_st, b) => bodies.push(b) }) });
    expect(run.agg.totals).toMatchObject({ requests: 200, errors: 0, bytes: 200 * size });
    expect(bodies).toHaveLength(200);
    const mixed = bodies.filter((b) => b.length !== size || b !== (b[0] ?? '').repeat(size));
    expect(mixed.length, 'bodies with bytes of another answer').toBe(0);
    expect(new Set(bodies.map((b) => b[0])).size, 'the letters of many answers').toBeGreaterThan(20);
  });

  it('HEAD, 204 and 304 answers have no body: no wait for one, the connection stays usable', async () => {
    const s = await rawServer((socket, n) => {
      const status = ['200 OK\r\nContent-Length: 12345', '204 No Content', '304 Not Modified'][n % 3];
      socket.write(`HTTP/1.1 ${status}\r\n\r\n`);
    });
    const run = await runEnginePhase(s.url, arrival, { timeoutMs: 800, requests: fixedRequests({ method: 'HEAD', expectedStatuses: [200, 204, 304] }) });
    expect(run.agg.totals).toMatchObject({ requests: 20, errors: 0, bytes: 0 });
    expect(run.elapsedMs).toBeLessThan(1000 + 500);
    expect(s.connections).toBeLessThan(5);
  });

  it('an interim 103 Early Hints before the answer: the final status counts', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'));
    const run = await runEnginePhase(s.url, arrival);
    expect(run.agg.totals).toMatchObject({ requests: 20, errors: 0, bytes: 40, statusCounts: { '2xx': 20 } });
  });

  it('bytes after an answer that nobody asked for are dropped, not taken for the next answer', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE'));
    const run = await runEnginePhase(s.url, arrival);
    expect(run.agg.totals).toMatchObject({ requests: 20, errors: 0 });
  });
});

describe('arrival engine over TLS', () => {
  it('https: answers over a TLS connection; a certificate it cannot verify is an error of kind other, never a crash', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createServer: createHttps } = await import('node:https');
    const dir = mkdtempSync(join(tmpdir(), 'stresslab-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      const https = createHttps({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('secure'));
      await new Promise<void>((r) => https.listen(0, '127.0.0.1', () => r()));
      const address = https.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const url = `https://127.0.0.1:${address.port}`;
      try {
        const refused = await runEnginePhase(url, arrival);
        expect(kinds(refused.agg.totals.errorKinds)).toEqual({ other: 20 });
        // As a user with a self-signed staging certificate would run it.
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
        const bodies: string[] = [];
        const ok = await runEnginePhase(url, arrival, { requests: fixedRequests({ onBody: (_s, b) => bodies.push(b) }) });
        expect(ok.agg.totals).toMatchObject({ requests: 20, errors: 0, bytes: 20 * 6 });
        expect(new Set(bodies)).toEqual(new Set(['secure']));
      } finally {
        delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        https.closeAllConnections();
        await new Promise<void>((r) => https.close(() => r()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
