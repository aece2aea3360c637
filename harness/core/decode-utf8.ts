/**
 * Strict UTF-8 decoding of an input file. `readFile(f, 'utf8')` replaces invalid bytes with U+FFFD
 * silently, so a scenario with a stray Latin-1 byte would load with a different value than the one
 * written; here it is refused with the offset of the first bad byte. A leading byte-order mark is
 * dropped (editors on Windows write one), for every format.
 */
export type DecodedUtf8 = { ok: true; text: string } | { ok: false; byteOffset: number };

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): DecodedUtf8 {
  try {
    // ignoreBOM: false means the decoder removes a leading BOM instead of returning it.
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    return { ok: false, byteOffset: invalidUtf8Offset(bytes) };
  }
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1 when all are well formed.
 * TextDecoder says only that the input is invalid, not where.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      // The sequence that starts at i is ill-formed: its first byte is where the text goes wrong.
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}
