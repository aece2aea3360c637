import { performance } from 'node:perf_hooks';

/** Milliseconds (fractional) since the run's start on a monotonic clock. Passed in, so tests can use a manual one. */
export interface Clock {
  nowMs(): number;
  /** Wall-clock epoch ms of the clock's zero, for ISO timestamps in results. */
  readonly epochMs: number;
}

export function monotonicClock(): Clock {
  const origin = performance.now();
  const epochMs = Date.now();
  return { epochMs, nowMs: () => performance.now() - origin };
}

/** A clock that moves only when told: for unit tests of pure schedulers. */
export function manualClock(startMs = 0): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = startMs;
  return {
    epochMs: 0,
    nowMs: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}
