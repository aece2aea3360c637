/**
 * Where one HTTP/1.1 response ends on a keep-alive connection, read from the bytes as they arrive
 * (RFC 9112 §6): the status, whether the connection stays open, and the body by Content-Length,
 * chunked coding or the connection's end. Interim 1xx answers are skipped. Header values other than
 * the three that frame the message are never turned into strings: a general parser (http-parser-js)
 * spent ~8 µs per response on a six-header answer building them, a sixth of the open-model engine's
 * cost per request (README, Benchmarks; docs/response-framer.md).
 */

/** What the connection hears about the response being framed. */
export interface FramerEvents {
  /** The final response's head: its status and whether the connection may carry another request. */
  onHead(status: number, keepAlive: boolean): void;
  /** Body bytes (chunked coding removed): a view into the buffer just read. */
  onBody(chunk: Buffer, offset: number, length: number): void;
  /** The response is complete; bytes after it in the same read are not looked at. */
  onComplete(): void;
}

/** Longest response head taken (http-parser-js's limit): a longer one is a broken or hostile answer. */
export const MAX_HEAD_BYTES = 80 * 1024;
/** Longest chunk-size or trailer line. */
const MAX_LINE_BYTES = 8 * 1024;

const enum State {
  Head,
  Sized,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

const CR = 13;
const LF = 10;

export class ResponseFramer {
  readonly #on: FramerEvents;
  #state = State.Done;
  /** The request was a HEAD: its answer has headers only. */
  #headRequest = false;
  /** Head bytes (or a chunk-size/trailer line) split across reads. */
  #carry: Buffer | null = null;
  #remaining = 0;

  constructor(events: FramerEvents) {
    this.#on = events;
  }

  /** Starts framing the answer to a new request; whatever was left of an earlier read is dropped. */
  reset(headRequest: boolean): void {
    this.#state = State.Head;
    this.#headRequest = headRequest;
    this.#carry = null;
    this.#remaining = 0;
  }

  /** Feeds one read; an Error when the bytes are not a well-formed response. */
  execute(chunk: Buffer): Error | null {
    let at = 0;
    const end = chunk.length;
    while (at < end && this.#state !== State.Done) {
      switch (this.#state) {
        case State.Head: {
          const r = this.#head(chunk, at);
          if (r instanceof Error) return r;
          at = r;
          break;
        }
        case State.Sized:
        case State.ChunkData: {
          // `#remaining` bytes of a sized body or of one chunk; a chunk is followed by its CRLF.
          const n = Math.min(this.#remaining, end - at);
          this.#on.onBody(chunk, at, n);
          at += n;
          this.#remaining -= n;
          if (this.#remaining > 0) break;
          if (this.#state === State.Sized) this.#complete();
          else this.#state = State.ChunkDataEnd;
          break;
        }
        case State.UntilClose:
          this.#on.onBody(chunk, at, end - at);
          at = end;
          break;
        case State.ChunkSize:
        case State.ChunkDataEnd:
        case State.Trailers: {
          const r = this.#line(chunk, at);
          if (r instanceof Error) return r;
          at = r;
          break;
        }
        default:
          at = end;
      }
    }
    return null;
  }

  /** The connection ended: completes a body read until the close; an Error if the response was cut short. */
  finish(): Error | null {
    if (this.#state === State.UntilClose) {
      this.#complete();
      return null;
    }
    if (this.#state === State.Done) return null;
    return new Error('the connection ended before the response was complete');
  }

  #complete(): void {
    this.#state = State.Done;
    this.#carry = null;
    this.#on.onComplete();
  }

  /** Reads head bytes from `at`; returns where the body starts, or an Error. */
  #head(chunk: Buffer, at: number): number | Error {
    let buf = chunk;
    let from = at;
    let carried = 0;
    if (this.#carry !== null) {
      carried = this.#carry.length;
      buf = Buffer.concat([this.#carry, chunk.subarray(at)]);
      from = 0;
      this.#carry = null;
    }
    // The blank line may straddle the two reads: search from a little before the join.
    const stop = buf.indexOf(BLANK_LINE, Math.max(from, carried - 3));
    if (stop < 0) {
      if (buf.length - from > MAX_HEAD_BYTES) return new Error(`response head longer than ${MAX_HEAD_BYTES} bytes`);
      this.#carry = Buffer.from(buf.subarray(from));
      return chunk.length;
    }
    if (stop - from > MAX_HEAD_BYTES) return new Error(`response head longer than ${MAX_HEAD_BYTES} bytes`);
    const err = this.#parseHead(buf, from, stop + 2);
    if (err !== null) return err;
    // Where the body starts, in `chunk`'s own offsets.
    return carried > 0 ? at + (stop + 4 - carried) : stop + 4;
  }

  /** The status line and the framing headers of the head in buf[from, end) (end just after the last header's CRLF). */
  #parseHead(buf: Buffer, from: number, end: number): Error | null {
    // One latin1 copy of the head, then V8's string search: cheaper than a native call per line.
    const head = buf.toString('latin1', from, end);
    // "HTTP/1.x SSS" — anything else is not an HTTP/1 answer.
    if (head.length < 14 || !head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 0x20) return new Error('malformed status line');
    const minor = head.charCodeAt(7) - 0x30;
    const s0 = head.charCodeAt(9) - 0x30;
    const s1 = head.charCodeAt(10) - 0x30;
    const s2 = head.charCodeAt(11) - 0x30;
    const after = head.charCodeAt(12);
    if ((minor !== 0 && minor !== 1) || s0 < 1 || s0 > 9 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9 || (after !== 0x20 && after !== CR)) {
      return new Error('malformed status line');
    }
    const status = s0 * 100 + s1 * 10 + s2;
    let length = -1;
    let chunked = false;
    let otherCoding = false;
    let close = minor === 0;
    let line = head.indexOf('\r\n') + 2;
    while (line < head.length) {
      const eol = head.indexOf('\r\n', line);
      const colon = head.indexOf(':', line);
      if (colon < 0 || colon > eol || colon === line) return new Error('malformed header line');
      const nameLength = colon - line;
      if (nameLength === 14 && nameIs(head, line, 'content-length')) {
        const v = head.slice(colon + 1, eol).trim();
        if (!/^\d{1,15}$/.test(v)) return new Error(`bad Content-Length ${JSON.stringify(v)}`);
        const n = Number(v);
        if (length >= 0 && n !== length) return new Error('conflicting Content-Length headers');
        length = n;
      } else if (nameLength === 17 && nameIs(head, line, 'transfer-encoding')) {
        const codings = head.slice(colon + 1, eol).toLowerCase().split(',');
        const last = codings[codings.length - 1]?.trim();
        chunked = last === 'chunked';
        otherCoding = !chunked;
      } else if (nameLength === 10 && nameIs(head, line, 'connection')) {
        const tokens = head.slice(colon + 1, eol).toLowerCase();
        if (/(?:^|,)\s*close\s*(?:,|$)/.test(tokens)) close = true;
        else if (minor === 0 && /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(tokens)) close = false;
      }
      line = eol + 2;
    }
    // Interim answers (100 Continue, 103 Early Hints): the final one follows.
    if (status < 200 && status !== 101) {
      this.#state = State.Head;
      return null;
    }
    // RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304 whatever the headers say; then chunked
    // coding, then Content-Length, and otherwise the body runs until the connection closes.
    const noBody = this.#headRequest || status < 200 || status === 204 || status === 304 || (!chunked && !otherCoding && length === 0);
    const next = noBody ? State.Done : chunked ? State.ChunkSize : otherCoding || length < 0 ? State.UntilClose : State.Sized;
    this.#on.onHead(status, !close && status !== 101 && next !== State.UntilClose);
    if (next === State.Done) this.#complete();
    else {
      this.#state = next;
      this.#remaining = next === State.Sized ? length : 0;
    }
    return null;
  }

  /** One CRLF-terminated line of chunked framing (a chunk size, the CRLF after a chunk, a trailer). */
  #line(chunk: Buffer, at: number): number | Error {
    const eol = chunk.indexOf(LF, at);
    if (eol < 0) {
      const part = chunk.subarray(at);
      this.#carry = this.#carry === null ? Buffer.from(part) : Buffer.concat([this.#carry, part]);
      if (this.#carry.length > MAX_LINE_BYTES) return new Error('chunked framing line too long');
      return chunk.length;
    }
    let text = chunk.toString('latin1', at, eol);
    if (this.#carry !== null) {
      text = this.#carry.toString('latin1') + text;
      this.#carry = null;
    }
    if (!text.endsWith('\r')) return new Error('chunked framing line without CRLF');
    text = text.slice(0, -1);
    if (this.#state === State.ChunkDataEnd) {
      if (text !== '') return new Error('chunk data longer than its size');
      this.#state = State.ChunkSize;
    } else if (this.#state === State.ChunkSize) {
      const hex = (text.split(';', 1)[0] ?? '').trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return new Error(`bad chunk size ${JSON.stringify(text.slice(0, 40))}`);
      const size = Number.parseInt(hex, 16);
      if (size === 0) this.#state = State.Trailers;
      else {
        this.#remaining = size;
        this.#state = State.ChunkData;
      }
    } else if (text === '') this.#complete();
    return eol + 1;
  }
}

const BLANK_LINE = Buffer.from('\r\n\r\n');

/** text[at, at + lower.length) equals `lower` ignoring ASCII case. */
function nameIs(text: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(at + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
