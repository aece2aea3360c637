import { describe, expect, it } from 'vitest';
import { theilSen } from '../../../../harness/analysis/stats/theil-sen.ts';
import { mannKendall } from '../../../../harness/analysis/stats/mann-kendall.ts';
import { normalQuantile } from '../../../../harness/analysis/stats/normal-quantile.ts';

// Reference values from scipy 1.17 (scipy.stats.theilslopes, norm.ppf).
describe('theilSen', () => {
  it('matches scipy.stats.theilslopes on data with an outlier', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const y = [10, 12, 11, 15, 14, 18, 17, 40, 19, 22, 21, 25];
    const fit = theilSen(x, y);
    expect(fit?.slope).toBeCloseTo(1.275, 12);
    expect(fit?.intercept).toBeCloseTo(10.4875, 12);
    expect(fit?.ciLow).toBeCloseTo(1.0, 12);
    expect(fit?.ciHigh).toBeCloseTo(1.6, 12);
  });

  it('matches scipy with ties in x and y and a 90 % interval', () => {
    const fit = theilSen([1, 1, 2, 3, 3, 4, 5, 6], [3, 3, 5, 4, 8, 8, 9, 12], 0.9);
    expect(fit?.slope).toBeCloseTo(1.7083333333333335, 12);
    expect(fit?.intercept).toBeCloseTo(1.375, 12);
    expect(fit?.ciLow).toBeCloseTo(1.3333333333333333, 12);
    expect(fit?.ciHigh).toBeCloseTo(2.5, 12);
  });

  it('returns null when every x is the same', () => {
    expect(theilSen([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('normalQuantile and mannKendall', () => {
  it('agrees with scipy norm.ppf', () => {
    expect(normalQuantile(0.025)).toBeCloseTo(-1.9599639845400545, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 8);
  });

  it('finds the increasing trend', () => {
    const mk = mannKendall([10, 12, 11, 15, 14, 18, 17, 40, 19, 22, 21, 25]);
    expect(mk.s).toBe(50);
    expect(mk.z).toBeCloseTo(3.360054858486334, 8);
    expect(mk.pTwoSided).toBeCloseTo(0.0007792699724176178, 6);
    expect(mk.trend).toBe('increasing');
    expect(mannKendall([5, 3, 6, 4, 5, 3, 6, 4]).trend).toBe('none');
  });
});
