import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A TCP server on 127.0.0.1:0 that closes its live sockets on close(). */
export interface LoopbackServer {
  readonly port: number;
  readonly address: string;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function startTcpServer(onSocket: (socket: Socket) => void): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const startEchoServer = () => startTcpServer((s) => s.pipe(s));

export async function connectTo(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await once(socket, 'connect');
  return socket;
}

/** The port of a Toxiproxy `listen` string such as `127.0.0.1:41234`. */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

export interface Received {
  data: Buffer;
  chunks: number;
  /** ms from the call to the last byte needed. */
  elapsedMs: number;
}

/** Collects `bytes` bytes (or until the socket ends) and reports how long that took. */
export function readBytes(socket: Socket, bytes: number, timeoutMs = 10_000): Promise<Received> {
  const start = performance.now();
  const parts: Buffer[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const finish = () => {
      cleanup();
      resolve({ data: Buffer.concat(parts), chunks: parts.length, elapsedMs: performance.now() - start });
    };
    const onData = (d: Buffer) => {
      parts.push(d);
      total += d.length;
      if (total >= bytes) finish();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`read ${total} of ${bytes} bytes in ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', finish);
      socket.off('close', finish);
    };
    socket.on('data', onData);
    socket.once('end', finish);
    socket.once('close', finish);
  });
}

export interface Closed {
  /** ms from the call until the socket closed. */
  elapsedMs: number;
  /** The error code the socket saw first (e.g. ECONNRESET), if any. */
  errorCode: string | undefined;
  /** Bytes received while waiting. */
  received: number;
}

/** Waits for the socket to close, recording any error and the bytes still received. */
export function waitClosed(socket: Socket, timeoutMs = 10_000): Promise<Closed> {
  const start = performance.now();
  let errorCode: string | undefined;
  let received = 0;
  socket.on('data', (d: Buffer) => (received += d.length));
  socket.on('error', (e: NodeJS.ErrnoException) => (errorCode ??= e.code));
  if (socket.destroyed) return Promise.resolve({ elapsedMs: 0, errorCode, received });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ elapsedMs: performance.now() - start, errorCode, received });
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
