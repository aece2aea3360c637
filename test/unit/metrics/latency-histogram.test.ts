import { describe, expect, it } from 'vitest';
import { HIGHEST_US, LatencyHistogram, mergeEncoded } from '../../../harness/metrics/latency-histogram.ts';

function filled(valuesUs: readonly number[]): LatencyHistogram {
  const h = LatencyHistogram.empty();
  for (const v of valuesUs) h.recordUs(v);
  return h;
}

describe('LatencyHistogram', () => {
  it('reads percentiles in ms with 3 significant digits', () => {
    // 1..1000 ms in 1 ms steps
    const h = filled(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000));
    expect(h.count).toBe(1000);
    expect(h.percentileMs(50)).toBeCloseTo(500, -1);
    expect(Math.abs(h.percentileMs(99) - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(h.maxMs - 1000) / 1000).toBeLessThan(0.001);
    expect(h.minMs).toBe(1);
    expect(h.meanMs).toBeCloseTo(500.5, 0);
  });

  it('round-trips through compressed base64', () => {
    const h = filled([150, 2_500, 2_500, 80_000, 1_234_567]);
    const d = LatencyHistogram.decode(h.encode());
    expect(d.count).toBe(5);
    for (const p of [10, 50, 90, 100]) expect(d.percentileMs(p)).toBe(h.percentileMs(p));
  });

  it('merges and subtracts (all − failed = successful)', () => {
    const ok = filled([1_000, 1_000, 2_000]);
    const failed = filled([500_000]);
    const all = mergeEncoded([ok.encode(), failed.encode()]);
    expect(all.count).toBe(4);
    expect(all.maxMs).toBeCloseTo(500, 0);
    all.subtract(failed);
    expect(all.count).toBe(3);
    expect(all.maxMs).toBeCloseTo(2, 2);
  });

  it('clamps values outside 1 µs … 60 s instead of throwing', () => {
    const h = filled([0, -5, HIGHEST_US * 10]);
    expect(h.count).toBe(3);
    expect(h.minMs).toBe(0.001);
    expect(Math.abs(h.maxMs - 60_000) / 60_000).toBeLessThan(0.001);
  });

  it('reports zeros when empty', () => {
    const h = LatencyHistogram.empty();
    expect([h.percentileMs(99), h.maxMs, h.minMs, h.meanMs]).toEqual([0, 0, 0, 0]);
    expect(LatencyHistogram.decode(h.encode()).count).toBe(0);
  });
});
