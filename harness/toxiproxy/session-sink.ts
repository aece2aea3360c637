import type { Socket } from 'node:net';
import { Writable } from 'node:stream';

/**
 * A Writable in front of `target` that runs `handle` on each chunk (which writes to the sockets) and
 * completes the write once `target` can take more, so the links' backpressure reaches the sockets.
 */
export function sessionSink(target: Socket, handle: (chunk: Buffer) => Promise<void> | void): Writable {
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let pending: Promise<void> | void;
      try {
        pending = handle(chunk);
      } catch (e) {
        return callback(e instanceof Error ? e : new Error(String(e)));
      }
      if (pending === undefined && !target.writableNeedDrain) return callback();
      Promise.resolve(pending)
        .then(() => drained(target))
        .then(() => callback(), (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
    },
    final(callback) {
      if (!target.destroyed) target.end();
      callback();
    },
  });
  // A failure inside the session is a bug; losing the connection is better than a silent stall.
  writable.on('error', () => target.destroy());
  target.once('close', () => writable.destroy());
  return writable;
}

function drained(socket: Socket): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
