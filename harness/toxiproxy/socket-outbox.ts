import type { Socket } from 'node:net';

/**
 * Bytes on their way to one socket, written together once a read has been handled. Framing cuts a read
 * into one piece per message; writing each piece on its own cost one socket write per message (a
 * pipelined workload ran at a quarter of the TCP mode's rate). Pieces that are neighbours in the read's
 * buffer, which is every piece passed on unchanged, are merged back without copying.
 */
export class SocketOutbox {
  private readonly pending: Buffer[] = [];

  constructor(private readonly socket: Socket) {}

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
      this.pending[this.pending.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + bytes.length);
      return;
    }
    this.pending.push(bytes);
  }

  /** Writes what is pending (one writev when there are several pieces). */
  flush(): void {
    if (this.pending.length === 0) return;
    if (this.socket.destroyed) {
      this.pending.length = 0;
      return;
    }
    if (this.pending.length > 1) this.socket.cork();
    for (const bytes of this.pending) this.socket.write(bytes);
    if (this.pending.length > 1) this.socket.uncork();
    this.pending.length = 0;
  }
}
