import { describe, expect, it } from 'vitest';
import { WorkFactor } from '../../../reference-service/work-factor.ts';

function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* busy */
  }
}

function elapsed(f: () => void): number {
  const started = performance.now();
  f();
  return performance.now() - started;
}

describe('WorkFactor', () => {
  it('costs nothing extra at factor 1', () => {
    const wf = new WorkFactor(1);
    expect(wf.run(() => 42)).toBe(42);
    // Any spinning at all would take seconds here; a no-op stays far below even on a loaded machine.
    expect(elapsed(() => wf.payForRequest(10_000))).toBeLessThan(1_000);
    expect(elapsed(() => wf.run(() => burn(1)))).toBeLessThan(1_000);
  });

  it('adds (factor − 1) times the measured work', () => {
    const wf = new WorkFactor(1.5);
    try {
      const ms = elapsed(() => wf.run(() => burn(20)));
      expect(ms).toBeGreaterThanOrEqual(30);
      // Upper bounds only catch gross over-spinning: a busy machine may preempt us at any point.
      expect(ms).toBeLessThan(500);
      const paid = elapsed(() => wf.payForRequest(10));
      expect(paid).toBeGreaterThanOrEqual(5);
      expect(paid).toBeLessThan(500);
    } finally {
      wf.stop();
    }
  });

  it('learns the unmeasured per-request CPU cost from the process CPU time', async () => {
    const wf = new WorkFactor(1.1);
    try {
      const initial = wf.overheadEstimateMs;
      const deadline = performance.now() + 1_300;
      // Requests whose real cost (3 ms of CPU) is invisible to the meter.
      while (performance.now() < deadline) {
        burn(3);
        wf.payForRequest(0);
        // Like a server between requests: let the calibration timer run.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(wf.overheadEstimateMs).toBeGreaterThan(initial + 0.3);
      expect(wf.overheadEstimateMs).toBeLessThan(10);
    } finally {
      wf.stop();
    }
  });
});
