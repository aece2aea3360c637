import { describe, expect, it } from 'vitest';
import { rampingVuSteps } from '../../../harness/load/closed-steps.ts';

describe('rampingVuSteps', () => {
  it('cuts a linear ramp into 1-second steps at the midpoint count and merges plateaus', () => {
    const steps = rampingVuSteps(0, [
      { target: 10, durationMs: 5000 },
      { target: 10, durationMs: 3000 },
    ]);
    expect(steps.map((s) => s.vus)).toEqual([1, 3, 5, 7, 9, 10]);
    expect(steps.map((s) => s.startMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(steps.at(-1)?.durationMs).toBe(3000);
    expect(steps.reduce((a, s) => a + s.durationMs, 0)).toBe(8000);
  });

  it('jumps at once on a zero-length stage and handles partial seconds', () => {
    const steps = rampingVuSteps(2, [
      { target: 8, durationMs: 0 },
      { target: 8, durationMs: 1500 },
      { target: 0, durationMs: 500 },
    ]);
    expect(steps).toEqual([
      { startMs: 0, durationMs: 1500, vus: 8 },
      { startMs: 1500, durationMs: 500, vus: 4 },
    ]);
  });
});
