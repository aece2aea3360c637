/** Cumulative network byte counters of the host's non-loopback interfaces. */
export interface NetBytes {
  rxBytes: number;
  txBytes: number;
}

/** Turns cumulative counters into bytes per sample interval (none for the first sample). */
export class NetDelta {
  #last: NetBytes | null = null;

  next(now: NetBytes): { netRxBytes: number; netTxBytes: number } | null {
    const before = this.#last;
    this.#last = now;
    if (before === null) return null;
    // A counter that went backwards (an interface reset) counts as no traffic, not negative traffic.
    return { netRxBytes: Math.max(0, now.rxBytes - before.rxBytes), netTxBytes: Math.max(0, now.txBytes - before.txBytes) };
  }
}
