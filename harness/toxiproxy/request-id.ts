import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuv';
const processBytes = randomBytes(5);
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * An id shaped like the xid Toxiproxy puts in `X-Toxiproxy-Request-Id`: 12 bytes (seconds, process,
 * counter) as 20 base32hex characters, so ids sort by time like the real ones.
 */
export function requestId(nowMs = Date.now()): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  processBytes.copy(bytes, 4);
  counter = (counter + 1) & 0xffffff;
  bytes.writeUIntBE(counter, 9, 3);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}
