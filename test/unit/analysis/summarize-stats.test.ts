import { describe, expect, it } from 'vitest';
import { summarizeStats } from '../../../harness/analysis/summarize-stats.ts';
import { statsSchema } from '../../../harness/contract/stats.ts';
import { addFailedHistogram, emptyAggregate } from '../../../harness/metrics/traffic-aggregate.ts';
import { LatencyHistogram } from '../../../harness/metrics/latency-histogram.ts';

describe('summarizeStats', () => {
  it('turns an aggregate into contract Stats with rps over the window', () => {
    const agg = emptyAggregate();
    for (let i = 1; i <= 1000; i++) agg.histogram.recordUs(i * 100); // 0.1 … 100 ms
    agg.requests = 1000;
    agg.errors = 25;
    agg.droppedIterations = 3;
    agg.statusCounts = { '2xx': 980, '5xx': 5 };
    agg.errorKinds = { timeout: 10, refused: 0, reset: 5, other: 0 };
    const s = summarizeStats(agg, 20_000);
    expect(statsSchema.parse(s)).toEqual(s);
    expect(s.rps).toBe(50);
    expect(s.errorRate).toBe(0.025);
    expect(s.droppedIterations).toBe(3);
    expect(s.latencyMs.p50).toBeCloseTo(50, 0);
    expect(s.latencyMs.p99).toBeCloseTo(99, 0);
    expect(s.latencyMs.min).toBe(0.1);
    expect(s.latencyMs.max).toBeCloseTo(100, 0);
    expect(s.latencyMs.mean).toBeCloseTo(50.05, 0);
    // copies, so later mutation of the aggregate does not change the result
    agg.statusCounts['2xx'] = 0;
    expect(s.statusCounts['2xx']).toBe(980);
  });

  it('shows requests the harness cancelled as a count of their own, outside requests and the error rate', () => {
    const agg = emptyAggregate();
    agg.histogram.recordUs(1000);
    agg.requests = 10;
    agg.errors = 1;
    agg.cancelled = 4;
    const s = summarizeStats(agg, 1000);
    expect(statsSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({ requests: 10, errors: 1, errorRate: 0.1, cancelled: 4 });
    expect(summarizeStats(emptyAggregate(), 1000)).not.toHaveProperty('cancelled');
  });

  it('gives OK and KO latency apart: fast failures do not make the OK figures faster', () => {
    const agg = emptyAggregate();
    const failed = LatencyHistogram.empty();
    for (let i = 0; i < 80; i++) agg.histogram.recordUs(20_000 + i * 10); // 80 OK at 20.0–20.8 ms
    for (let i = 0; i < 20; i++) {
      agg.histogram.recordUs(500); // 20 KO answered in 0.5 ms
      failed.recordUs(500);
    }
    addFailedHistogram(agg, failed);
    agg.requests = 100;
    agg.errors = 20;
    const s = summarizeStats(agg, 1000);
    expect(statsSchema.parse(s)).toEqual(s);
    expect(s.latencyMs.p50).toBeCloseTo(20.2, 0); // all requests: pulled by the failures
    expect(s.latencyMs.min).toBe(0.5);
    expect(s.okLatencyMs?.p50).toBeCloseTo(20.4, 0);
    expect(s.okLatencyMs?.min).toBeCloseTo(20, 1);
    expect(s.okLatencyMs?.max).toBeCloseTo(20.8, 1);
    expect(s.koLatencyMs).toMatchObject({ p50: 0.5, max: 0.5, min: 0.5 });
    // the aggregate keeps its own histogram
    expect(agg.histogram.count).toBe(100);
  });

  it('has no KO latency without timed failures and no OK latency when everything failed', () => {
    const ok = emptyAggregate();
    ok.histogram.recordUs(3000);
    ok.requests = 1;
    expect(summarizeStats(ok, 1000)).toMatchObject({ okLatencyMs: { p50: 3.001 }, koLatencyMs: null });
    const ko = emptyAggregate();
    ko.histogram.recordUs(3000);
    addFailedHistogram(ko, ko.histogram.copy());
    ko.requests = 1;
    ko.errors = 1;
    expect(summarizeStats(ko, 1000)).toMatchObject({ okLatencyMs: null, koLatencyMs: { p50: 3.001 } });
    expect(summarizeStats(emptyAggregate(), 1000)).toMatchObject({ okLatencyMs: null, koLatencyMs: null });
  });

  it('is all zeros for an empty window', () => {
    const s = summarizeStats(emptyAggregate(), 0);
    expect(s).toMatchObject({ requests: 0, errorRate: 0, rps: 0, latencyMs: { p50: 0, max: 0 } });
  });
});
