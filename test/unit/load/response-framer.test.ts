import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, ResponseFramer } from '../../../harness/load/response-framer.ts';

interface Framed {
  status: number | null;
  keepAlive: boolean | null;
  body: Buffer;
  complete: boolean;
  error: string | null;
  /** Calls of onHead: exactly one per final response. */
  heads: number;
}

/** Feeds `wire` split at `cuts` (offsets) and, when `close`, ends the connection after it. */
function frame(wire: Buffer, cuts: readonly number[], opts: { head?: boolean; close?: boolean } = {}): Framed {
  const out: Framed = { status: null, keepAlive: null, body: Buffer.alloc(0), complete: false, error: null, heads: 0 };
  const parts: Buffer[] = [];
  const framer = new ResponseFramer({
    onHead: (status, keepAlive) => {
      out.heads++;
      out.status = status;
      out.keepAlive = keepAlive;
    },
    onBody: (chunk, offset, length) => parts.push(Buffer.from(chunk.subarray(offset, offset + length))),
    onComplete: () => (out.complete = true),
  });
  framer.reset(opts.head ?? false);
  const points = [...new Set(cuts.filter((c) => c > 0 && c < wire.length))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, wire.length]) {
    // Each read in a fresh buffer, as a socket delivers it.
    const err = framer.execute(Buffer.from(wire.subarray(from, to)));
    if (err !== null) {
      out.error = err.message;
      break;
    }
    from = to;
  }
  if (out.error === null && opts.close === true) out.error = framer.finish()?.message ?? null;
  out.body = Buffer.concat(parts);
  return out;
}

const crlf = (lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

/** Random casing, as servers write header names. */
const caseOf = (name: string, mask: number): string => [...name].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c)).join('');

const bodyArb = fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a));
const noiseHeaders = fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), fc.stringMatching(/^[ -~]{0,60}$/)), { maxLength: 8 }).map((hs) =>
  hs.filter(([k]) => !['content-length', 'transfer-encoding', 'connection'].includes(k.toLowerCase())).map(([k, v]) => `${k}: ${v.trim()}`),
);
const cutsArb = fc.array(fc.nat({ max: 4000 }), { maxLength: 12 });

describe('response framer', () => {
  it('Content-Length bodies, split anywhere: the exact body, once, keep-alive unless Connection: close', () => {
    fc.assert(
      fc.property(bodyArb, noiseHeaders, fc.integer({ min: 0, max: 0xffff }), fc.boolean(), fc.constantFrom(200, 201, 404, 503), cutsArb, (body, noise, mask, close, status, cuts) => {
        const head = crlf([`HTTP/1.1 ${status} Whatever`, ...noise, `${caseOf('content-length', mask)}: ${body.length}`, ...(close ? [`${caseOf('connection', mask)}: close`] : []), '']);
        // Bytes after the answer belong to nobody: not part of this body.
        const wire = Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('HTTP/1.1 200 OK\r\n')]);
        const f = frame(wire, cuts);
        expect(f.error).toBeNull();
        expect(f).toMatchObject({ status, keepAlive: !close, complete: true, heads: 1 });
        expect(f.body.equals(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('chunked bodies (extensions, trailers, any chunk sizes), split anywhere: decoded exactly', () => {
    fc.assert(
      fc.property(fc.array(bodyArb, { maxLength: 6 }), noiseHeaders, fc.integer({ min: 0, max: 0xffff }), fc.boolean(), cutsArb, (pieces, noise, mask, trailers, cuts) => {
        const chunks = pieces.filter((p) => p.length > 0);
        const head = crlf(['HTTP/1.1 200 OK', `${caseOf('transfer-encoding', mask)}: gzip, ${caseOf('chunked', mask >> 3)}`, ...noise, '']);
        const wire = Buffer.concat([
          Buffer.from(head, 'latin1'),
          ...chunks.flatMap((c, i) => [Buffer.from(`${c.length.toString(i % 2 ? 16 : 16).toUpperCase()}${i % 3 === 0 ? ';ext=1' : ''}\r\n`), c, Buffer.from('\r\n')]),
          Buffer.from(`0\r\n${trailers ? 'X-Trailer: yes\r\n' : ''}\r\n`),
        ]);
        const f = frame(wire, cuts);
        expect(f.error).toBeNull();
        expect(f).toMatchObject({ status: 200, keepAlive: true, complete: true });
        expect(f.body.equals(Buffer.concat(chunks))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a body without length or chunking runs until the close, and the connection is not reused', () => {
    fc.assert(
      fc.property(bodyArb, cutsArb, (body, cuts) => {
        const wire = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n'), body]);
        const open = frame(wire, cuts);
        expect(open).toMatchObject({ complete: false, keepAlive: false, error: null });
        const closed = frame(wire, cuts, { close: true });
        expect(closed).toMatchObject({ complete: true, error: null });
        expect(closed.body.equals(body)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('HEAD, 204 and 304 have no body whatever their headers say; 1xx interim answers are skipped', () => {
    expect(frame(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'), [], { head: true })).toMatchObject({ status: 200, complete: true, body: Buffer.alloc(0) });
    for (const status of [204, 304]) expect(frame(Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\n`), [])).toMatchObject({ status, complete: true, keepAlive: true });
    const interim = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    for (const cut of [0, 5, 24, 25, 26, 60, interim.length - 1]) {
      const f = frame(interim, [cut]);
      expect(f).toMatchObject({ status: 201, complete: true, heads: 1 });
      expect(f.body.toString()).toBe('ok');
    }
  });

  it('HTTP/1.0 closes unless keep-alive is asked for; 101 never keeps the connection', () => {
    expect(frame(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'), [])).toMatchObject({ keepAlive: false, complete: true });
    expect(frame(Buffer.from('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n'), [])).toMatchObject({ keepAlive: true });
    expect(frame(Buffer.from('HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 0\r\n\r\n'), [])).toMatchObject({ keepAlive: false });
    expect(frame(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'), [])).toMatchObject({ status: 101, keepAlive: false, complete: true });
  });

  it('refuses what is not a well-formed response, and a response cut short', () => {
    const bad = [
      'HTTX/1.1 200 OK\r\n\r\n',
      'HTTP/2.0 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n',
    ];
    for (const text of bad) expect(frame(Buffer.from(text), []).error, text).not.toBeNull();
    expect(frame(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`), [1000, 50_000]).error).toMatch(/longer than/);
    expect(frame(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), [], { close: true }).error).toMatch(/ended before/);
    expect(frame(Buffer.from('HTTP/1.1 200 OK\r\nContent-'), [], { close: true }).error).toMatch(/ended before/);
  });
});
