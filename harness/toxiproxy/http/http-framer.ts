/**
 * An incremental HTTP/1.1 framer for one direction of a connection (requests from the client, or
 * responses from the server). It never copies or changes bytes: every byte pushed comes back, in
 * order, in exactly one piece. Heads are read whole (bounded by `maxHeadBytes`); bodies pass in
 * pieces as they arrive (Content-Length, chunked, or, for responses, read until close).
 * Anything it cannot frame (not HTTP, a malformed chunk size, an unknown transfer coding on a
 * request, a 101 or CONNECT tunnel) switches it to raw pass-through for the rest of the stream.
 */

export interface HttpHead {
  /** Request: method and target; response: '' and ''. */
  readonly method: string;
  readonly target: string;
  /** Response status; 0 for a request. */
  readonly status: number;
  readonly version: string;
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
}

export type HttpPiece =
  | { readonly kind: 'head'; readonly head: HttpHead; readonly bytes: Buffer }
  | { readonly kind: 'body'; readonly bytes: Buffer }
  | { readonly kind: 'end' }
  | { readonly kind: 'raw'; readonly bytes: Buffer };

export type HttpRole = 'request' | 'response';

export interface HttpFramerOptions {
  /**
   * Responses only: called once per final (non-1xx) response head, in order, for the method of the
   * request it answers (HEAD and CONNECT change its framing). Called while framing, before the
   * caller has seen the pieces of the push, so it must not depend on what the caller did with them.
   */
  nextMethod?(): string | undefined;
  maxHeadBytes?: number;
}

type State = 'head' | 'length' | 'chunked' | 'close' | 'raw';
type ChunkState = 'size' | 'data' | 'crlf' | 'trailer';

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const requestLineRe = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d\.\d)$/;
const statusLineRe = /^HTTP\/(\d\.\d) (\d{3})(?: .*)?$/;

