import { theilSen } from './stats/theil-sen.ts';
import { mannKendall } from './stats/mann-kendall.ts';
import type { MannKendall } from './stats/mann-kendall.ts';

/**
 * The leak rule on RSS samples (docs/leak-verdicts.md, section The leak rule):
 * 1. drop the warm-up (default: 15 % of the run, at least 10 min for runs of 60 min or more);
 * 2. lower envelope: the minimum of each window (default 1 min), i.e. the sawtooth troughs left
 *    after garbage collection;
 * 3. Theil–Sen slope β (bytes/h) of the minima with a 95 % CI [β_lo, β_hi];
 * 4. m₁…m₄ = minimum RSS of 4 equal segments of the analysed span;
 * 5. LEAK if β_lo > 0 and β_lo·24 h ≥ max(10 % of m₁, 64 MiB) and m₁ < m₂ < m₃ < m₄;
 *    SUSPECT if β̂·24 h crosses that bound but another condition fails; NONE otherwise
 *    (bounded growth such as a cache filling up is "none": it is not a leak).
 * Too little data for a slope (fewer than `minWindows` windows, default 5, i.e. 5 minutes after
 * the warm-up with 1-minute windows) → `n/a`.
 */

export interface RssSample {
  atMs: number;
  rssBytes: number;
}

export type LeakVerdictKind = 'none' | 'suspect' | 'leak' | 'n/a';

export interface LeakOptions {
  /** Warm-up excluded from the start of the samples (ms). Default: see above. */
  warmupMs?: number;
  /** Width of the windows whose minima form the lower envelope. Default 60 000 ms. */
  windowMs?: number;
  /** Fewest windows for a verdict. Default 5. */
  minWindows?: number;
  /** Absolute floor of the 24 h growth bound. Default 64 MiB. */
  minGrowthBytes?: number;
  /** Relative part of the bound, as a fraction of m₁. Default 0.10. */
  relativeGrowth?: number;
}

export interface LeakAnalysis {
  verdict: LeakVerdictKind;
  /** A sentence for reports. */
  reason: string;
  slopeBytesPerHour: number | null;
  ciLowBytesPerHour: number | null;
  ciHighBytesPerHour: number | null;
  /** The 24 h growth that counts as a leak: max(relativeGrowth · m₁, minGrowthBytes). */
  boundBytesPer24h: number | null;
  segmentMinimaBytes: number[];
  windows: number;
  mannKendall: MannKendall | null;
}

const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;

export function defaultLeakWarmupMs(durationMs: number): number {
  return durationMs >= HOUR_MS ? Math.max(10 * 60_000, 0.15 * durationMs) : 0.15 * durationMs;
}

export function analyzeLeak(samples: readonly RssSample[], options: LeakOptions = {}): LeakAnalysis {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0]?.atMs ?? 0;
  const duration = (sorted[sorted.length - 1]?.atMs ?? 0) - first;
  const warmupMs = options.warmupMs ?? defaultLeakWarmupMs(duration);
  const steady = sorted.filter((s) => s.atMs >= first + warmupMs);
  const minima = windowMinima(steady, options.windowMs ?? 60_000);
  const minWindows = options.minWindows ?? 5;
  const empty = { slopeBytesPerHour: null, ciLowBytesPerHour: null, ciHighBytesPerHour: null, boundBytesPer24h: null, segmentMinimaBytes: [], windows: minima.length, mannKendall: null };
  const fit = minima.length >= minWindows ? theilSen(minima.map((m) => m.atMs / HOUR_MS), minima.map((m) => m.rssBytes)) : null;
  if (fit === null) {
    return { ...empty, verdict: 'n/a', reason: `${minima.length} RSS windows after the warm-up, at least ${minWindows} are needed for a leak verdict` };
  }
  const segments = segmentMinima(steady, 4);
  const m1 = segments[0] ?? 0;
  const bound = Math.max((options.relativeGrowth ?? 0.1) * m1, options.minGrowthBytes ?? 64 * MIB);
  const rising = segments.length === 4 && segments.every((m, i) => i === 0 || m > (segments[i - 1] ?? Infinity));
  const result = {
    slopeBytesPerHour: fit.slope,
    ciLowBytesPerHour: fit.ciLow,
    ciHighBytesPerHour: fit.ciHigh,
    boundBytesPer24h: bound,
    segmentMinimaBytes: segments,
    windows: minima.length,
    mannKendall: mannKendall(minima.map((m) => m.rssBytes)),
  };
  const perDay = (perHour: number): string => `${(perHour * 24 / MIB).toFixed(1)} MiB/24 h`;
  if (fit.ciLow > 0 && fit.ciLow * 24 >= bound && rising) {
    return { ...result, verdict: 'leak', reason: `RSS troughs rise by at least ${perDay(fit.ciLow)} (95 % CI low), above the ${perDay(bound / 24)} bound, in every quarter` };
  }
  if (fit.slope * 24 >= bound) {
    const why = !rising ? 'the quarter minima do not rise steadily (a one-off step?)' : 'the confidence interval includes slower growth';
    return { ...result, verdict: 'suspect', reason: `RSS troughs grow by ${perDay(fit.slope)}, above the ${perDay(bound / 24)} bound, but ${why}` };
  }
  return { ...result, verdict: 'none', reason: `RSS trough slope ${perDay(fit.slope)} is below the ${perDay(bound / 24)} bound` };
}

/** The minimum sample of each window (with its own time, so troughs keep their position). */
function windowMinima(samples: readonly RssSample[], windowMs: number): RssSample[] {
  const start = samples[0]?.atMs ?? 0;
  const byWindow = new Map<number, RssSample>();
  for (const s of samples) {
    const w = Math.floor((s.atMs - start) / windowMs);
    const cur = byWindow.get(w);
    if (cur === undefined || s.rssBytes < cur.rssBytes) byWindow.set(w, s);
  }
  return [...byWindow.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

function segmentMinima(samples: readonly RssSample[], count: number): number[] {
  const start = samples[0]?.atMs ?? 0;
  const span = (samples[samples.length - 1]?.atMs ?? start) - start;
  if (span <= 0) return [];
  const minima: number[] = Array.from({ length: count }, () => Infinity);
  for (const s of samples) {
    const i = Math.min(count - 1, Math.floor(((s.atMs - start) / span) * count));
    minima[i] = Math.min(minima[i] ?? Infinity, s.rssBytes);
  }
  return minima.every(Number.isFinite) ? minima : [];
}
