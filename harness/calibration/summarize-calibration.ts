import { mean, median } from '../analysis/stats/order-stats.ts';
import type { CalibrationSample } from './calibration-probe.ts';

export interface CalibrationSummary {
  /** Mean CPU microseconds of the probe's work unit while the load ran. */
  unitCpuUs: number;
  samples: number;
}

/** Fewer samples than this (≈ 3 s of probing) say nothing about the run. */
export const MIN_CALIBRATION_SAMPLES = 30;

/** A sample this many times the median is not the machine's speed but a one-off (a page-fault storm). */
const ONE_OFF_FACTOR = 4;

/**
 * The machine's speed during a run: the mean unit cost over [fromMs, toMs).
 *
 * The mean, not the median. On a shared VM each vCPU flips between two speeds many times a second
 * (measured on the 2-core CI machine: a unit costs ~710 µs or ~1,100 µs, seldom between; the host's
 * other tenant on the same physical core, which steal time does not show). A run's slowness is the
 * share of time spent in the slow state, and the mean is linear in that share. The median only says
 * which state held more than half the time: it jumps from one mode to the other as the share crosses
 * 50 %, and a correction built on it mistook 40 % slow for fast.
 */
export function summarizeCalibration(samples: readonly CalibrationSample[], fromMs: number, toMs: number): CalibrationSummary | null {
  const inWindow = samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs).map((s) => s.unitCpuUs);
  if (inWindow.length < MIN_CALIBRATION_SAMPLES) return null;
  const typical = median(inWindow);
  const kept = inWindow.filter((v) => v <= ONE_OFF_FACTOR * typical);
  return { unitCpuUs: mean(kept), samples: kept.length };
}
