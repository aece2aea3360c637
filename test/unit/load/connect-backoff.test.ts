import { describe, expect, it } from 'vitest';
import { BACKOFF_FIRST_MS, BACKOFF_MAX_MS, ConnectBackoff } from '../../../harness/load/connect-backoff.ts';

describe('ConnectBackoff', () => {
  it('waits nothing while the target answers, then 10 ms doubling to 1 s, and resets on an answer', () => {
    const b = new ConnectBackoff();
    expect(b.delayMs).toBe(0);
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      b.failed();
      seen.push(b.delayMs);
    }
    expect(seen).toEqual([10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000, 1000, 1000]);
    expect(seen[0]).toBe(BACKOFF_FIRST_MS);
    expect(Math.max(...seen)).toBe(BACKOFF_MAX_MS);
    b.answered();
    expect(b.delayMs).toBe(0);
    b.failed();
    expect(b.delayMs).toBe(BACKOFF_FIRST_MS);
  });

  it('stays capped however long the target is gone', () => {
    const b = new ConnectBackoff();
    for (let i = 0; i < 100_000; i++) b.failed();
    expect(b.delayMs).toBe(BACKOFF_MAX_MS);
  });
});
