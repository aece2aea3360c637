import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../../reference-service/workers/retry-delay.ts';

describe('retryDelayMs', () => {
  it('doubles the window per attempt with jitter in [ceiling/2, ceiling]', () => {
    expect(retryDelayMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(retryDelayMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(retryDelayMs(3, 100, 10_000, () => 0)).toBe(200);
    expect(retryDelayMs(3, 100, 10_000, () => 1)).toBe(400);
  });

  it('never lets a later gap be shorter than an earlier one below the cap, whatever the jitter', () => {
    for (let attempt = 1; attempt < 8; attempt++) {
      expect(retryDelayMs(attempt + 1, 100, 1e9, () => 0)).toBeGreaterThanOrEqual(retryDelayMs(attempt, 100, 1e9, () => 1));
    }
  });

  it('stops growing at the cap', () => {
    expect(retryDelayMs(30, 100, 5_000, () => 1)).toBe(5_000);
    expect(retryDelayMs(30, 100, 5_000, () => 0)).toBe(2_500);
  });
});
