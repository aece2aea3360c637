import { describe, expect, it } from 'vitest';
import { eDivisive, type ChangePoint } from '../../../../harness/analysis/stats/e-divisive.ts';

// Reference p-values and means from scipy 1.17: stats.ttest_ind(log(left), log(right)) (Student,
// pooled variance, two-sided) and exp(mean(log(...))), the geometric means.

/** A 4 % step at index 20 under about 2 % of fixed, noise-like wiggle. */
const STEP_4_PCT = [
  101.613, 97.629, 100.602, 103.873, 99.203, 97.045, 101.207, 100.2, 98.216, 102.634, 99.601, 101.41, 96.464, 102.224, 100.401, 98.807, 103.045, 97.824, 100.803, 99.402,
  105.677, 104.208, 104.417, 101.534, 102.145, 102.759, 104.626, 106.739, 107.167, 108.028, 103.585, 101.737, 103.171, 105.466, 104.835, 100.926, 100.323, 103.378, 105.256, 106.313,
];

/** level + a fixed five-point wiggle, `n` times. */
function level(value: number, n: number, wiggle = [0, 0.1, -0.1, 0.05, -0.05]): number[] {
  return Array.from({ length: n }, (_, i) => value + (wiggle[i % wiggle.length] as number));
}

function expectFinite(points: readonly ChangePoint[]): void {
  for (const p of points) {
    for (const v of [p.index, p.pValue, p.meanBefore, p.meanAfter]) expect(Number.isFinite(v), JSON.stringify(p)).toBe(true);
    expect(p.relativeChange === null || Number.isFinite(p.relativeChange)).toBe(true);
    expect(p.pValue).toBeGreaterThanOrEqual(0);
    expect(p.pValue).toBeLessThanOrEqual(1);
  }
}

