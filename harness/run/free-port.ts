import net from 'node:net';

/**
 * A TCP port free on `host` now, for `{{port}}` of target.start: the kernel picks it (bind to 0),
 * the socket is closed and the command binds it moments later. Another process could take it in
 * between; the kernel hands out ports for bind(0) spread over the whole ephemeral range, so that
 * needs a near-simultaneous bind of that very port, and the command then fails to start (exit 4
 * with its output) rather than serving something else.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`no port from ${JSON.stringify(address)}`))));
    });
  });
}

/** Whether something accepts TCP connections on host:port (within `timeoutMs`). */
export function portAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