export function headerValues(head: HttpHead, name: string): string[] {
  const lower = name.toLowerCase();
  return head.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Parses a head (start line and header lines, leading empty lines allowed); undefined if it is not HTTP/1.x. */
export function parseHead(text: string, role: HttpRole): HttpHead | undefined {
  const lines = text.replace(/^[\r\n]+/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const start = lines.shift() ?? '';
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1];
      if (last === undefined) return undefined;
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    if (!tokenRe.test(name)) return undefined;
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  if (role === 'request') {
    const m = requestLineRe.exec(start);
    if (m === null) return undefined;
    return { method: m[1] ?? '', target: m[2] ?? '', status: 0, version: m[3] ?? '', headers };
  }
  const m = statusLineRe.exec(start);
  if (m === null) return undefined;
  return { method: '', target: '', status: Number(m[2]), version: m[1] ?? '', headers };
}

/** Index just past the empty line ending a head that starts at `from`, or -1 when incomplete. */
function findHeadEnd(buf: Buffer, from: number): number {
  let idx = buf.indexOf(10, from);
  while (idx >= 0) {
    const next = buf[idx + 1];
    if (next === 10) return idx + 2;
    if (next === 13 && buf[idx + 2] === 10) return idx + 3;
    idx = buf.indexOf(10, idx + 1);
  }
  return -1;
}

function isChunked(head: HttpHead): boolean | undefined {
  const codings = headerValues(head, 'transfer-encoding')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  if (codings.length === 0) return undefined;
  return codings[codings.length - 1] === 'chunked';
}

function contentLength(head: HttpHead): number | 'bad' | undefined {
  const values = headerValues(head, 'content-length').flatMap((v) => v.split(',')).map((v) => v.trim());
  if (values.length === 0) return undefined;
  const first = values[0] ?? '';
  if (!/^\d{1,15}$/.test(first) || values.some((v) => v !== first)) return 'bad';
  return Number(first);
}

export class HttpFramer {
  private state: State = 'head';
  private headBuf: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private line = '';
  private readonly maxHeadBytes: number;

  constructor(
    readonly role: HttpRole,
    private readonly options: HttpFramerOptions = {},
  ) {
    this.maxHeadBytes = options.maxHeadBytes ?? 64 * 1024;
  }

  get isRaw(): boolean {
    return this.state === 'raw';
  }

  /** From now on every byte passes as raw (the other direction was upgraded to a tunnel). */
  toRaw(): HttpPiece[] {
    const out: HttpPiece[] = [];
    if (this.state === 'head' && this.headBuf.length > 0) out.push({ kind: 'raw', bytes: this.headBuf });
    this.headBuf = Buffer.alloc(0);
    this.state = 'raw';
    return out;
  }

  push(chunk: Buffer): HttpPiece[] {
    const out: HttpPiece[] = [];
    let data = chunk;
    let i = 0;
    while (i < data.length) {
      switch (this.state) {
        case 'raw':
          out.push({ kind: 'raw', bytes: i === 0 ? data : data.subarray(i) });
          return out;
        case 'head': {
          const rest = i === 0 ? data : data.subarray(i);
          const buf = this.headBuf.length === 0 ? rest : Buffer.concat([this.headBuf, rest]);
          let start = 0;
          while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
          const end = start < buf.length ? findHeadEnd(buf, start) : -1;
          if (end < 0) {
            if (buf.length > this.maxHeadBytes) {
              this.headBuf = Buffer.alloc(0);
              this.state = 'raw';
              out.push({ kind: 'raw', bytes: buf });
            } else {
              this.headBuf = buf;
            }
            return out;
          }
          this.headBuf = Buffer.alloc(0);
          const bytes = buf.subarray(0, end);
          data = buf;
          i = end;
          this.onHead(bytes, out);
          break;
        }
        case 'length': {
          const n = Math.min(this.remaining, data.length - i);
          out.push({ kind: 'body', bytes: data.subarray(i, i + n) });
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.endMessage(out);
          break;
        }
        case 'close':
          out.push({ kind: 'body', bytes: data.subarray(i) });
          return out;
        case 'chunked': {
          const from = i;
          const step = this.chunkedStep(data, i);
          if (step.next > from) out.push({ kind: 'body', bytes: data.subarray(from, step.next) });
          i = step.next;
          if (step.bad) this.state = 'raw';
          else if (step.done) this.endMessage(out);
          break;
        }
      }
    }
    return out;
  }

  /** The stream ended: a body read until close is complete; anything else was cut short. */
  end(): HttpPiece[] {
    if (this.state === 'close') {
      this.state = 'head';
      return [{ kind: 'end' }];
    }
    if (this.state === 'head' && this.headBuf.length > 0) {
      const bytes = this.headBuf;
      this.headBuf = Buffer.alloc(0);
      return [{ kind: 'raw', bytes }];
    }
    return [];
  }

  private endMessage(out: HttpPiece[]): void {
    out.push({ kind: 'end' });
    this.state = 'head';
  }

  private onHead(bytes: Buffer, out: HttpPiece[]): void {
    const head = parseHead(bytes.toString('latin1'), this.role);
    if (head === undefined) {
      this.state = 'raw';
      out.push({ kind: 'raw', bytes });
      return;
    }
    out.push({ kind: 'head', head, bytes });
    const chunked = isChunked(head);
    const length = contentLength(head);
    if (this.role === 'request') {
      if (chunked === false || length === 'bad') return void (this.state = 'raw');
      if (chunked === true) return this.startChunked();
      if (length !== undefined && length > 0) return this.startLength(length);
      return this.endMessage(out);
    }
    const status = head.status;
    if (status === 101) return void (this.state = 'raw');
    if (status >= 100 && status < 200) return; // informational: the final response follows
    const method = this.options.nextMethod?.()?.toUpperCase();
    if (method === 'CONNECT' && status >= 200 && status < 300) return void (this.state = 'raw');
    if (method === 'HEAD' || status === 204 || status === 304) return this.endMessage(out);
    if (chunked === true) return this.startChunked();
    if (chunked === false) return void (this.state = 'close');
    if (length === 'bad') return void (this.state = 'raw');
    if (length !== undefined) return length > 0 ? this.startLength(length) : this.endMessage(out);
    this.state = 'close';
  }

  private startLength(length: number): void {
    this.state = 'length';
    this.remaining = length;
  }

  private startChunked(): void {
    this.state = 'chunked';
    this.chunkState = 'size';
    this.line = '';
  }

  private chunkedStep(data: Buffer, start: number): { next: number; done: boolean; bad: boolean } {
    let i = start;
    while (i < data.length) {
      if (this.chunkState === 'data') {
        const n = Math.min(this.remaining, data.length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.chunkState = 'crlf';
        continue;
      }
      const nl = data.indexOf(10, i);
      const end = nl < 0 ? data.length : nl + 1;
      this.line += data.toString('latin1', i, end);
      i = end;
      if (this.line.length > 16 * 1024) return { next: i, done: false, bad: true };
      if (nl < 0) break;
      const line = this.line.replace(/\r?\n$/, '');
      this.line = '';
      if (this.chunkState === 'size') {
        const m = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (m === null) return { next: i, done: false, bad: true };
        const size = parseInt(m[1] ?? '0', 16);
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
      } else if (this.chunkState === 'crlf') {
        if (line !== '') return { next: i, done: false, bad: true };
        this.chunkState = 'size';
      } else if (line === '') {
        return { next: i, done: true, bad: false };
      }
    }
    return { next: i, done: false, bad: false };
  }
}