describe('eDivisive', () => {
  it('finds a 4 % step where it starts, with the t-test p and the geometric means scipy gives', () => {
    const [cp, ...rest] = eDivisive(STEP_4_PCT, { minMagnitude: 0.02 });
    expect(rest).toEqual([]);
    expect(cp?.index).toBe(20);
    expect(cp?.pValue).toBeCloseTo(5.20950556469325e-7, 15);
    expect((cp?.pValue ?? 0) / 5.20950556469325e-7).toBeCloseTo(1, 9);
    expect(cp?.meanBefore).toBeCloseTo(100.09003055538952, 9);
    expect(cp?.meanAfter).toBeCloseTo(104.09357555776576, 9);
    expect(cp?.relativeChange).toBeCloseTo(0.03999943830730168, 12);
  });

  it('keeps a significant step smaller than the minimum magnitude (default 5 %) out', () => {
    expect(eDivisive(STEP_4_PCT)).toEqual([]);
    expect(eDivisive(STEP_4_PCT, { minMagnitude: 0.0399 })).toHaveLength(1);
    expect(eDivisive(STEP_4_PCT, { minMagnitude: 0.0401 })).toEqual([]);
  });

  it('keeps a step that is not significant at maxPValue out', () => {
    // p = 5.2e-7: kept at 1e-6, dropped at 1e-7.
    expect(eDivisive(STEP_4_PCT, { minMagnitude: 0.02, maxPValue: 1e-6 })).toHaveLength(1);
    expect(eDivisive(STEP_4_PCT, { minMagnitude: 0.02, maxPValue: 1e-7 })).toEqual([]);
  });

  it('finds nothing in a series without a step', () => {
    expect(eDivisive(level(10, 40))).toEqual([]);
    expect(eDivisive(STEP_4_PCT.slice(0, 20), { minMagnitude: 0 })).toEqual([]);
    // The same wiggle as the step series, both halves at one level.
    expect(eDivisive([...STEP_4_PCT.slice(0, 20), ...STEP_4_PCT.slice(20).map((v) => v / 1.04)], { minMagnitude: 0 })).toEqual([]);
  });

  it('finds two steps, each with the segments on both sides of it', () => {
    const series = [...level(10, 20), ...level(12, 20), ...level(9, 20)];
    const points = eDivisive(series);
    expect(points.map((p) => p.index)).toEqual([20, 40]);
    const [up, down] = points as [ChangePoint, ChangePoint];
    expect(up.pValue / 3.2191516893936746e-45).toBeCloseTo(1, 6);
    expect(up.meanBefore).toBeCloseTo(9.999749992499565, 10);
    expect(up.meanAfter).toBeCloseTo(11.999791662326208, 10);
    expect(down.pValue / 1.1828429401706251e-51).toBeCloseTo(1, 6);
    expect(down.meanBefore).toBeCloseTo(11.999791662326208, 10);
    expect(down.meanAfter).toBeCloseTo(8.999722211933417, 10);
    expect(down.relativeChange).toBeCloseTo(8.999722211933417 / 11.999791662326208 - 1, 12);
  });

  it('needs minSegment points after a step at the very end: 5 are too few, 6 are enough', () => {
    const quiet = level(10, 40);
    // Not reported one run early either (a segment of one value before the step and five after).
    expect(eDivisive([...quiet, ...level(15, 5)])).toEqual([]);
    expect(eDivisive([...quiet, ...level(15, 6)]).map((p) => p.index)).toEqual([40]);
    expect(eDivisive([...quiet, ...level(15, 3)], { minSegment: 3 }).map((p) => p.index)).toEqual([40]);
    // One odd value at the end of a quiet series is not a change.
    expect(eDivisive([...quiet, 20])).toEqual([]);
  });

  it('finds a late step in a long series: the sliding windows do not let the early ones mask it', () => {
    const wiggle = [0, 0.15, -0.1, 0.05, -0.15, 0.1, -0.05];
    const series = [...level(10, 60, wiggle), ...level(20, 60, wiggle), ...level(21.5, 40, wiggle)];
    expect(eDivisive(series).map((p) => p.index)).toEqual([60, 120]);
  });

  it('treats a constant series as having no change, and two constant levels as a certain one', () => {
    expect(eDivisive(Array.from({ length: 50 }, () => 0.1))).toEqual([]);
    expect(eDivisive(Array.from({ length: 50 }, () => 0.1), { minMagnitude: 0, scale: 'linear' })).toEqual([]);
    const [cp, ...rest] = eDivisive([...Array.from({ length: 10 }, () => 5), ...Array.from({ length: 10 }, () => 6)]);
    expect(rest).toEqual([]);
    expect(cp).toEqual({ index: 10, pValue: 0, meanBefore: expect.closeTo(5, 12) as number, meanAfter: expect.closeTo(6, 12) as number, relativeChange: expect.closeTo(0.2, 12) as number });
  });

  it('on the linear scale: zeros, the absolute minimum, and no relative change from 0 (NaN-free)', () => {
    const errors = [...Array.from({ length: 20 }, () => 0), ...Array.from({ length: 20 }, (_, i) => 0.01 + 0.001 * ((i % 3) - 1))];
    const [cp, ...rest] = eDivisive(errors, { scale: 'linear', minMagnitude: 0, minAbsoluteChange: 0.001 });
    expect(rest).toEqual([]);
    expect(cp?.index).toBe(20);
    expect((cp?.pValue ?? 0) / 1.6614413048258528e-37).toBeCloseTo(1, 6);
    expect(cp?.meanBefore).toBe(0);
    expect(cp?.meanAfter).toBeCloseTo(0.00995, 12);
    expect(cp?.relativeChange).toBeNull();
    expect(eDivisive(errors, { scale: 'linear', minMagnitude: 0, minAbsoluteChange: 0.02 })).toEqual([]);
    expectFinite(eDivisive(errors, { scale: 'linear' }));
  });

  it('never returns NaN and is deterministic', () => {
    const series = [
      [],
      [1],
      level(3, 11),
      [...level(3, 12), ...level(300, 12)],
      [...STEP_4_PCT, ...STEP_4_PCT.map((v) => v * 1.3), ...STEP_4_PCT],
      Array.from({ length: 120 }, (_, i) => 5 + Math.sin(i / 3) + (i > 80 ? 3 : 0)),
    ];
    for (const s of series) {
      const a = eDivisive(s, { minMagnitude: 0 });
      expectFinite(a);
      expect(eDivisive(s, { minMagnitude: 0 })).toEqual(a);
      // Segments of at least minSegment on each side, in order.
      if (a.length === 0) continue;
      const bounds = [0, ...a.map((p) => p.index), s.length];
      for (let k = 1; k < bounds.length; k++) expect((bounds[k] as number) - (bounds[k - 1] as number)).toBeGreaterThanOrEqual(6);
    }
  });

  it('refuses values it cannot use and impossible options', () => {
    expect(() => eDivisive([1, 2, 0, 3])).toThrow(/log scale needs positive values/);
    expect(() => eDivisive([1, Number.NaN], { scale: 'linear' })).toThrow(/value 1 is NaN/);
    expect(() => eDivisive([1, 2], { minSegment: 1 })).toThrow(/minSegment/);
    expect(() => eDivisive([1, 2], { windowLength: 10 })).toThrow(/windowLength/);
    expect(() => eDivisive([1, 2], { maxPValue: 0 })).toThrow(/maxPValue/);
  });
});
