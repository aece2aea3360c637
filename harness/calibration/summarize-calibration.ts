import { median } from '../analysis/order-stats.ts';
import type { CalibrationSample } from './calibration-probe.ts';

export interface CalibrationSummary {
  /** Median CPU microseconds of the probe's work unit while the load ran. */
  unitCpuUs: number;
  samples: number;
}

/** Fewer samples than this (≈ 3 s of probing) say nothing about the run. */
export const MIN_CALIBRATION_SAMPLES = 30;

/**
 * The machine's speed during a run: the median unit cost over [fromMs, toMs) (the load after its
 * warm-up). The median, because single samples jump when the probe shares a core for a moment.
 */
export function summarizeCalibration(samples: readonly CalibrationSample[], fromMs: number, toMs: number): CalibrationSummary | null {
  const inWindow = samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs).map((s) => s.unitCpuUs);
  if (inWindow.length < MIN_CALIBRATION_SAMPLES) return null;
  return { unitCpuUs: median(inWindow), samples: inWindow.length };
}
