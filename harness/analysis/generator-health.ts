import type { GeneratorSecond } from '../contract/generator-second.ts';
import { sliceBinMidMs } from '../contract/traffic-slices.ts';
import { addSparseBins } from '../metrics/merge-seconds.ts';

/** A second in which the generator's send lag p99 exceeded this did not keep its schedule. */
export const SEND_LAG_P99_LIMIT_MS = 5;
/** A second in which a load thread's event loop was busier than this had no room left. */
export const BUSY_LIMIT_PCT = 90;
/** The run is saturated when more than this share of its load seconds were. */
export const SATURATED_SHARE_LIMIT = 0.05;
/**
 * Fewest arrivals a send-lag p99 is judged on: the p99 of 20 values is their maximum, so one timer
 * hiccup would decide. Seconds with fewer arrivals are judged together with the seconds after them.
 */
export const MIN_LAG_SAMPLES = 100;

/** The generator's health over a run (result.json `generator`). */
export interface GeneratorSummary {
  /** More than 5 % of the seconds with load saturated: the latency figures measure the generator too. */
  saturated: boolean;
  /** Seconds (index since the run's start) with send lag p99 > 5 ms or a load thread > 90 % busy. */
  saturatedSeconds: number[];
  /** Seconds the generator reported on. */
  seconds: number;
  /** Send lag over all open-model arrivals, ms (null without any). */
  sendLagP50Ms: number | null;
  sendLagP99Ms: number | null;
  /** The worst send lag p99 of a second (or of a window of quiet seconds, see MIN_LAG_SAMPLES), ms. */
  worstSendLagP99Ms: number | null;
  /** The largest per-second event-loop delay p99 of any load thread, ms. */
  maxLoopDelayP99Ms: number;
  /** The busiest second of the busiest load thread, percent. */
  maxBusyPct: number;
  /** The harness process's CPU in its busiest second, percent of one core. */
  maxCpuPct: number;
  /** Most sockets open to the target at once (the sum over load threads). */
  maxSockets: number;
}

/** The quantile of sparse log bins (`[bin, count, …]`), as the middle of the bin it falls in, ms. */
export function binQuantileMs(bins: readonly number[], q: number): number | null {
  let total = 0;
  for (let i = 1; i < bins.length; i += 2) total += bins[i] ?? 0;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < bins.length; i += 2) {
    seen += bins[i + 1] ?? 0;
    if (seen >= rank) return sliceBinMidMs(bins[i] ?? 0);
  }
  return sliceBinMidMs(bins[bins.length - 2] ?? 0);
}

/** Why one second is saturated by its load thread's busy time, or null when it is not. */
export function busySaturation(g: GeneratorSecond): string | null {
  const busy = Math.max(0, ...g.threads.map((t) => t.busyPct));
  return busy > BUSY_LIMIT_PCT ? `load thread ${busy.toFixed(0)} % busy` : null;
}

function lagCount(bins: readonly number[] | undefined): number {
  let n = 0;
  for (let i = 1; i < (bins?.length ?? 0); i += 2) n += bins?.[i] ?? 0;
  return n;
}

/**
 * The seconds whose send lag p99 exceeds the limit: each second with at least MIN_LAG_SAMPLES
 * arrivals on its own, quieter seconds pooled with the ones after them until the window has that
 * many (a last window with fewer is judged as it is). Every second of a lagging window counts.
 */
export function lagSaturatedSeconds(seconds: ReadonlyArray<{ t: number; generator: GeneratorSecond }>): { seconds: number[]; worstP99Ms: number | null } {
  const out: number[] = [];
  let worst: number | null = null;
  let window: (readonly number[])[] = [];
  let ts: number[] = [];
  let n = 0;
  const judge = (): void => {
    const p99 = binQuantileMs(addSparseBins(window), 0.99);
    if (p99 !== null) {
      if (worst === null || p99 > worst) worst = p99;
      if (p99 > SEND_LAG_P99_LIMIT_MS) out.push(...ts);
    }
    window = [];
    ts = [];
    n = 0;
  };
  for (const { t, generator: g } of seconds) {
    if (g.sendLag === undefined) continue;
    window.push(g.sendLag);
    ts.push(t);
    n += lagCount(g.sendLag);
    if (n >= MIN_LAG_SAMPLES) judge();
  }
  if (n > 0) judge();
  return { seconds: out, worstP99Ms: worst };
}

