/**
 * The load generator's own health in one second of a `second` line (`generator`): whether it kept
 * its schedule and how busy it was, so a slow generator cannot pass for a slow system
 * (analysis/generator-health.ts judges it; docs/generator-health.md). Absent in timelines written
 * before it existed.
 */
export interface GeneratorSecond {
  /**
   * Send lag of the open-model arrivals intended in this second: when the engine took each off its
   * schedule and handed it to a connection, minus when it was due. Sparse log bins of µs
   * (`[bin, count, …]`, as TrafficSlices.okLatency; contract/traffic-slices.ts). Absent for the
   * closed model, which sends when it intends to, and for seconds without arrivals.
   */
  sendLag?: number[];
  /** The harness process's CPU time over the second, percent of one core (all its threads). */
  cpuPct: number;
  /** One entry per thread that runs load (one without execution segments). */
  threads: GeneratorThreadSecond[];
}

export interface GeneratorThreadSecond {
  /** The share of the second this thread's event loop was busy (event-loop utilisation), percent. */
  busyPct: number;
  /** Event-loop delay over the second (perf_hooks monitorEventLoopDelay), p99 and max, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The most sockets this thread had open to the target at once during the second. */
  sockets: number;
}
