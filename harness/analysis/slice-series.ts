import type { TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import { sliceBinMidMs } from '../contract/traffic-slices.ts';
import type { TrafficSlices } from '../contract/traffic-slices.ts';
import type { HealthTolerances } from './steady-state.ts';
import { isWindowHealthy } from './window-health.ts';

/** A run's sub-second traffic: per second index, the slices of its `second` line and of its late lines. */
export interface SliceSeries {
  sliceMs: number;
  bySecond: ReadonlyMap<number, readonly TrafficSlices[]>;
}

/**
 * The sub-second series of a timeline, or null when it has none to trust: written before the
 * recorder kept one (some line with traffic has no `slices`), or with slices of different widths
 * (a hand-made file). Recovery then falls back to whole seconds and says so. Keeps references to the
 * lines' arrays: nothing is copied.
 */
export function sliceSeries(timeline: { seconds: readonly TimelineSecond[]; late: readonly TimelineLate[] }): SliceSeries | null {
  const bySecond = new Map<number, TrafficSlices[]>();
  let sliceMs: number | null = null;
  for (const line of [...timeline.seconds, ...timeline.late]) {
    const s = line.slices;
    if (s === undefined) {
      if (hasTraffic(line)) return null;
      continue;
    }
    if (sliceMs !== null && s.ms !== sliceMs) return null;
    if (!(s.ms > 0) || 1000 % s.ms !== 0) return null;
    sliceMs = s.ms;
    const list = bySecond.get(line.t);
    if (list === undefined) bySecond.set(line.t, [s]);
    else list.push(s);
  }
  return sliceMs === null ? null : { sliceMs, bySecond };
}

function hasTraffic(line: TimelineSecond | TimelineLate): boolean {
  if (line.droppedIterations > 0) return true;
  for (const r of Object.values(line.requests)) if (r.count > 0) return true;
  return false;
}

/** What window health is judged on, per slice from the run's start (dense, index = slice number). */
export interface SliceCounts {
  sliceMs: number;
  requests: Float64Array;
  errors: Float64Array;
  successes: Float64Array;
  /** Successes slower than the latency tolerance (by their bin's middle, see contract/traffic-slices.ts). */
  slow: Float64Array;
  dropped: Float64Array;
  /** How late the generator sent the slice's requests on average, ms (0 on schedule). */
  sendLagMs: Float64Array;
}

/** Per-slice counts of slices 0 … lastSlice, `slow` against `maxSuccessMs`. */
export function sliceCounts(series: SliceSeries, lastSlice: number, maxSuccessMs: number): SliceCounts {
  const n = Math.max(0, lastSlice + 1);
  const c: SliceCounts = {
    sliceMs: series.sliceMs,
    requests: new Float64Array(n),
    errors: new Float64Array(n),
    successes: new Float64Array(n),
    slow: new Float64Array(n),
    dropped: new Float64Array(n),
    sendLagMs: new Float64Array(n),
  };
  const perSecond = 1000 / series.sliceMs;
  for (const [t, lines] of series.bySecond) {
    for (let i = 0; i < perSecond; i++) {
      const k = t * perSecond + i;
      if (k < 0 || k >= n) continue;
      for (const s of lines) addSlice(c, k, s, i, maxSuccessMs);
    }
  }
  return c;
}

function addSlice(c: SliceCounts, k: number, s: TrafficSlices, i: number, maxSuccessMs: number): void {
  c.requests[k]! += s.requests[i] ?? 0;
  c.errors[k]! += s.errors[i] ?? 0;
  c.dropped[k]! += s.dropped[i] ?? 0;
  // A mean over the slice's lines, weighted by their requests (late lines hold the slowest answers).
  const n = s.requests[i] ?? 0;
  if (n > 0 && c.requests[k]! > 0) c.sendLagMs[k]! += ((s.sendLagMs?.[i] ?? 0) - c.sendLagMs[k]!) * (n / c.requests[k]!);
  const pairs = s.okLatency[i] ?? [];
  for (let j = 0; j + 1 < pairs.length; j += 2) {
    const count = pairs[j + 1] ?? 0;
    c.successes[k]! += count;
    if (sliceBinMidMs(pairs[j] ?? 0) > maxSuccessMs) c.slow[k]! += count;
  }
}

/**
 * Second `t` judged from its slices as one window (window-health.ts isWindowHealthy): what a
 * one-second bucket says, without the harness's own event-loop stalls in its latency. A second
 * without slices had no traffic, hence is unhealthy, as a missing second is.
 */
export function sliceSecondHealth(series: SliceSeries): (t: number, tol: HealthTolerances) => boolean {
  return (t, tol) => {
    const w = { requests: 0, errors: 0, successes: 0, slow: 0 };
    for (const s of series.bySecond.get(t) ?? []) {
      for (let i = 0; i < s.requests.length; i++) {
        w.requests += s.requests[i] ?? 0;
        w.errors += s.errors[i] ?? 0;
        const pairs = s.okLatency[i] ?? [];
        for (let j = 0; j + 1 < pairs.length; j += 2) {
          w.successes += pairs[j + 1] ?? 0;
          if (sliceBinMidMs(pairs[j] ?? 0) > tol.maxSuccessP95Ms) w.slow += pairs[j + 1] ?? 0;
        }
      }
    }
    return isWindowHealthy(w, tol, 1);
  };
}