/**
 * The generator's health from the `generator` field of the seconds that carried load (in a phase),
 * or null when none has one (a timeline written before it existed, a k6 import). Pure.
 */
export function generatorHealth(seconds: ReadonlyArray<{ t: number; phase: string | null; generator?: GeneratorSecond }>): GeneratorSummary | null {
  const withLoad = seconds.filter((s): s is { t: number; phase: string; generator: GeneratorSecond } => s.phase !== null && s.generator !== undefined);
  if (withLoad.length === 0) return null;
  const lag: (readonly number[])[] = [];
  const lagging = lagSaturatedSeconds(withLoad);
  const saturated = new Set(lagging.seconds);
  let maxLoopDelayP99Ms = 0;
  let maxBusyPct = 0;
  let maxCpuPct = 0;
  let maxSockets = 0;
  for (const { t, generator: g } of withLoad) {
    if (g.sendLag !== undefined) lag.push(g.sendLag);
    if (busySaturation(g) !== null) saturated.add(t);
    for (const th of g.threads) {
      maxLoopDelayP99Ms = Math.max(maxLoopDelayP99Ms, th.loopDelayP99Ms);
      maxBusyPct = Math.max(maxBusyPct, th.busyPct);
    }
    maxCpuPct = Math.max(maxCpuPct, g.cpuPct);
    maxSockets = Math.max(maxSockets, g.threads.reduce((n, th) => n + th.sockets, 0));
  }
  const all = addSparseBins(lag);
  const saturatedSeconds = [...saturated].sort((a, b) => a - b);
  return {
    saturated: saturatedSeconds.length > SATURATED_SHARE_LIMIT * withLoad.length,
    saturatedSeconds,
    seconds: withLoad.length,
    sendLagP50Ms: binQuantileMs(all, 0.5),
    sendLagP99Ms: binQuantileMs(all, 0.99),
    worstSendLagP99Ms: lagging.worstP99Ms,
    maxLoopDelayP99Ms,
    maxBusyPct,
    maxCpuPct,
    maxSockets,
  };
}

/** Seconds as ranges for a sentence: [3, 4, 5, 9] → "3–5, 9". */
export function secondRanges(ts: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ts.length; ) {
    let j = i;
    while (j + 1 < ts.length && ts[j + 1] === (ts[j] ?? 0) + 1) j++;
    out.push(i === j ? `${ts[i]}` : `${ts[i]}–${ts[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** The warning of a saturated run: which seconds, how badly, and what it means for the figures. */
export function saturationWarning(g: GeneratorSummary): string | null {
  if (!g.saturated) return null;
  const lag = g.worstSendLagP99Ms === null ? '' : `send lag p99 up to ${g.worstSendLagP99Ms.toFixed(1)} ms, `;
  return (
    `the load generator saturated in ${g.saturatedSeconds.length} of ${g.seconds} s (seconds ${secondRanges(g.saturatedSeconds)}; ${lag}busiest load thread ${g.maxBusyPct.toFixed(0)} %): ` +
    'its latency figures may measure the generator, not the target, so the gate does not judge latency (no-data); lower the rate or give the generator more CPU'
  );
}

/** Latency metrics: what a saturated generator inflates by its own delay. */
const LATENCY_BASES = new Set(['p50Ms', 'p95Ms', 'p99Ms']);

/**
 * A saturated generator's latency verdicts are `no-data`: the gate cannot tell its delay from the
 * target's, so a slow generator never passes (or fails) for a slow system. Other metrics stand.
 */
export function withUntrustedLatency<R extends { metric: string; verdict: string }>(regressions: readonly R[], generator: GeneratorSummary | null): R[] {
  if (generator === null || !generator.saturated) return [...regressions];
  return regressions.map((r) => {
    const brace = r.metric.indexOf('{');
    const base = brace < 0 ? r.metric : r.metric.slice(0, brace);
    // The comparison's own note explained a verdict that no longer stands.
    const note = typeof (r as { note?: unknown }).note === 'string' ? { note: 'latency not judged: the load generator saturated, so this run\'s latency holds its own delay' } : {};
    return LATENCY_BASES.has(base) ? { ...r, verdict: 'no-data', ...note } : r;
  });
}
