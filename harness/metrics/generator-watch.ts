import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from '../core/clock.ts';
import type { GeneratorThreadSecond } from '../contract/generator-second.ts';

/** What the load thread did in one second of the run clock. */
export interface GeneratorSample {
  cpuPct: number;
  thread: GeneratorThreadSecond;
}

/** Resolution of the event-loop delay monitor: coarse enough to cost nothing, fine enough for a 5 ms rule. */
const DELAY_RESOLUTION_MS = 10;

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Watches the thread that runs the load, once per second of the run clock: how busy its event loop
 * was (event-loop utilisation), how late its timers ran (event-loop delay), the process's CPU and
 * the sockets open to the target. The recorder puts each second's sample on its `second` line.
 */
export class GeneratorWatch {
  readonly #clock: Clock;
  #delay: IntervalHistogram | null = null;
  #elu: EventLoopUtilization | null = null;
  #cpu: NodeJS.CpuUsage | null = null;
  #lastAtMs = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #samples = new Map<number, GeneratorSample>();
  #sockets = 0;
  /** The most sockets open at once since the last sample. */
  #socketsPeak = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
    this.#delay.enable();
    this.#elu = performance.eventLoopUtilization();
    this.#cpu = process.cpuUsage();
    this.#lastAtMs = this.#clock.nowMs();
    this.#schedule();
  }

  /** Takes what is measured since the last sample as the current second's, and stops. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#delay === null) return;
    this.#sample();
    this.#delay.disable();
    this.#delay = null;
  }

  /** Sockets open now (the engines tell the recorder, the recorder tells this). */
  set sockets(n: number) {
    this.#sockets = n;
    if (n > this.#socketsPeak) this.#socketsPeak = n;
  }

  /** The sample of second `t` (forgotten once taken), or null when none was taken for it. */
  take(t: number): GeneratorSample | null {
    // The recorder may close a second before the boundary timer ran (both wait on the same loop).
    if (!this.#samples.has(t) && this.#lastAtMs < (t + 1) * 1000 && this.#clock.nowMs() >= (t + 1) * 1000) this.#sample();
    const s = this.#samples.get(t) ?? null;
    this.#samples.delete(t);
    // Seconds nobody asked for (before the first line) do not pile up.
    for (const k of this.#samples.keys()) if (k < t) this.#samples.delete(k);
    return s;
  }

  #schedule(): void {
    const now = this.#clock.nowMs();
    const next = (Math.floor(now / 1000) + 1) * 1000;
    this.#timer = setTimeout(this.#onBoundary, Math.max(1, next - now));
    this.#timer.unref();
  }

  readonly #onBoundary = (): void => {
    this.#sample();
    this.#schedule();
  };

  /**
   * The span since the last sample, as the sample of every second it covers: normally one, several
   * when the loop stalled past a boundary (the stall is then each of those seconds' story).
   */
  #sample(): void {
    const delay = this.#delay;
    if (delay === null || this.#elu === null || this.#cpu === null) return;
    const now = this.#clock.nowMs();
    const elapsedMs = Math.max(1, now - this.#lastAtMs);
    const elu = performance.eventLoopUtilization(this.#elu);
    const cpu = process.cpuUsage(this.#cpu);
    const sample: GeneratorSample = {
      cpuPct: round1(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
      thread: {
        busyPct: round1(elu.utilization * 100),
        // The monitor's samples are whole timer periods (the resolution plus the delay): the delay is
        // what exceeds the resolution. A histogram without samples reports its initial extremes.
        loopDelayP99Ms: delay.count > 0 ? round1(Math.max(0, delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS)) : 0,
        loopDelayMaxMs: delay.count > 0 ? round1(Math.max(0, delay.max / 1e6 - DELAY_RESOLUTION_MS)) : 0,
        sockets: this.#socketsPeak,
      },
    };
    const from = Math.floor(this.#lastAtMs / 1000);
    // A span ending just past a boundary is the second before it; one ending mid-second (a stop) is that second's.
    const to = Math.max(from, Math.floor((now - 1) / 1000));
    for (let t = from; t <= to; t++) if (t >= 0) this.#samples.set(t, sample);
    this.#elu = performance.eventLoopUtilization();
    this.#cpu = process.cpuUsage();
    delay.reset();
    this.#socketsPeak = this.#sockets;
    this.#lastAtMs = now;
  }
}
