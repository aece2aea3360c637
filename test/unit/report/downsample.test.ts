import { describe, expect, it } from 'vitest';
import { bucketReduce, bucketSecFor, maxOf, meanOf, mergeIntervals } from '../../../harness/report/downsample.ts';
import { buildRunCharts } from '../../../harness/report/run-report-charts.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';
import { syntheticRun } from '../../fixtures/report/synthetic-run.ts';

describe('downsampling', () => {
  it('picks a bucket width that keeps a 24 h run under the point budget', () => {
    expect(bucketSecFor(180, 2000)).toBe(1);
    expect(bucketSecFor(86_400, 2000)).toBe(44);
    expect(Math.ceil(86_400 / bucketSecFor(86_400, 2000))).toBeLessThanOrEqual(2000);
    expect(() => bucketSecFor(10, 0)).toThrow(RangeError);
  });

  it('groups by time bucket in order, whatever the input order', () => {
    const groups = bucketReduce([7, 1, 12, 3, 10], (t) => t, 5, (g, start) => ({ start, items: [...g].sort((a, b) => a - b) }));
    expect(groups).toEqual([{ start: 0, items: [1, 3] }, { start: 5, items: [7] }, { start: 10, items: [10, 12] }]);
  });

  it('max and mean skip missing values', () => {
    expect(maxOf([null, 3, undefined, 9, 2])).toBe(9);
    expect(maxOf([null, null])).toBeNull();
    expect(meanOf([2, null, 4])).toBe(3);
    expect(meanOf([])).toBeNull();
  });

  it('merges intervals that overlap or lie within the gap', () => {
    const merged = mergeIntervals([{ fromSec: 10, toSec: 12 }, { fromSec: 0, toSec: 2 }, { fromSec: 3, toSec: 5 }, { fromSec: 11, toSec: 20 }], 1);
    expect(merged).toEqual([{ fromSec: 0, toSec: 5 }, { fromSec: 10, toSec: 20 }]);
  });

  it('keeps a one-second latency spike and the mean throughput of a 24 h run', () => {
    const run = syntheticRun(86_400, []);
    const spikeAt = 50_000;
    const spiked = run.series.map((p) => (p.t === spikeAt ? { ...p, successP99Ms: 99_999, errors: 777 } : p));
    const charts = buildRunCharts({ result: loadFixtureResult(), ...run, series: spiked });
    const latency = charts.find((c) => c.id === 'latency');
    const throughput = charts.find((c) => c.id === 'throughput');
    if (!latency || !throughput) throw new Error('charts missing');
    expect(latency.x.length).toBeLessThanOrEqual(2000);
    expect(maxOf(latency.series.find((s) => s.label === 'OK p99')?.values ?? [])).toBe(99_999);
    expect(maxOf(throughput.series.find((s) => s.label === 'KO/s worst second')?.values ?? [])).toBe(777);
    const meanOk = meanOf(throughput.series.find((s) => s.label === 'OK/s')?.values ?? []) ?? 0;
    const trueMean = run.series.reduce((a, p) => a + p.successes, 0) / run.series.length;
    const meanRps = meanOk;
    expect(Math.abs(meanRps - trueMean) / trueMean).toBeLessThan(0.01);
    expect(latency.note).toMatch(/Each point covers 44 s/);
  });

  it('does not downsample a short run, and shades faults and failed probes', () => {
    const r = loadFixtureResult();
    const run = syntheticRun(180, [{ name: 'db-partition', fromSec: 120, toSec: 135, kind: 'errors' }]);
    const [latency] = buildRunCharts({ result: r, ...run });
    expect(latency?.x).toEqual(run.series.map((p) => p.t));
    expect(latency?.note).toBeUndefined();
    const full = latency?.bands.filter((b) => b.style === 'full').map((b) => [b.label, b.fromX, b.toX]);
    expect(full).toEqual([['db-latency', 60, 90], ['db-partition', 120, 135]]);
    const strips = latency?.bands.filter((b) => b.style === 'strip') ?? [];
    expect(strips.length).toBeGreaterThan(0);
    for (const s of strips) expect(s.fromX >= 120 && s.toX <= 141).toBe(true);
    expect(latency?.markers.map((m) => m.label)).toEqual(
      expect.arrayContaining(['db-latency detected', 'db-latency recovered', 'db-partition not recovered', 'steady']),
    );
  });
});
