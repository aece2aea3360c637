import type { Clock } from '../core/clock.ts';

/**
 * The harness's own event-loop stalls, on the run clock: a timer that should fire every `periodMs`
 * and came late by more than `slackMs` means the loop was blocked (a spawn, a GC pause, module
 * compilation, a starved CPU) for the time it was late. While it was blocked, responses waited in
 * the socket and sends waited behind it, so every request in flight looked slower by that much; the
 * recorder takes that time out of the latencies recovery judges health on (docs/recovery.md,
 * section Resolution), because a stalled generator says nothing about the target.
 */
export class LoopStallMonitor {
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #slackMs: number;
  readonly #keepMs: number;
  /** Stalls [from, to) on the run clock, oldest first, no older than `keepMs`. */
  readonly #stalls: Array<{ fromMs: number; toMs: number }> = [];
  #lastBeatMs: number | null = null;
  #timer: NodeJS.Timeout | null = null;

  /** `keepMs`: how long a stall can still matter, the longest a request can be in flight (its timeout, and some). */
  constructor(clock: Clock, options: { keepMs: number; periodMs?: number; slackMs?: number }) {
    this.#clock = clock;
    this.#keepMs = options.keepMs;
    this.#periodMs = options.periodMs ?? 20;
    this.#slackMs = options.slackMs ?? 20;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.beat(this.#clock.nowMs());
    this.#timer = setInterval(() => this.beat(this.#clock.nowMs()), this.#periodMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#lastBeatMs = null;
  }

  /** The timer fired at `atMs`; public so tests can drive it with a manual clock. */
  beat(atMs: number): void {
    const stall = this.#pending(atMs);
    if (stall !== null) this.#stalls.push(stall);
    this.#lastBeatMs = atMs;
    while (this.#stalls.length > 0 && this.#stalls[0]!.toMs < atMs - this.#keepMs) this.#stalls.shift();
  }

  /**
   * How long the loop was stalled within [fromMs, toMs]. `toMs` is about now (a request's end, seen by
   * its callback): a stall that just ended may have released that callback before the timer's, so
   * a late timer is counted up to `toMs` even before it fired.
   */
  stalledMs(fromMs: number, toMs: number): number {
    if (this.#lastBeatMs === null) return 0;
    const last = this.#stalls[this.#stalls.length - 1];
    const pending = this.#pending(toMs);
    if (pending === null && (last === undefined || last.toMs <= fromMs)) return 0;
    let ms = pending === null ? 0 : overlap(pending, fromMs, toMs);
    for (let i = this.#stalls.length - 1; i >= 0; i--) {
      const s = this.#stalls[i]!;
      if (s.toMs <= fromMs) break;
      ms += overlap(s, fromMs, toMs);
    }
    return ms;
  }

  /** The stall a beat at `atMs` reveals, if the timer is that late. */
  #pending(atMs: number): { fromMs: number; toMs: number } | null {
    if (this.#lastBeatMs === null) return null;
    const dueMs = this.#lastBeatMs + this.#periodMs;
    return atMs - dueMs > this.#slackMs ? { fromMs: dueMs, toMs: atMs } : null;
  }
}

function overlap(s: { fromMs: number; toMs: number }, fromMs: number, toMs: number): number {
  return Math.max(0, Math.min(s.toMs, toMs) - Math.max(s.fromMs, fromMs));
}
