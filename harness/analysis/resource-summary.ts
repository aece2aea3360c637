import type { ResourceUsage } from '../contract/run-result.ts';
import { analyzeLeak } from './leak-verdict.ts';
import type { LeakOptions } from './leak-verdict.ts';
import { max, mean, quantile } from './stats/order-stats.ts';

/**
 * Resource usage of one process (or the host) for the result contract: CPU mean/p95/max, RSS
 * mean/max, the Theil–Sen RSS slope and the leak verdict (leak-verdict.ts). For the host,
 * pass used memory as `rssBytes`.
 */

export interface UsageSample {
  atMs: number;
  cpuPercent: number;
  rssBytes: number;
}

export interface PhaseWindow {
  name: string;
  startMs: number;
  endMs: number;
}

/** Null without samples: "not measured" is not "0 % CPU". */
export function summarizeResource(samples: readonly UsageSample[], leakOptions: LeakOptions = {}): ResourceUsage | null {
  if (samples.length === 0) return null;
  const cpu = samples.map((s) => s.cpuPercent);
  const rss = samples.map((s) => s.rssBytes);
  const leak = analyzeLeak(samples, leakOptions);
  return {
    cpuPercent: { mean: mean(cpu), p95: quantile(cpu, 0.95), max: max(cpu) },
    cpuSeconds: cpuSeconds(samples),
    rssBytes: { mean: mean(rss), max: max(rss), slopeBytesPerHour: leak.slopeBytesPerHour },
    leak: leak.verdict,
  };
}

/**
 * The CPU samples integrated over time. Each sample is the CPU share since the previous one, so it
 * weighs the gap before it; the first (whose gap is unknown) and any gap longer than twice the usual
 * one (a process restarted by a fault: the new pid's first reading covers one interval, not the gap)
 * count as one usual interval.
 */
export function cpuSeconds(samples: readonly UsageSample[]): number {
  const gaps = samples.slice(1).map((s, i) => s.atMs - (samples[i]?.atMs ?? s.atMs));
  const usual = gaps.length > 0 ? quantile(gaps, 0.5) : 1_000;
  let ms = 0;
  samples.forEach((s, i) => {
    const gap = gaps[i - 1];
    const weight = gap === undefined || gap > 2 * usual ? usual : gap;
    ms += (s.cpuPercent / 100) * weight;
  });
  return ms / 1000;
}

/** A process's CPU milliseconds per request over the run; null without its CPU time or without requests. */
export function cpuMsPerRequest(usage: ResourceUsage | null, requests: number): number | null {
  if (usage?.cpuSeconds === undefined || requests <= 0) return null;
  return (usage.cpuSeconds * 1000) / requests;
}

/** One summary per phase, from the samples whose time lies in [startMs, endMs). */
export function summarizeResourceByPhase(
  samples: readonly UsageSample[],
  phases: readonly PhaseWindow[],
  leakOptions: LeakOptions = {},
): { name: string; usage: ResourceUsage | null }[] {
  return phases.map((p) => ({
    name: p.name,
    usage: summarizeResource(samples.filter((s) => s.atMs >= p.startMs && s.atMs < p.endMs), leakOptions),
  }));
}

export interface SaturationOptions {
  /** CPU percent (of one core) above which the harness counts as saturated. Default 90. */
  cpuPercent?: number;
  /** Largest tolerated fraction of saturated samples. Default 0.05. */
  maxFraction?: number;
}

/**
 * The harness's own saturation warning (docs/leak-verdicts.md): above 90 % CPU for more than 5 % of
 * the run, its latencies measure its own queueing, not the target. Null when there is nothing to
 * warn about.
 */
export function harnessSaturationWarning(samples: readonly UsageSample[], options: SaturationOptions = {}): string | null {
  if (samples.length === 0) return null;
  const limit = options.cpuPercent ?? 90;
  const fraction = samples.filter((s) => s.cpuPercent > limit).length / samples.length;
  if (fraction <= (options.maxFraction ?? 0.05)) return null;
  return `the harness used more than ${limit} % CPU during ${(fraction * 100).toFixed(0)} % of the run: its latency figures include its own queueing and are not trustworthy (lower the load or use a bigger machine)`;
}
