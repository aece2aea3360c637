import { deflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latency range of every histogram in the harness: 1 µs … 60 s, 3 significant digits. */
export const LOWEST_US = 1;
export const HIGHEST_US = 60_000_000;
const SIGNIFICANT_DIGITS = 3;

/*
 * The pure-JS backend is used: at the harness's recording rates (≤ tens of thousands of values
 * per second) recordValue costs well under a microsecond, while the WASM backend needs an async
 * init and explicit destroy() of every histogram (its memory is not garbage-collected), which a
 * per-second histogram churn would leak on any missed destroy.
 */
function newHdr(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** An HDR latency histogram in microseconds, read out in milliseconds. */
export class LatencyHistogram {
  readonly #h: Histogram;

  private constructor(h: Histogram) {
    this.#h = h;
  }

  static empty(): LatencyHistogram {
    return new LatencyHistogram(newHdr());
  }

  /** Decodes a compressed-base64 histogram (as written in timeline.jsonl). */
  static decode(base64: string): LatencyHistogram {
    const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
    // Copy into our fixed range so merges and subtractions never hit a range mismatch.
    const h = LatencyHistogram.empty();
    h.#h.add(decoded);
    return h;
  }

  /** Records one latency; values outside 1 µs … 60 s are clamped so nothing is lost. */
  recordUs(latencyUs: number): void {
    const v = latencyUs < LOWEST_US ? LOWEST_US : latencyUs > HIGHEST_US ? HIGHEST_US : Math.round(latencyUs);
    this.#h.recordValue(v);
  }

  /**
   * Adds another histogram's counts. The library's add walks all ~17,000 counts with a method call
   * each; this one walks only the other's recorded range, on the counts array (docs/percentiles.md,
   * "Cost"): closing a second on the load's thread went from ~5 ms to ~1.2 ms at 4,000 rps.
   */
  add(other: LatencyHistogram): void {
    const a = internals(this.#h);
    const b = internals(other.#h);
    if (b.totalCount === 0) return;
    const from = (b._counts[0] ?? 0) !== 0 ? 0 : b.countsArrayIndex(b.minNonZeroValue);
    const to = b.countsArrayIndex(b.maxValue);
    const into = a._counts;
    const src = b._counts;
    for (let i = from; i <= to; i++) into[i] = (into[i] ?? 0) + (src[i] ?? 0);
    a.setTotalCount(a.totalCount + b.totalCount);
    a.updatedMaxValue(Math.max(a.maxValue, b.maxValue));
    a.updateMinNonZeroValue(Math.min(a.minNonZeroValue, b.minNonZeroValue));
  }

  /**
   * Adds a compressed-base64 histogram (as written in timeline.jsonl) without the intermediate
   * copy `decode` makes: half the cost where a long timeline is folded (≈ 95 µs instead of 180).
   */
  addEncoded(base64: string): void {
    this.#h.add(hdr.decodeFromCompressedBase64(base64, 32, false));
  }

  /** Removes another histogram's values (e.g. all − failed = successful). */
  subtract(other: LatencyHistogram): void {
    this.#h.subtract(other.#h);
  }

  get count(): number {
    return this.#h.totalCount;
  }

  /** Value at a percentile in 0…100, in ms; 0 when empty. */
  percentileMs(percentile: number): number {
    if (this.#h.totalCount === 0) return 0;
    return this.#h.getValueAtPercentile(percentile) / 1000;
  }

  get maxMs(): number {
    return this.#h.totalCount === 0 ? 0 : this.#h.maxValue / 1000;
  }

  get minMs(): number {
    return this.#h.totalCount === 0 ? 0 : this.#h.minNonZeroValue / 1000;
  }

  get meanMs(): number {
    return this.#h.totalCount === 0 ? 0 : this.#h.mean / 1000;
  }

  /**
   * The histogram in HdrHistogram's compressed V2 format, base64 (what `hdr.encodeIntoCompressedBase64`
   * writes, byte for byte): the counts up to the highest recorded one, ZigZag LEB128 with runs of
   * zeros folded, deflated. Written here over the counts array into one reused buffer, at a fifth
   * of the library's cost (it grows a byte buffer one put at a time): this runs once per request
   * name and second on the load's thread.
   */
  encode(): string {
    const h = internals(this.#h);
    const counts = h._counts;
    const limit = h.countsArrayIndex(h.maxValue) + 1;
    const out = scratch(V2_HEADER_BYTES + limit * 9);
    let pos = V2_HEADER_BYTES;
    for (let i = 0; i < limit; ) {
      const count = counts[i++] ?? 0;
      let zeros = 0;
      if (count === 0) {
        zeros = 1;
        while (i < limit && counts[i] === 0) {
          zeros++;
          i++;
        }
      }
      // ZigZag: n ≥ 0 → 2n, n < 0 → −2n − 1; a run of zeros is the negative of its length.
      let v = zeros > 1 ? 2 * zeros - 1 : 2 * count;
      while (v >= 128) {
        out[pos++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      out[pos++] = v;
    }
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setInt32(0, V2_ENCODING_COOKIE);
    view.setInt32(4, pos - V2_HEADER_BYTES);
    view.setInt32(8, 1); // normalizing index offset, as the library writes it
    view.setInt32(12, h.numberOfSignificantValueDigits);
    setInt64(view, 16, h.lowestDiscernibleValue);
    setInt64(view, 24, h.highestTrackableValue);
    setInt64(view, 32, 1); // integer-to-double conversion ratio, as the library writes it
    const compressed = deflateSync(out.subarray(0, pos));
    const framed = Buffer.allocUnsafe(8 + compressed.length);
    framed.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
    framed.writeInt32BE(compressed.length, 4);
    compressed.copy(framed, 8);
    return framed.toString('base64');
  }

  copy(): LatencyHistogram {
    const h = LatencyHistogram.empty();
    h.#h.add(this.#h);
    return h;
  }

  reset(): void {
    this.#h.reset();
  }
}

/** HdrHistogram V2 cookies with the word-size nibble hdr-histogram-js sets (0x10: LEB128). */
const V2_ENCODING_COOKIE = 0x1c849303 | 0x10;
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const V2_HEADER_BYTES = 40;

/** The fields of hdr-histogram-js's JsHistogram (bitBucketSize 32: a Uint32Array of counts) that add and encode work on. */
interface HdrInternals {
  _counts: Uint32Array;
  readonly totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  readonly numberOfSignificantValueDigits: number;
  readonly lowestDiscernibleValue: number;
  readonly highestTrackableValue: number;
  countsArrayIndex(value: number): number;
  setTotalCount(value: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

function internals(h: Histogram): HdrInternals {
  const x = h as unknown as HdrInternals;
  // Checked once per call: a version of the library without these fields fails loudly, not silently wrong.
  if (!(x._counts instanceof Uint32Array)) throw new Error('hdr-histogram-js: counts array not found (library version changed?)');
  return x;
}

let scratchBytes = new Uint8Array(64 * 1024);
/** A buffer of at least `size` bytes, reused between encodes (one thread, one encode at a time). */
function scratch(size: number): Uint8Array {
  if (scratchBytes.length < size) scratchBytes = new Uint8Array(Math.max(size, scratchBytes.length * 2));
  return scratchBytes;
}

function setInt64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / 2 ** 32));
  view.setUint32(at + 4, value >>> 0);
}

/** Merges encoded histograms into one (an empty one for an empty list). */
export function mergeEncoded(encoded: readonly string[]): LatencyHistogram {
  const out = LatencyHistogram.empty();
  for (const e of encoded) out.add(LatencyHistogram.decode(e));
  return out;
}
