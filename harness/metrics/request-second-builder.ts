import type { RequestOutcome } from '../load/engine.ts';
import { emptyErrorKinds } from '../contract/stats.ts';
import type { ErrorKinds } from '../contract/stats.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import type { RequestSecond } from '../contract/timeline-types.ts';
import { statusClass } from './traffic-aggregate.ts';

/**
 * Histograms are 60-odd KB each; a run opens one or two per request name per second, so they
 * are recycled instead of left to the garbage collector.
 */
export class HistogramPool {
  readonly #free: LatencyHistogram[] = [];

  take(): LatencyHistogram {
    return this.#free.pop() ?? LatencyHistogram.empty();
  }

  give(h: LatencyHistogram): void {
    h.reset();
    if (this.#free.length < 64) this.#free.push(h);
  }
}

/**
 * Whether an outcome's time is a latency: a response, or a timeout (the target kept the request
 * for at least that long). A request that got no answer otherwise (refused, reset, other transport
 * errors) is an error without a latency: a dead port refuses in microseconds, and counting that as
 * an answer made p95 "pass" at 5.8 ms against a killed target.
 */
export function hasLatency(o: Pick<RequestOutcome, 'status' | 'errorKind'>): boolean {
  return o.status !== null || o.errorKind === 'timeout';
}

/**
 * Accumulates one request name's outcomes within one second. Cancelled requests (stopped by the
 * harness) are only counted, apart: they are not the target's requests or errors.
 */
export class RequestSecondBuilder {
  count = 0;
  errors = 0;
  bytes = 0;
  cancelled = 0;
  readonly statusCounts: Record<string, number> = {};
  readonly errorKinds: ErrorKinds = emptyErrorKinds();
  readonly histogram: LatencyHistogram;
  errorHistogram: LatencyHistogram | null = null;
  readonly #pool: HistogramPool;

  constructor(pool: HistogramPool) {
    this.#pool = pool;
    this.histogram = pool.take();
  }

  record(o: RequestOutcome): void {
    if (o.errorKind === 'cancelled') {
      this.cancelled++;
      return;
    }
    this.count++;
    this.bytes += o.bytes;
    const timed = hasLatency(o);
    if (timed) this.histogram.recordUs(o.latencyUs);
    if (o.status !== null) {
      const cls = statusClass(o.status);
      this.statusCounts[cls] = (this.statusCounts[cls] ?? 0) + 1;
    }
    if (o.errorKind !== null) this.errorKinds[o.errorKind]++;
    if (o.failed) {
      this.errors++;
      if (timed) {
        this.errorHistogram ??= this.#pool.take();
        this.errorHistogram.recordUs(o.latencyUs);
      }
    }
  }

  /** The line's data; histograms encoded. */
  toLine(): RequestSecond {
    const line: RequestSecond = {
      count: this.count,
      errors: this.errors,
      statusCounts: this.statusCounts,
      errorKinds: this.errorKinds,
      bytes: this.bytes,
      histogram: this.histogram.encode(),
    };
    if (this.errorHistogram !== null && this.errors > 0) line.errorHistogram = this.errorHistogram.encode();
    if (this.cancelled > 0) line.cancelled = this.cancelled;
    return line;
  }

  /** Returns the histograms to the pool; the builder must not be used afterwards. */
  release(): void {
    this.#pool.give(this.histogram);
    if (this.errorHistogram !== null) this.#pool.give(this.errorHistogram);
    this.errorHistogram = null;
  }
}
