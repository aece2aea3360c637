import type { RequestOutcome } from '../load/engine.ts';
import { LATENCY_BIN_COUNT, SLICE_MS, sliceLatencyBin } from '../contract/traffic-slices.ts';
import type { TrafficSlices } from '../contract/traffic-slices.ts';
import { hasLatency } from './request-second-builder.ts';

// Module-local copies of the imported constants: read on every request, they made record() 15 %
// cheaper (31 ns instead of 36 per outcome under tsx; several times that when compiled to CommonJS).
const WIDTH_MS = SLICE_MS;
const BINS = LATENCY_BIN_COUNT;
const SLICES = 1000 / WIDTH_MS;

/**
 * One second's traffic per 100 ms slice of intended send time (contract/traffic-slices.ts), all
 * request names together. Counting is a few typed-array increments per outcome and one log2 per
 * success, so the recorder stays as fast as it was (docs/recovery.md, section Resolution);
 * the sparse histograms are built once, when the line is written.
 */
export class TrafficSlicesBuilder {
  readonly #startMs: number;
  readonly #requests = new Uint32Array(SLICES);
  readonly #errors = new Uint32Array(SLICES);
  readonly #dropped = new Uint32Array(SLICES);
  readonly #lagMs = new Float64Array(SLICES);
  /** Dense per slice: SLICES × LATENCY_BIN_COUNT counts (10 KB), written sparse by toLine(). */
  readonly #ok = new Uint32Array(SLICES * BINS);

  /** `t`: the second's index since the run's start. */
  constructor(t: number) {
    this.#startMs = t * 1000;
  }

  /** `stalledMs`: how long the harness's own loop was stalled while it was in flight (loop-stall-monitor.ts), not counted in its latency here. */
  record(o: RequestOutcome, stalledMs = 0): void {
    if (o.errorKind === 'cancelled') return;
    const i = this.#slice(o.intendedAtMs);
    this.#requests[i]!++;
    if (o.sentAtMs !== undefined && o.sentAtMs > o.intendedAtMs) this.#lagMs[i]! += o.sentAtMs - o.intendedAtMs;
    if (o.failed) this.#errors[i]!++;
    else if (hasLatency(o)) this.#ok[i * BINS + sliceLatencyBin(o.latencyUs - stalledMs * 1000)]!++;
  }

  drop(intendedAtMs: number): void {
    this.#dropped[this.#slice(intendedAtMs)]!++;
  }


  toLine(): TrafficSlices {
    const okLatency: number[][] = [];
    for (let i = 0; i < SLICES; i++) {
      const pairs: number[] = [];
      const base = i * BINS;
      // Only bins up to the slice's successes can be non-zero: stop once they are all found.
      let left = this.#requests[i]! - this.#errors[i]!;
      for (let b = 0; b < BINS && left > 0; b++) {
        const n = this.#ok[base + b]!;
        if (n === 0) continue;
        pairs.push(b, n);
        left -= n;
      }
      okLatency.push(pairs);
    }
    const line: TrafficSlices = { ms: WIDTH_MS, requests: [...this.#requests], errors: [...this.#errors], dropped: [...this.#dropped], okLatency };
    const lag = [...this.#lagMs].map((sum, i) => (this.#requests[i]! > 0 ? Math.round(sum / this.#requests[i]!) : 0));
    if (lag.some((ms) => ms > 0)) line.sendLagMs = lag;
    return line;
  }

  /** Clamped: float rounding of an intended time at a second's edge must not index outside it. */
  #slice(intendedAtMs: number): number {
    const i = Math.floor((intendedAtMs - this.#startMs) / WIDTH_MS);
    return i < 0 ? 0 : i >= SLICES ? SLICES - 1 : i;
  }
}
