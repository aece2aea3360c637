import { connect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { OutcomeErrorKind } from '../contract/stats.ts';
import { classifyError } from './error-kind.ts';
import { ResponseFramer } from './response-framer.ts';

/** The request a connection carries: told exactly once how it ended. */
export interface WireExchange {
  /** HEAD answers have headers only: the parser must not wait for a body. */
  readonly head: boolean;
  /** Keep the body (captures); otherwise only its length is counted. */
  readonly keepBody: boolean;
  /** The request's bytes went onto the socket (after the connection was established). */
  onWired(): void;
  /** A final response arrived in full. */
  onResponse(status: number, bytes: number, body: Buffer | null): void;
  /** The exchange failed before a full response: refused, reset, a malformed answer. */
  onFailure(kind: OutcomeErrorKind): void;
}

/**
 * Every plain-TCP connection of the thread reads into this one buffer: its callback frames the bytes
 * before the next read can land (reads are delivered one at a time on the thread's event loop).
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** Where the connections go: the target's host and port, over TLS for an https URL. */
export interface Origin {
  host: string;
  port: number;
  tls: boolean;
}

/** The origin of a base URL (http or https; the default ports when none is given). */
export function originOf(url: URL): Origin {
  const tls = url.protocol === 'https:';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (tls ? 443 : 80)), tls };
}

/** Where a connection reports that it can take another request, or that it is gone for good. */
export interface ConnectionOwner {
  idle(c: Http1Connection): void;
  closed(c: Http1Connection): void;
}

/**
 * One keep-alive HTTP/1.1 connection on a raw socket, one request at a time (no pipelining), as
 * autocannon's client does: the request goes out as one pre-encoded buffer, the response is framed
 * by response-framer.ts (Content-Length, chunked, read-until-close, 1xx interim answers skipped).
 * Cheaper per request than undici's Pool, which builds and validates a request object, wraps the
 * handler and schedules across its clients (measured: README, Benchmarks).
 */
export class Http1Connection {
  readonly #socket: Socket;
  readonly #framer: ResponseFramer;
  readonly #owner: ConnectionOwner;
  #connected = false;
  #closed = false;
  /** The request written while the socket was still connecting. */
  #queued: Buffer | null = null;
  #exchange: WireExchange | null = null;
  #status = 0;
  #keepAlive = true;
  #bytes = 0;
  #chunks: Buffer[] | null = null;
  /** Reads land in the shared `readBuffer`, overwritten by the next read of any connection. */
  readonly #sharedReads: boolean;

  constructor(origin: Origin, owner: ConnectionOwner) {
    this.#owner = owner;
    this.#framer = new ResponseFramer({ onHead: this.#onHead, onBody: this.#onBody, onComplete: this.#onComplete });
    const { host, port } = origin;
    // SNI carries host names only (RFC 6066): none for an IP address.
    // Plain TCP reads into one shared buffer (net's `onread`): no Buffer per read and no trip
    // through the Readable stream, about a tenth of the engine's CPU per request (docs/response-framer.md).
    const socket = origin.tls
      ? connectTls({ host, port, ALPNProtocols: ['http/1.1'], ...(isIP(host) === 0 ? { servername: host } : {}) })
      : connect({ host, port, onread: { buffer: readBuffer, callback: this.#onRead } });
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#sharedReads = !origin.tls;
    socket.on(origin.tls ? 'secureConnect' : 'connect', this.#onConnect);
    if (!this.#sharedReads) socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  get busy(): boolean {
    return this.#exchange !== null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one request; the connection must be idle. */
  send(exchange: WireExchange, bytes: Buffer): void {
    this.#exchange = exchange;
    // A fresh parse: whatever a server sent after its last answer in the same segment is dropped.
    this.#framer.reset(exchange.head);
    this.#status = 0;
    this.#bytes = 0;
    this.#chunks = exchange.keepBody ? [] : null;
    if (!this.#connected) {
      this.#queued = bytes;
      return;
    }
    this.#socket.write(bytes);
    exchange.onWired();
  }

  /**
   * Gives up on the exchange in flight (timeout, abort): the socket goes with it, since a late answer
   * on it would be taken for the next request's. The exchange is not told; the caller reports it.
   */
  abandon(): void {
    this.#exchange = null;
    this.destroy();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#socket.destroy();
    this.#markClosed();
  }

  readonly #onConnect = (): void => {
    this.#connected = true;
    const queued = this.#queued;
    this.#queued = null;
    if (queued !== null && this.#exchange !== null) {
      this.#socket.write(queued);
      this.#exchange.onWired();
    }
  };

  readonly #onRead = (length: number, buffer: Uint8Array): boolean => {
    this.#onData((buffer as Buffer).subarray(0, length));
    return true;
  };

  readonly #onData = (chunk: Buffer): void => {
    if (this.#exchange === null) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.destroy();
      return;
    }
    if (this.#framer.execute(chunk) !== null) this.#fail('other');
  };

  readonly #onHead = (status: number, keepAlive: boolean): void => {
    this.#status = status;
    this.#keepAlive = keepAlive;
  };

  readonly #onBody = (chunk: Buffer, offset: number, length: number): void => {
    this.#bytes += length;
    if (this.#chunks === null) return;
    // A read of its own (TLS) can be kept as a view; the shared read buffer is overwritten by the next read.
    const view = offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length);
    this.#chunks.push(this.#sharedReads ? Buffer.from(view) : view);
  };

  readonly #onComplete = (): void => {
    const x = this.#exchange;
    if (x === null) return;
    this.#exchange = null;
    const chunks = this.#chunks;
    this.#chunks = null;
    x.onResponse(this.#status, this.#bytes, chunks === null ? null : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    // The framer never keeps a connection after 101 Switching Protocols or a body read to the close.
    if (!this.#keepAlive) this.destroy();
    else if (!this.#closed && this.#exchange === null) this.#owner.idle(this);
  };

  readonly #onEnd = (): void => {
    // A body delimited by the connection's end completes here; anything else in flight was cut off.
    if (this.#exchange !== null && this.#framer.finish() !== null) this.#fail('reset');
    if (this.#exchange !== null) this.#fail('reset');
    this.destroy();
  };

  readonly #onError = (err: Error): void => {
    this.#fail(classifyError(err));
    this.destroy();
  };

  readonly #onClose = (): void => {
    if (this.#exchange !== null) this.#fail('reset');
    this.#markClosed();
  };

  #fail(kind: OutcomeErrorKind): void {
    const x = this.#exchange;
    this.#exchange = null;
    this.#chunks = null;
    if (x !== null) x.onFailure(kind);
    this.destroy();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#owner.closed(this);
  }
}
