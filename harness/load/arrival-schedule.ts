import type { ConstantArrivalRatePhase, RampingArrivalRatePhase } from '../contract/plan-types.ts';
import { WHOLE } from './execution-segment.ts';
import type { ExecutionSegment } from './execution-segment.ts';

/** A linear piece of the rate curve: the rate moves from `fromPerSec` to `toPerSec` over `durationMs`. */
interface RateSegment {
  startMs: number;
  durationMs: number;
  fromPerSec: number;
  toPerSec: number;
  /** Arrivals due before this segment (area under the curve up to `startMs`). */
  countBefore: number;
}

function segmentsOf(phase: ConstantArrivalRatePhase | RampingArrivalRatePhase): RateSegment[] {
  if (phase.executor === 'constant-arrival-rate') {
    return [{ startMs: 0, durationMs: phase.durationMs, fromPerSec: phase.ratePerSec, toPerSec: phase.ratePerSec, countBefore: 0 }];
  }
  const out: RateSegment[] = [];
  let startMs = 0;
  let from = phase.startRatePerSec;
  let count = 0;
  for (const stage of phase.stages) {
    if (stage.durationMs > 0) {
      out.push({ startMs, durationMs: stage.durationMs, fromPerSec: from, toPerSec: stage.target, countBefore: count });
      count += ((from + stage.target) / 2) * (stage.durationMs / 1000);
    }
    startMs += stage.durationMs;
    from = stage.target;
  }
  return out;
}

/**
 * Offset (ms into the segment) at which the area under the rate line reaches `k` arrivals, or null
 * when the segment ends first. Solves r0·τ + (r1−r0)·τ²/(2T) = n for τ in the cancellation-free
 * form τ = 2n / (r0 + √(r0² + 2·n·(r1−r0)/T)), which also covers the constant case.
 */
function offsetInSegment(s: RateSegment, k: number): number | null {
  const n = k - s.countBefore;
  const T = s.durationMs / 1000;
  const r0 = s.fromPerSec;
  const slope = (s.toPerSec - r0) / T;
  const disc = r0 * r0 + 2 * n * slope;
  if (disc < 0) return null;
  const denom = r0 + Math.sqrt(disc);
  if (denom <= 0) return n === 0 && r0 === 0 && slope > 0 ? 0 : null;
  const tauMs = ((2 * n) / denom) * 1000;
  return tauMs < s.durationMs ? tauMs : null;
}

/**
 * The intended send times of an arrival-rate phase, like k6: evenly spaced at a constant rate, and
 * for ramps the k-th arrival where the area under the linearly interpolated rate reaches k, so a
 * ramp has no per-second steps. Times are offsets in ms from the phase's start. With an execution
 * segment, only its arrivals (k ≡ index mod count), each at the very time the whole schedule has it.
 */
export class ArrivalSchedule {
  readonly #segments: RateSegment[];
  readonly #step: number;
  #seg = 0;
  #k: number;

  constructor(phase: ConstantArrivalRatePhase | RampingArrivalRatePhase, segment: ExecutionSegment = WHOLE) {
    this.#segments = segmentsOf(phase);
    this.#k = segment.index;
    this.#step = segment.count;
  }

  /** The next intended offset, or null when the phase has no more arrivals. */
  next(): number | null {
    while (this.#seg < this.#segments.length) {
      const s = this.#segments[this.#seg];
      if (s === undefined) return null;
      const tau = offsetInSegment(s, this.#k);
      if (tau !== null) {
        this.#k += this.#step;
        return s.startMs + tau;
      }
      // The next arrival falls after this segment: continue counting in the next one.
      this.#seg++;
    }
    return null;
  }

  /** Expected number of arrivals of the whole phase (area under the rate curve). */
  static expectedCount(phase: ConstantArrivalRatePhase | RampingArrivalRatePhase): number {
    const segs = segmentsOf(phase);
    const last = segs[segs.length - 1];
    if (last === undefined) return 0;
    return last.countBefore + ((last.fromPerSec + last.toPerSec) / 2) * (last.durationMs / 1000);
  }
}
