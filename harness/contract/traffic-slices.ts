/**
 * A second's traffic per slice of intended send time, all request names together: what TTD and TTR
 * are measured on (docs/recovery.md, section Resolution). `second` and `late` lines carry it as
 * `slices`; timelines written before it existed have none, and recovery then falls back to whole
 * seconds. Slice i of second t covers intended times [t·1000 + i·ms, t·1000 + (i + 1)·ms).
 */
export interface TrafficSlices {
  /** Width of a slice in ms; a second has 1000 / ms of them. */
  ms: number;
  /** Requests per slice, as a request name's `count` (cancelled ones are not requests). */
  requests: number[];
  errors: number[];
  /** Open-model iterations dropped, per slice of their intended time. */
  dropped: number[];
  /**
   * Per slice, the latencies of its successful requests as a sparse log histogram:
   * `[bin, count, bin, count, …]`, bins ascending, `bin = sliceLatencyBin(µs)`. Each latency is
   * without the time the harness's own event loop was stalled while the request was in flight
   * (metrics/loop-stall-monitor.ts): health judges the target, and a stalled generator makes every
   * request in flight look slow. The per-name histograms keep the whole latency.
   */
  okLatency: number[][];
  /**
   * Per slice, how late its requests went onto the wire on average (RequestOutcome.sentAtMs −
   * intended send time), whole ms; absent when under 1 ms in every slice (a generator on schedule).
   * A generator that lags, or catches up in a burst after a stall, sends the request "intended" at τ
   * when the target is already at τ + lag: recovery puts its instants where the requests really went
   * out (docs/recovery.md, section Resolution).
   */
  sendLagMs?: number[];
}

/** The slice width the recorder writes: 100 ms, the resolution of TTD and TTR. */
export const SLICE_MS = 100;

/**
 * Success latencies go into log-linear bins, as in an HDR histogram with one significant binary digit
 * plus three: below 8 µs one bin per µs, above it 8 equal bins per doubling, so a bin is 6–12.5 %
 * wide. A window's success p95 is then judged against the latency tolerance to within ±6 % (the bin's
 * middle stands for its values); the tolerance itself sits 25 % or more above the steady state, so
 * that is precise enough, and a slice's histogram stays a few pairs of numbers. The bin is found with
 * integer operations: a log2 per request was half the recorder's added cost.
 */
const SUB_BINS = 8;

/** Bins cover 0 µs … 2^31 µs (36 min), far past any request timeout. */
export const LATENCY_BIN_COUNT = (31 - 2) * SUB_BINS;

/** The bin of a latency in µs. */
export function sliceLatencyBin(latencyUs: number): number {
  const u = latencyUs >= 2 ** 31 - 1 ? 2 ** 31 - 1 : latencyUs > 0 ? Math.trunc(latencyUs) : 0;
  if (u < SUB_BINS) return u;
  const octave = 31 - Math.clz32(u);
  return (octave - 2) * SUB_BINS + ((u >>> (octave - 3)) & (SUB_BINS - 1));
}

/** The latency a bin stands for, in ms: the middle of its range. */
export function sliceBinMidMs(bin: number): number {
  if (bin < SUB_BINS) return (bin + 0.5) / 1000;
  const octave = Math.floor(bin / SUB_BINS) + 2;
  const width = 2 ** (octave - 3);
  return (2 ** octave + (bin % SUB_BINS) * width + width / 2) / 1000;
}
