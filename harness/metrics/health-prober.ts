import { Client } from 'undici';
import type { Clock } from '../core/clock.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { ProbeSample } from '../contract/timeline-types.ts';

/**
 * Polls the target's health URL on a fixed period during the run (analysis in
 * analysis/probe-recovery.ts; docs/recovery.md, section The health probe). Like kubelet's HTTP
 * probes: its own client (never the load's pool), a new connection per probe, success = 2xx, and
 * a probe still unanswered at its timeout is a failure. One probe at a time: the timeout is shorter
 * than the period, so the next probe always starts on schedule; slots missed while the event loop
 * was blocked are skipped, not caught up.
 */
export interface HealthProberOptions {
  url: string;
  clock: Clock;
  /** Default 250. */
  intervalMs?: number;
  /** Must be shorter than the interval. Default 80 % of it, at most 1 s. */
  timeoutMs?: number;
  /** How long the harness's own event loop was stalled within [fromMs, toMs] (the recorder's loop-stall monitor); absent: not watched. */
  stalledMs?: (fromMs: number, toMs: number) => number;
  onProbe(p: ProbeSample): void;
}

export interface HealthProber {
  /** Stops probing; waits for the probe in flight (at most its timeout). Safe to call twice. */
  stop(): Promise<void>;
}

export function startHealthProber(opts: HealthProberOptions): HealthProber {
  const intervalMs = opts.intervalMs ?? 250;
  const timeoutMs = opts.timeoutMs ?? Math.min(1000, intervalMs * 0.8);
  if (!(intervalMs > 0) || !(timeoutMs > 0) || timeoutMs >= intervalMs) {
    throw new StresslabError('BAD_USAGE', `The health probe timeout (${timeoutMs} ms) must be positive and shorter than its interval (${intervalMs} ms).`, {
      hint: 'Lengthen the probe interval (recovery.probeInterval) or shorten the probe timeout.',
    });
  }
  const url = new URL(opts.url);
  const client = new Client(url.origin, { pipelining: 1, connect: { timeout: timeoutMs } });
  const path = `${url.pathname}${url.search}`;
  const startMs = opts.clock.nowMs();
  let slot = 0;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;

  const sample = (atMs: number, ok: boolean, status: number | null): ProbeSample => {
    const now = opts.clock.nowMs();
    const p: ProbeSample = { type: 'probe', atMs, ok, status, latencyMs: now - atMs };
    // A timeout that the harness's own stall ate into says nothing about the target (analysis/probe-recovery.ts).
    const stalled = opts.stalledMs?.(atMs, now) ?? 0;
    if (stalled > 0) p.stalledMs = Math.round(stalled);
    return p;
  };
  const probeOnce = async (): Promise<void> => {
    const atMs = opts.clock.nowMs();
    let status: number | null = null;
    try {
      const res = await client.request({ path, method: 'GET', reset: true, signal: AbortSignal.timeout(timeoutMs) });
      status = res.statusCode;
      await res.body.dump();
      opts.onProbe(sample(atMs, status >= 200 && status < 300, status));
    } catch {
      opts.onProbe(sample(atMs, false, status));
    }
  };

  const tick = (): void => {
    timer = null;
    if (stopped) return;
    inFlight = probeOnce();
    const now = opts.clock.nowMs();
    slot = Math.max(slot + 1, Math.floor((now - startMs) / intervalMs) + 1);
    timer = setTimeout(tick, Math.max(0, startMs + slot * intervalMs - now));
  };
  tick();

  let stopping: Promise<void> | null = null;
  return {
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        if (timer !== null) clearTimeout(timer);
        await inFlight;
        await client.close().catch(() => undefined);
      })()),
  };
}
