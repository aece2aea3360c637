import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
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

describe('LatencyHistogram: its own add and encode agree with hdr-histogram-js', () => {
  const reference = (values: readonly number[]) => {
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 32, autoResize: false, useWebAssembly: false });
    for (const v of values) h.recordValue(v);
    return h;
  };
  const ours = (values: readonly number[]) => {
    const h = LatencyHistogram.empty();
    for (const v of values) h.recordUs(v);
    return h;
  };
  // Latencies as they come: mostly around a mode, a tail, the range's ends, repeats.
  const valuesArb = fc.array(fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 60_000_000 }), fc.constantFrom(1, 2047, 2048, 60_000_000)), { maxLength: 400 });

  it('encode writes the library’s compressed V2 bytes exactly, so any HdrHistogram reader decodes it', () => {
    fc.assert(
      fc.property(valuesArb, (values) => {
        expect(ours(values).encode()).toBe(hdr.encodeIntoCompressedBase64(reference(values)));
      }),
      { numRuns: 200 },
    );
  });

  it('add gives what the library’s add gives (counts, percentiles, min, max), also into a non-empty histogram', () => {
    fc.assert(
      fc.property(valuesArb, valuesArb, (xs, ys) => {
        const mine = ours(xs);
        mine.add(ours(ys));
        const theirs = reference(xs);
        theirs.add(reference(ys));
        expect(mine.count).toBe(theirs.totalCount);
        expect(mine.encode()).toBe(hdr.encodeIntoCompressedBase64(theirs));
        if (theirs.totalCount > 0) {
          expect(mine.minMs).toBe(theirs.minNonZeroValue / 1000);
          expect(mine.maxMs).toBe(theirs.maxValue / 1000);
          for (const p of [50, 99, 99.9]) expect(mine.percentileMs(p)).toBe(theirs.getValueAtPercentile(p) / 1000);
        }
      }),
      { numRuns: 200 },
    );
  });
});
