import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpFramer } from '../../../harness/toxiproxy/http/http-framer.ts';
import type { HttpPiece } from '../../../harness/toxiproxy/http/http-framer.ts';

// The framer must find the same messages however TCP cuts the stream: generated request and response
// streams (Content-Length, chunked with extensions and trailers, bodiless, 1xx, read-until-close),
// split at random points, give back every byte in order and each message's head and body exactly.
interface Message {
  head: string;
  body: Buffer;
  /** Response: the method of its request (HEAD means no body). */
  method?: string;
  status?: number;
  /** An informational response that precedes it (not a message of its own). */
  informational?: string;
}

const bodyArb = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a));

function chunked(body: Buffer, sizes: number[], trailer: boolean): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  let k = 0;
  while (i < body.length) {
    const n = Math.min(body.length - i, Math.max(1, sizes[k++ % sizes.length] ?? 1));
    parts.push(Buffer.from(`${n.toString(16)}${k % 3 === 0 ? ';ext=1' : ''}\r\n`), body.subarray(i, i + n), Buffer.from('\r\n'));
    i += n;
  }
  parts.push(Buffer.from(trailer ? '0\r\nX-Trailer: yes\r\n\r\n' : '0\r\n\r\n'));
  return Buffer.concat(parts);
}

const requestArb: fc.Arbitrary<Message> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
    path: fc.stringMatching(/^\/[a-z0-9/]{0,20}(\?[a-z=&0-9]{0,10})?$/),
    framing: fc.constantFrom('length', 'chunked', 'none'),
    body: bodyArb,
    sizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }),
    trailer: fc.boolean(),
  })
  .map(({ method, path, framing, body, sizes, trailer }) => {
    if (framing === 'none') return { head: `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, body: Buffer.alloc(0) };
    if (framing === 'length') return { head: `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`, body };
    return { head: `${method} ${path} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n`, body: chunked(body, sizes, trailer) };
  });

const responseArb: fc.Arbitrary<Message> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'HEAD'),
    status: fc.constantFrom(200, 201, 204, 304, 404, 503),
    framing: fc.constantFrom('length', 'chunked'),
    continue100: fc.boolean(),
    body: bodyArb,
    sizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }),
    trailer: fc.boolean(),
  })
  .map(({ method, status, framing, continue100, body, sizes, trailer }) => {
    const informational = continue100 ? 'HTTP/1.1 100 Continue\r\n\r\n' : undefined;
    const bodiless = method === 'HEAD' || status === 204 || status === 304;
    const base = { method, status, ...(informational === undefined ? {} : { informational }) };
    if (framing === 'length') {
      const head = `HTTP/1.1 ${status} X\r\nContent-Length: ${body.length}\r\n\r\n`;
      return { ...base, head, body: bodiless ? Buffer.alloc(0) : body };
    }
    const head = `HTTP/1.1 ${status} X\r\nTransfer-Encoding: chunked\r\n\r\n`;
    return { ...base, head, body: bodiless ? Buffer.alloc(0) : chunked(body, sizes, trailer) };
  });

function splitAt(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(stream.subarray(last, p));
    last = p;
  }
  parts.push(stream.subarray(last));
  return parts.filter((p) => p.length > 0);
}

interface Framed {
  heads: string[];
  bodies: Buffer[];
  ends: number;
  all: Buffer;
}

function collect(pieces: HttpPiece[]): Framed {
  const heads: string[] = [];
  const bodies: Buffer[] = [];
  const all: Buffer[] = [];
  let ends = 0;
  let current: Buffer[] = [];
  for (const p of pieces) {
    if (p.kind === 'head') {
      heads.push(p.bytes.toString('latin1'));
      all.push(p.bytes);
      if (p.head.status < 100 || p.head.status >= 200) current = [];
    } else if (p.kind === 'body') {
      current.push(p.bytes);
      all.push(p.bytes);
    } else if (p.kind === 'end') {
      bodies.push(Buffer.concat(current));
      current = [];
      ends++;
    } else {
      all.push(p.bytes);
    }
  }
  return { heads, bodies, ends, all: Buffer.concat(all) };
}

describe('HttpFramer', () => {
  it('frames pipelined requests whatever the TCP splits', () => {
    fc.assert(
      fc.property(fc.array(requestArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), (messages, cuts) => {
        const stream = Buffer.concat(messages.flatMap((m) => [Buffer.from(m.head, 'latin1'), m.body]));
        const framer = new HttpFramer('request');
        const pieces = splitAt(stream, cuts).flatMap((part) => framer.push(part));
        const framed = collect(pieces);
        expect(framed.all.equals(stream)).toBe(true);
        expect(framed.heads).toEqual(messages.map((m) => m.head));
        expect(framed.ends).toBe(messages.length);
        expect(framed.bodies.map((b) => b.toString('hex'))).toEqual(messages.map((m) => m.body.toString('hex')));
      }),
      { numRuns: 300 },
    );
  });

  it('frames responses (HEAD, 1xx, 204, 304, chunked, read-until-close) whatever the TCP splits', () => {
    fc.assert(
      fc.property(
        fc.array(responseArb, { minLength: 1, maxLength: 6 }),
        bodyArb,
        fc.array(fc.nat(), { maxLength: 30 }),
        (messages, tail, cuts) => {
          const untilClose = { head: 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n', body: tail, method: 'GET', status: 200 };
          const all: Message[] = [...messages, untilClose];
          const stream = Buffer.concat(all.flatMap((m) => [Buffer.from((m.informational ?? '') + m.head, 'latin1'), m.body]));
          let answered = 0;
          const framer = new HttpFramer('response', { nextMethod: () => all[answered++]?.method });
          const pieces: HttpPiece[] = [];
          for (const part of splitAt(stream, cuts)) {
            pieces.push(...framer.push(part));
          }
          pieces.push(...framer.end());
          const framed = collect(pieces);
          expect(framed.all.equals(stream)).toBe(true);
          expect(framed.heads).toEqual(all.flatMap((m) => (m.informational === undefined ? [m.head] : [m.informational, m.head])));
          expect(framed.ends).toBe(all.length);
          expect(framed.bodies.map((b) => b.toString('hex'))).toEqual(all.map((m) => m.body.toString('hex')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes what is not HTTP through raw, and switches to raw after 101', () => {
    const framer = new HttpFramer('request');
    const junk = Buffer.from('\x16\x03\x01 not http at all\r\n\r\nmore');
    const pieces = framer.push(junk);
    expect(pieces.every((p) => p.kind === 'raw')).toBe(true);
    expect(Buffer.concat(pieces.map((p) => (p.kind === 'raw' ? p.bytes : Buffer.alloc(0)))).equals(junk)).toBe(true);

    const responses = new HttpFramer('response', { nextMethod: () => 'GET' });
    const upgraded = responses.push(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello'));
    expect(upgraded.map((p) => p.kind)).toEqual(['head', 'raw']);
    expect(responses.isRaw).toBe(true);
  });

  it('gives a too-long head up as raw instead of buffering without bound', () => {
    const framer = new HttpFramer('request', { maxHeadBytes: 100 });
    expect(framer.push(Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}`)).map((p) => p.kind)).toEqual(['raw']);
  });
});
