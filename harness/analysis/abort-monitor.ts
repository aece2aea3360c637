import type { AbortCondition, PerSecondReading } from '../core/abort-condition.ts';
import { compare } from '../core/threshold-expression.ts';
import type { SecondPoint } from '../contract/second-point.ts';

/**
 * Evaluates resolved abort conditions (core/abort-condition.ts) second by second: a condition trips
 * when its expression is TRUE in every second of a window of its length (at least one second).
 * Per one-second bucket, so the window is debounced against single-second spikes. A second with no
 * value for the metric (no requests, another phase, a missing second) breaks the streak: "no
 * traffic" is not evidence of failure here; the recovery analysis judges that.
 */

/** How one second is read for each reading the parser can resolve; a reading without a reader does not compile. */
const READERS: { readonly [R in PerSecondReading]: (p: SecondPoint) => number | null } = {
  'http_req_failed:rate': (p) => (p.requests > 0 ? p.errors / p.requests : null),
  'http_req_failed:count': (p) => p.errors,
  'http_req_duration:p50': (p) => p.p50Ms,
  'http_req_duration:p95': (p) => p.p95Ms,
  'http_req_duration:p99': (p) => p.p99Ms,
  'http_req_duration:max': (p) => p.maxMs,
  'http_reqs:count': (p) => p.requests,
  'dropped_iterations:count': (p) => p.droppedIterations,
};

export interface AbortTrip {
  condition: string;
  /** When the streak completed: the end of its last second (ms from the run's start). */
  atMs: number;
  /** First second of the violating streak. */
  fromSec: number;
}

export interface AbortMonitor {
  /** Feed seconds in order as they close; returns the first trip (and keeps returning it). */
  push(point: SecondPoint): AbortTrip | null;
}

/** The condition's value in one second, or null when the second says nothing about it. */
function readSecond(c: AbortCondition, p: SecondPoint): number | null {
  if (c.phase !== null && p.phase !== c.phase) return null;
  return READERS[c.reading](p);
}

/** Incremental evaluation for the runner (O(1) per second); `delaySec` ignores the first seconds. */
export function createAbortMonitor(conditions: readonly AbortCondition[], delaySec = 0): AbortMonitor {
  const streaks = conditions.map(() => ({ from: -1, last: -2 }));
  let trip: AbortTrip | null = null;
  return {
    push(point) {
      if (trip !== null || point.t < delaySec) return trip;
      conditions.forEach((c, i) => {
        const s = streaks[i];
        if (s === undefined || trip !== null) return;
        const v = readSecond(c, point);
        const violating = v !== null && Number.isFinite(v) && compare(v, c.expression.op, c.expression.value);
        if (!violating) {
          s.from = -1;
          return;
        }
        if (s.from < 0 || s.last !== point.t - 1) s.from = point.t;
        s.last = point.t;
        const forSec = Math.max(1, Math.ceil(c.forMs / 1000));
        if (point.t - s.from + 1 >= forSec) trip = { condition: `${c.metric.source}: ${c.source}`, atMs: (point.t + 1) * 1000, fromSec: s.from };
      });
      return trip;
    },
  };
}

/** The first trip over a whole series (seconds sorted by t), or null. */
export function evaluateAbort(conditions: readonly AbortCondition[], points: readonly SecondPoint[], delaySec = 0): AbortTrip | null {
  const monitor = createAbortMonitor(conditions, delaySec);
  let trip: AbortTrip | null = null;
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    trip = monitor.push(p);
    if (trip !== null) break;
  }
  return trip;
}
