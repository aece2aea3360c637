import { setTimeout as sleep } from 'node:timers/promises';

/**
 * At most `ratePerSec` starts per second, spaced evenly: each caller reserves the next free slot
 * and waits for it, so concurrent lanes share one budget without bursts. Null: no limit.
 */
export class RateGate {
  readonly #intervalMs: number;
  #nextMs = 0;

  constructor(ratePerSec: number | null) {
    this.#intervalMs = ratePerSec === null ? 0 : 1000 / ratePerSec;
  }

  async take(signal: AbortSignal): Promise<void> {
    if (this.#intervalMs === 0) return;
    const now = performance.now();
    const slot = Math.max(now, this.#nextMs);
    this.#nextMs = slot + this.#intervalMs;
    if (slot > now) await sleep(slot - now, undefined, { signal }).catch(() => undefined);
  }
}
