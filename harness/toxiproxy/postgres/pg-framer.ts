/**
 * Cuts one direction of a PostgreSQL connection (protocol 3.0) into messages, whatever the TCP
 * segmentation: a message split over many reads, or many messages in one read.
 *
 * Messages are `type (1 byte) + length (int32, counting itself) + body`; the client's first messages
 * (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) have no type byte. Messages whose type
 * the session inspects are handed over whole; every other message is handed over in pieces as its
 * bytes arrive, so a 10 MB DataRow or CopyData is never buffered and passes through untouched.
 * Bytes that cannot be PostgreSQL (a TLS ClientHello, a negative length) switch the framer to raw
 * pass-through for the rest of the connection: a proxy must not corrupt what it does not understand.
 */

/** The type of the untyped startup-phase messages. */
export const untypedMessage = 0;
/** The type of bytes passed through after the framer gave up (not PostgreSQL). */
export const rawBytes = -1;

/** Request codes of the untyped messages (the int32 after the length). */
export const sslRequestCode = 80877103;
export const gssEncRequestCode = 80877104;
export const cancelRequestCode = 80877102;

/** PostgreSQL's own limit for a startup packet; anything larger is not a startup packet. */
const maxStartupLength = 10_000;
/** PostgreSQL's largest message (1 GB - 1 byte): a larger length means the framing is lost. */
const maxMessageLength = 0x3fff_ffff;
const tlsHandshakeByte = 0x16;

export interface PgPiece {
  /** The message type byte, `untypedMessage` for startup-phase messages, `rawBytes` after giving up. */
  readonly type: number;
  /** The bytes of this piece: the whole message (header included) when `first && last`. */
  readonly bytes: Buffer;
  /** This piece starts a message (it holds the header). */
  readonly first: boolean;
  /** This piece ends a message. */
  readonly last: boolean;
}

export interface PgFramerOptions {
  /** The client side begins with untyped messages; the server side never has any. */
  readonly startup: boolean;
  /** Types handed over whole (the ones the session reads or rewrites). */
  readonly whole: ReadonlySet<number>;
}

export class PgFramer {
  private untyped: boolean;
  private raw = false;
  /** Bytes of an incomplete header or of an incomplete whole message. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The length of the whole message being held, once its header is known (0 = unknown). */
  private heldTotal = 0;
  /** Bytes still to come of a message handed over in pieces, and its type. */
  private streamRemaining = 0;
  private streamType = 0;

  constructor(private readonly options: PgFramerOptions) {
    this.untyped = options.startup;
  }

  /** True once the framer passes bytes through without framing. */
  get isRaw(): boolean {
    return this.raw;
  }

  push(chunk: Buffer): PgPiece[] {
    const out: PgPiece[] = [];
    let data = chunk;
    while (data.length > 0) {
      if (this.raw) {
        out.push({ type: rawBytes, bytes: data, first: false, last: false });
        break;
      }
      if (this.streamRemaining > 0) {
        const n = Math.min(this.streamRemaining, data.length);
        this.streamRemaining -= n;
        out.push({ type: this.streamType, bytes: data.subarray(0, n), first: false, last: this.streamRemaining === 0 });
        data = data.subarray(n);
        continue;
      }
      data = this.atBoundary(data, out);
    }
    return out;
  }

  /** At a message boundary (possibly with held bytes): consumes what it can of `data`, returns the rest. */
  private atBoundary(data: Buffer, out: PgPiece[]): Buffer {
    const headerLength = this.untyped ? 4 : 5;
    if (this.heldTotal === 0) {
      // The header is not known yet: gather up to headerLength bytes (headers are tiny, copies are cheap).
      if (this.heldBytes + data.length < headerLength) {
        this.hold(data);
        return Buffer.alloc(0);
      }
      const head = this.heldBytes > 0 ? Buffer.concat([...this.held, data]) : data;
      this.held = [];
      this.heldBytes = 0;
      const total = this.messageLength(head);
      if (total === undefined) {
        this.raw = true;
        return head;
      }
      const type = this.untyped ? untypedMessage : (head[0] ?? 0);
      if (this.untyped || this.options.whole.has(type)) {
        if (head.length >= total) {
          this.emitWhole(head.subarray(0, total), out);
          return head.subarray(total);
        }
        this.heldTotal = total;
        this.hold(head);
        return Buffer.alloc(0);
      }
      const n = Math.min(total, head.length);
      out.push({ type, bytes: head.subarray(0, n), first: true, last: n === total });
      this.streamRemaining = total - n;
      this.streamType = type;
      return head.subarray(n);
    }
    // A whole message is being held: wait for all of it, then copy once.
    const missing = this.heldTotal - this.heldBytes;
    if (data.length < missing) {
      this.hold(data);
      return Buffer.alloc(0);
    }
    const message = Buffer.concat([...this.held, data.subarray(0, missing)], this.heldTotal);
    this.held = [];
    this.heldBytes = 0;
    this.heldTotal = 0;
    this.emitWhole(message, out);
    return data.subarray(missing);
  }

  /** The whole length of the message starting `head` (type byte included), or undefined if not PostgreSQL. */
  private messageLength(head: Buffer): number | undefined {
    if (this.untyped) {
      if (head[0] === tlsHandshakeByte) return undefined;
      const length = head.readInt32BE(0);
      return length >= 8 && length <= maxStartupLength ? length : undefined;
    }
    const length = head.readInt32BE(1);
    return length >= 4 && length <= maxMessageLength ? length + 1 : undefined;
  }

  private emitWhole(message: Buffer, out: PgPiece[]): void {
    const type = this.untyped ? untypedMessage : (message[0] ?? 0);
    out.push({ type, bytes: message, first: true, last: true });
    // After SSLRequest or GSSENCRequest (answered 'N') the client sends another untyped packet.
    if (this.untyped) {
      const code = message.length >= 8 ? message.readInt32BE(4) : 0;
      if (code !== sslRequestCode && code !== gssEncRequestCode) this.untyped = false;
    }
  }

  private hold(data: Buffer): void {
    // No copy: a net.Socket allocates a new buffer for every read and never reuses it.
    this.held.push(data);
    this.heldBytes += data.length;
  }
}
