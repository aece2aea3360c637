import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gssEncRequestCode, PgFramer, rawBytes, sslRequestCode, untypedMessage } from '../../../harness/toxiproxy/postgres/pg-framer.ts';
import type { PgPiece } from '../../../harness/toxiproxy/postgres/pg-framer.ts';

// The framer must find the same messages however TCP cuts the stream: property-tested by splitting
// generated client and server streams at random points.
interface Message {
  type: number;
  bytes: Buffer;
}

function typed(type: number, body: Uint8Array): Message {
  const bytes = Buffer.alloc(5 + body.length);
  bytes[0] = type;
  bytes.writeInt32BE(body.length + 4, 1);
  Buffer.from(body).copy(bytes, 5);
  return { type, bytes };
}

function untyped(code: number, body: Uint8Array = new Uint8Array()): Message {
  const bytes = Buffer.alloc(8 + body.length);
  bytes.writeInt32BE(bytes.length, 0);
  bytes.writeInt32BE(code, 4);
  Buffer.from(body).copy(bytes, 8);
  return { type: untypedMessage, bytes };
}

const startupCode = 196608;
const clientWhole = new Set([0x51, 0x50, 0x42, 0x45, 0x53]); // Q P B E S
const serverWhole = new Set([0x31, 0x32, 0x43, 0x45, 0x5a]); // 1 2 C E Z

const body = fc.uint8Array({ maxLength: 300 });
const typedMessage = (types: number[]) => fc.tuple(fc.constantFrom(...types), body).map(([t, b]) => typed(t, b));
// Q P B E S d c X p H D (client), and the server's 1 2 C E Z T D d N S R K.
const clientTypes = [0x51, 0x50, 0x42, 0x45, 0x53, 0x64, 0x63, 0x58, 0x70, 0x48, 0x44];
const serverTypes = [0x31, 0x32, 0x43, 0x45, 0x5a, 0x54, 0x44, 0x64, 0x4e, 0x53, 0x52, 0x4b];

const clientStream = fc
  .tuple(
    fc.subarray([untyped(sslRequestCode), untyped(gssEncRequestCode)]),
    fc.uint8Array({ maxLength: 200 }),
    fc.array(typedMessage(clientTypes), { maxLength: 40 }),
  )
  .map(([requests, params, rest]) => [...requests, untyped(startupCode, params), ...rest]);
const serverStream = fc.array(typedMessage(serverTypes), { maxLength: 40 });

/** `data` cut at the given fractions (sorted, deduplicated offsets). */
function split(data: Buffer, cuts: number[]): Buffer[] {
  const offsets = [...new Set(cuts.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const at of [...offsets, data.length]) {
    if (at > from) parts.push(data.subarray(from, at));
    from = Math.max(from, at);
  }
  return parts;
}

/** Runs the framer over the parts and reassembles messages from the pieces, checking piece order. */
function frame(framer: PgFramer, parts: Buffer[], whole: Set<number>): { messages: Message[]; pieces: PgPiece[] } {
  const pieces = parts.flatMap((p) => framer.push(p));
  const messages: Message[] = [];
  let open: Buffer[] | undefined;
  let openType = 0;
  for (const piece of pieces) {
    if (piece.first) {
      expect(open).toBeUndefined();
      open = [];
      openType = piece.type;
    }
    expect(open).toBeDefined();
    expect(piece.type).toBe(openType);
    open?.push(piece.bytes);
    if (piece.last) {
      const bytes = Buffer.concat(open ?? []);
      if (piece.type === untypedMessage || whole.has(piece.type)) expect(piece.first).toBe(true);
      messages.push({ type: openType, bytes });
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
  return { messages, pieces };
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 });

describe('PgFramer', () => {
  it('finds every client message (startup packets included) whatever the segmentation', () => {
    fc.assert(
      fc.property(clientStream, cuts, (messages, at) => {
        const data = Buffer.concat(messages.map((m) => m.bytes));
        const result = frame(new PgFramer({ startup: true, whole: clientWhole }), split(data, at), clientWhole);
        expect(result.messages).toEqual(messages);
        expect(Buffer.concat(result.pieces.map((p) => p.bytes)).equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every server message whatever the segmentation, one byte at a time included', () => {
    fc.assert(
      fc.property(serverStream, cuts, fc.boolean(), (messages, at, byteByByte) => {
        const data = Buffer.concat(messages.map((m) => m.bytes));
        const parts = byteByByte ? [...data].map((b) => Buffer.from([b])) : split(data, at);
        const result = frame(new PgFramer({ startup: false, whole: serverWhole }), parts, serverWhole);
        expect(result.messages).toEqual(messages);
      }),
      { numRuns: 300 },
    );
  });

  it('hands a large message it does not inspect over in pieces as they arrive, without waiting for the end', () => {
    const big = typed(0x64, new Uint8Array(1_000_000).fill(7)); // CopyData
    const framer = new PgFramer({ startup: false, whole: clientWhole });
    const first = framer.push(big.bytes.subarray(0, 1000));
    expect(first).toEqual([{ type: 0x64, bytes: big.bytes.subarray(0, 1000), first: true, last: false }]);
    const rest = framer.push(big.bytes.subarray(1000));
    expect(rest).toHaveLength(1);
    expect(rest[0]?.last).toBe(true);
  });

  it('passes a TLS ClientHello (direct SSL) or a corrupt length through untouched, framing nothing after it', () => {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]);
    const tls = new PgFramer({ startup: true, whole: clientWhole });
    expect(tls.push(hello)).toEqual([{ type: rawBytes, bytes: hello, first: false, last: false }]);
    expect(tls.isRaw).toBe(true);
    const corrupt = Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff, 0x41]);
    const server = new PgFramer({ startup: false, whole: serverWhole });
    expect(server.push(corrupt).map((p) => p.type)).toEqual([rawBytes]);
    expect(server.push(Buffer.from('more')).map((p) => p.bytes.toString())).toEqual(['more']);
  });
});
