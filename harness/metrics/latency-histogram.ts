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

  add(other: LatencyHistogram): void {
    this.#h.add(other.#h);
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

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#h);
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

/** Merges encoded histograms into one (an empty one for an empty list). */
export function mergeEncoded(encoded: readonly string[]): LatencyHistogram {
  const out = LatencyHistogram.empty();
  for (const e of encoded) out.add(LatencyHistogram.decode(e));
  return out;
}
