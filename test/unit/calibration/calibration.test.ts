import { describe, expect, it } from 'vitest';
import { startCalibrationProbe } from '../../../harness/calibration/calibration-probe.ts';
import { MIN_CALIBRATION_SAMPLES, summarizeCalibration } from '../../../harness/calibration/summarize-calibration.ts';

describe('summarizeCalibration', () => {
  const samples = Array.from({ length: 100 }, (_, i) => ({ atMs: i * 100, unitCpuUs: i < 50 ? 1000 : 3000 }));

  it('takes the median unit cost inside the window', () => {
    expect(summarizeCalibration(samples, 0, 10_000)).toEqual({ unitCpuUs: 2000, samples: 100 });
    expect(summarizeCalibration(samples, 5_000, 10_000)).toEqual({ unitCpuUs: 3000, samples: 50 });
  });

  it('says nothing with too few samples', () => {
    expect(summarizeCalibration(samples, 0, (MIN_CALIBRATION_SAMPLES - 1) * 100)).toBeNull();
    expect(summarizeCalibration([], 0, 10_000)).toBeNull();
  });
});

describe('startCalibrationProbe (a real child process)', () => {
  it('reports unit costs about ten times a second and dies when stopped', async () => {
    let now = 0;
    const probe = startCalibrationProbe(() => now++);
    await probe.ready;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await probe.stop();
    expect(probe.samples.length).toBeGreaterThanOrEqual(5);
    expect(probe.samples.length).toBeLessThanOrEqual(20);
    for (const s of probe.samples) expect(s.unitCpuUs).toBeGreaterThan(0);
    const count = probe.samples.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(probe.samples.length).toBe(count);
  }, 20_000);
});
