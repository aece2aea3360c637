import type { SliceCounts } from './slice-series.ts';
import type { HealthTolerances } from './steady-state.ts';

/**
 * Health at sub-second resolution (docs/recovery.md, section Resolution). Every window of `windowMs`
 * (1 s: the steady state's bucket, so its tolerances keep their meaning) starting at every slice is
 * judged as a one-second bucket is. A slice is healthy when it lies between the first and the last
 * slice with a fast success (a success within the latency tolerance) of some healthy window, or in a
 * gap without any traffic shorter than a window between two such slices; unhealthy otherwise.
 *
 * Why this shape:
 * - The judgement rests on a second of evidence, never on one slice: at 20–50 req/s a slice holds
 *   2–5 requests, so one stray slow request would be its p95; in a window it is one of 20–50.
 * - Edges are exact to the slice. A window is healthy while the bad part of it stays under the
 *   tolerance (10 % missing throughput, half the requests missing in a closed model), so the union
 *   of whole healthy windows would reach that far into an outage on both sides; bounding each window
 *   by its own evidence of health (its fast successes) stops the healthy time where that evidence
 *   stops.
 * - An empty slice is no evidence either way: sparse traffic (1 request a second) leaves most slices
 *   empty, and a healthy stretch bridges them. A gap of a window or longer, or one with any traffic
 *   that is not healthy (errors, slow answers, dropped iterations), is unhealthy: "no answers" during
 *   an outage must not read as "0 % errors".
 */
export function windowCoveredHealth(c: SliceCounts, tol: HealthTolerances, windowMs: number, lastSlice: number): boolean[] {
  const width = Math.max(1, Math.round(windowMs / c.sliceMs));
  const seconds = (width * c.sliceMs) / 1000;
  const n = Math.max(0, lastSlice + 1);
  const sums = prefixSums(c, n);
  const fast = (j: number): boolean => (c.successes[j] ?? 0) - (c.slow[j] ?? 0) > 0;
  const { next, prev } = nearestFast(n, fast);
  const healthy = new Array<boolean>(n).fill(false);
  let coveredTo = -1;
  for (let k = 0; k + width <= n; k++) {
    const at = (a: Float64Array): number => a[k + width]! - a[k]!;
    if (!isWindowHealthy({ requests: at(sums.requests), errors: at(sums.errors), successes: at(sums.successes), slow: at(sums.slow) }, tol, seconds)) continue;
    const from = next[k]!;
    const to = prev[k + width - 1]!;
    for (let j = Math.max(from, coveredTo + 1); j <= to; j++) healthy[j] = true;
    if (to >= from) coveredTo = Math.max(coveredTo, to);
  }
  bridgeEmptyGaps(healthy, c, width);
  return healthy;
}

/** Per slice, the nearest slice with a fast success at or after it (`next`, n when none) and at or before it (`prev`, −1 when none). */
function nearestFast(n: number, fast: (j: number) => boolean): { next: Int32Array; prev: Int32Array } {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  let seen = -1;
  for (let j = 0; j < n; j++) prev[j] = seen = fast(j) ? j : seen;
  seen = n;
  for (let j = n - 1; j >= 0; j--) next[j] = seen = fast(j) ? j : seen;
  return { next, prev };
}

/** Unhealthy runs shorter than a window, between healthy slices, with no traffic at all, are healthy: no evidence breaks nothing. */
function bridgeEmptyGaps(healthy: boolean[], c: SliceCounts, width: number): void {
  let j = 0;
  while (j < healthy.length) {
    if (healthy[j] === true) {
      j++;
      continue;
    }
    const start = j;
    let empty = true;
    while (j < healthy.length && healthy[j] !== true) {
      if ((c.requests[j] ?? 0) + (c.dropped[j] ?? 0) > 0) empty = false;
      j++;
    }
    if (empty && start > 0 && j < healthy.length && j - start < width) healthy.fill(true, start, j);
  }
}

export interface WindowTotals {
  requests: number;
  errors: number;
  successes: number;
  /** Successes slower than the latency tolerance. */
  slow: number;
}

/**
 * The health rule of a one-second bucket (steady-state.ts isHealthy) on a window `seconds` long:
 * enough requests, error rate, success p95 and successful throughput within the tolerances. The p95
 * is decided by counting: with n successes, HDR's p95 is the ⌈0.95·n⌉-th smallest, so it exceeds the
 * tolerance when at least n − ⌈0.95·n⌉ + 1 of them do.
 */
export function isWindowHealthy(w: WindowTotals, tol: HealthTolerances, seconds: number): boolean {
  if (w.requests <= 0 || w.requests < tol.minRequests * seconds) return false;
  if (w.errors / w.requests > tol.maxErrorRate) return false;
  if (w.successes <= 0) return false;
  const rank = Math.max(1, Math.ceil(0.95 * w.successes - 1e-9));
  if (w.slow >= w.successes - rank + 1) return false;
  return w.successes >= tol.minSuccessRps * seconds;
}

interface Sums {
  requests: Float64Array;
  errors: Float64Array;
  successes: Float64Array;
  slow: Float64Array;
}

function prefixSums(c: SliceCounts, n: number): Sums {
  const of = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) out[i + 1] = out[i]! + (a[i] ?? 0);
    return out;
  };
  return { requests: of(c.requests), errors: of(c.errors), successes: of(c.successes), slow: of(c.slow) };
}
