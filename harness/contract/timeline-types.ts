import type { ErrorKinds } from './stats.ts';
import type { TrafficSlices } from './traffic-slices.ts';
import type { GeneratorSecond } from './generator-second.ts';

/**
 * The lines of `timeline.jsonl`: one JSON object per line, appended and flushed as the run goes,
 * so a crash loses nothing already measured. Every line has a `type`.
 */

/** One request name's traffic in one second (keyed by intended send time). */
export interface RequestSecond {
  count: number;
  errors: number;
  statusCounts: Record<string, number>;
  errorKinds: ErrorKinds;
  bytes: number;
  /** HDR histogram of latency in microseconds (1 µs … 60 s, 3 significant digits), compressed base64. */
  histogram: string;
  /** Latency histogram of the failed requests only (present when errors > 0), so success-only percentiles can be derived. */
  errorHistogram?: string;
  /** Requests the harness cancelled (Ctrl-C, abort): not in `count`, `errors` or the histograms; absent when none. */
  cancelled?: number;
}

/** A closed one-second bucket: `t` is the second index since the run's start (second t covers [t*1000, t*1000+1000) ms). */
export interface TimelineSecond {
  type: 'second';
  t: number;
  /** Phase whose window contains the start of this second, or null between phases. */
  phase: string | null;
  requests: Record<string, RequestSecond>;
  droppedIterations: number;
  /** Requests in flight when the second closed (a sign of saturation). */
  inFlight?: number;
  /** The second per 100 ms, all request names together (recovery's resolution); absent when the second had no traffic, and in older timelines. */
  slices?: TrafficSlices;
  /** The load generator's own health in this second (contract/generator-second.ts); absent in older timelines. */
  generator?: GeneratorSecond;
}

/**
 * Outcomes intended in second `t` that arrived after `t` had closed (a request slower than the
 * close deadline: its second's end + timeout + 1 s), and dropped iterations counted after it
 * closed. The second's own line is never rewritten: analysis adds these lines into their second.
 * Written on the recorder's next tick and at its finish, so a crash loses at most a tick's worth;
 * several lines may share a `t`. Timelines written before this line existed simply have none.
 */
export interface TimelineLate {
  type: 'late';
  t: number;
  /** The phase of second `t` (the same as its `second` line's). */
  phase: string | null;
  requests: Record<string, RequestSecond>;
  droppedIterations: number;
  /** The late traffic per 100 ms, as on `second` lines; absent in older timelines. */
  slices?: TrafficSlices;
}

/**
 * One resource sample (1 Hz), taken off the engine's event loop (metrics/resource-sampler.ts).
 * CPU is in percent of one core everywhere (the host's reaches 100·cores); net bytes are those of
 * the interval since the previous sample, loopback excluded; `peakRssBytes` is the kernel's
 * high-water mark (VmHWM) where /proc exists.
 */
export interface ResourceSample {
  type: 'resources';
  atMs: number;
  host?: { cpuPercent: number; memUsedBytes: number; memTotalBytes: number; load1: number; netRxBytes?: number; netTxBytes?: number };
  target?: { cpuPercent: number; rssBytes: number; peakRssBytes?: number };
  harness?: { cpuPercent: number; rssBytes: number; peakRssBytes?: number };
}

/** One health probe of the target. */
export interface ProbeSample {
  type: 'probe';
  atMs: number;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** How long the harness's own event loop was stalled while the probe was out, ms; absent when not at all (and in older timelines). */
  stalledMs?: number;
}

/**
 * Something that happened on the run's clock: a phase or fault boundary, an abort, a note.
 * `target-exit`: the managed target's process exited, with its exit `code` or `signal`;
 * `expected` when a fault asked for it (process-kill, which restarts it). An expected exit whose
 * target was still down at the end of the load is written again with `expected: false` (same
 * `atMs`): it was a death after all.
 */
export interface TimelineEvent {
  type: 'event';
  atMs: number;
  event: 'run-start' | 'phase-start' | 'phase-end' | 'fault-inject' | 'fault-remove' | 'fault-error' | 'abort' | 'target-exit' | 'run-end';
  name?: string;
  kind?: string;
  detail?: string;
  /** target-exit: the exit code, null when a signal ended it. */
  code?: number | null;
  /** target-exit: the signal that ended it, null when it exited by itself. */
  signal?: string | null;
  /** target-exit: a fault asked for it (and restarts the target). */
  expected?: boolean;
}

export type TimelineLine = TimelineSecond | TimelineLate | ResourceSample | ProbeSample | TimelineEvent;
