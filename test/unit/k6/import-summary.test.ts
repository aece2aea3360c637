import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { importK6Summaries } from '../../../harness/k6/import-summary.ts';
import type { ImportInput } from '../../../harness/k6/import-summary.ts';
import { k6Fingerprint } from '../../../harness/k6/k6-fingerprint.ts';
import { addOutJsonLine, emptyExactPoints } from '../../../harness/k6/out-json-points.ts';
import { readK6Summary, readOutJson } from '../../../harness/k6/read-k6-inputs.ts';
import { detectSummaryFormat, parseK6Summary } from '../../../harness/k6/summary-formats.ts';
import type { K6Summary } from '../../../harness/k6/summary-formats.ts';

const fixtures = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'k6');
const HANDLE = path.join(fixtures, 'handle-summary-data', 'k6-summary.json');
const FAILED = path.join(fixtures, 'summary-export-threshold-failed', 'k6-summary.json');
const PAIRED = path.join(fixtures, 'summary-export-and-out-json', 'summary-export.json');
const POINTS = path.join(fixtures, 'summary-export-and-out-json', 'output.json');

function input(summaries: K6Summary[], extra: Partial<ImportInput> = {}): ImportInput {
  const fingerprint = k6Fingerprint(summaries.length);
  return { summaries, exact: null, scenario: null, runId: 'r1', nowEpochMs: Date.UTC(2026, 0, 1), environment: { name: 'k6', fingerprint, fingerprintHash: 'x' }, targetUrl: null, ...extra };
}

describe('k6 summary import', () => {
  it('reads handleSummary data as k6 printed it, with ok:false as a failed threshold', async () => {
    const s = await readK6Summary(HANDLE);
    expect(s.format).toBe('handle-summary');
    const r = runResultSchema.parse(importK6Summaries(input([s])));
    expect(r.source).toBe('k6');
    expect(r.totals.requests).toBe(856);
    expect(r.totals.errors).toBe(0);
    expect(r.totals.rps).toBeCloseTo(856 / 129.88589, 9);
    expect(r.totals.latencyMs).toMatchObject({ p50: 10990.5877, p90: 22111.43385, p95: 24458.761375, max: 26306.3651, min: 1.0721, mean: 12563.465956191583 });
    expect(r.thresholds).toEqual([
      { metric: 'http_req_duration', expression: 'p(95) < 5000', actual: 24458.761375, pass: false },
      { metric: 'http_req_failed', expression: 'rate < 0.05', actual: 0, pass: true },
      { metric: 'translation_errors', expression: 'rate < 0.05', actual: 0, pass: true },
    ]);
    expect(r.verdict).toBe('fail');
    expect(r.reasons.join()).toMatch(/p\(95\) < 5000 failed/);
    // Default summaryTrendStats have no p(99): the fallback is said out loud.
    expect(r.warnings.join('\n')).toMatch(/no p\(99\).*reported as max/);
  });

  it('reads --summary-export with true as a FAILED threshold, duration from count/rate, dropped iterations', async () => {
    const s = await readK6Summary(FAILED);
    expect(s.format).toBe('summary-export');
    const r = importK6Summaries(input([s]));
    expect(r.totals).toMatchObject({ requests: 388556, errors: 84495, droppedIterations: 277 });
    expect(r.totals.errorRate).toBeCloseTo(0.21745900204861077, 12);
    expect(r.totals.rps).toBeCloseTo(8621.047451099874, 6);
    expect(r.totals.latencyMs.p95).toBe(269.06783674999986);
    expect(r.thresholds).toEqual([{ metric: 'http_req_duration', expression: 'p(95)<50', actual: 269.06783674999986, pass: false }]);
    expect(r.verdict).toBe('fail');
  });

  it('rebuilds exact percentiles from --out json points, equal to the summary of the same run', async () => {
    const s = await readK6Summary(PAIRED);
    const { points, badLines } = await readOutJson([POINTS]);
    expect(badLines).toBe(0);
    const r = importK6Summaries(input([s], { exact: points }));
    const printed = s.metrics.http_req_duration;
    if (printed?.type !== 'trend') throw new Error('fixture changed');
    const l = r.totals.latencyMs;
    expect(l.p50).toBeCloseTo(printed.stats.med ?? 0, 9);
    expect(l.p90).toBeCloseTo(printed.stats['p(90)'] ?? 0, 9);
    expect(l.p95).toBeCloseTo(printed.stats['p(95)'] ?? 0, 9);
    expect(l.mean).toBeCloseTo(printed.stats.avg ?? 0, 9);
    expect(l.max).toBe(printed.stats.max);
    expect(l.min).toBe(printed.stats.min);
    expect(r.totals).toMatchObject({ requests: 100, errors: 1, statusCounts: { '2xx': 99, '5xx': 1 } });
    expect(r.warnings.join()).not.toMatch(/approximate/);
  });

  it('merges pod summaries: counts and failures summed exactly, percentiles flagged approximate', async () => {
    const a = await readK6Summary(PAIRED);
    const b = await readK6Summary(FAILED);
    const r = importK6Summaries(input([a, b]));
    expect(r.totals.requests).toBe(100 + 388556);
    expect(r.totals.errors).toBe(1 + 84495);
    expect(r.totals.droppedIterations).toBe(277);
    expect(r.totals.latencyMs.max).toBe(4180.7135);
    expect(r.totals.latencyMs.min).toBe(0.034126);
    expect(r.warnings.join()).toMatch(/percentiles are approximate/);
    // The failing pod's threshold still fails the merged run.
    expect(r.verdict).toBe('fail');
  });

  it('merges points split across two pods into exactly the single-run percentiles', async () => {
    const text = await readFile(POINTS, 'utf8');
    const pods = [emptyExactPoints(), emptyExactPoints()];
    const nth = new Map<string, number>();
    for (const line of text.split('\n')) {
      const metric = /"metric":"([a-z_]+)"/.exec(line)?.[1] ?? '';
      const k = nth.get(metric) ?? 0;
      nth.set(metric, k + 1);
      addOutJsonLine(pods[k % 2] ?? pods[0]!, line);
    }
    const merged = emptyExactPoints();
    for (const line of text.split('\n')) addOutJsonLine(merged, line);
    const half = pods[0]!;
    expect(half.total.requests).toBe(50);
    const s = await readK6Summary(PAIRED);
    // Two halves fed to one accumulator = the same as the whole file.
    const both = emptyExactPoints();
    for (const [i, line] of text.split('\n').entries()) if (i % 2 === 0) addOutJsonLine(both, line);
    for (const [i, line] of text.split('\n').entries()) if (i % 2 === 1) addOutJsonLine(both, line);
    const r = importK6Summaries(input([s, s], { exact: both }));
    const single = importK6Summaries(input([s], { exact: merged }));
    expect(r.totals.latencyMs).toEqual(single.totals.latencyMs);
    expect(r.totals.requests).toBe(100);
  });

  it('detects the opt-in machine-readable format (synthetic, shaped per k6 internal/lib/summary)', () => {
    const raw = {
      version: '1.0.0',
      metadata: { generatedAt: '2026-01-01T00:00:00Z', k6Version: '2.2.0' },
      config: { duration: 10, execution: 'local', script: 'script.ts' },
      results: {
        metrics: [
          { name: 'http_reqs', type: 'counter', contains: 'default', values: { count: 200 } },
          { name: 'http_req_failed', type: 'rate', contains: 'default', values: { matches: 4, total: 200, rate: 0.02 } },
          { name: 'http_req_duration', type: 'trend', contains: 'time', values: { avg: 5, min: 1, med: 4, max: 30, 'p(90)': 9, 'p(95)': 12 } },
        ],
        checks: { metrics: [], results: [] },
      },
    };
    expect(detectSummaryFormat(raw)).toBe('machine-readable');
    const r = importK6Summaries(input([parseK6Summary(raw, 'x.json')]));
    expect(r.totals).toMatchObject({ requests: 200, errors: 4, errorRate: 0.02, rps: 20 });
    expect(r.totals.latencyMs.p95).toBe(12);
  });

  it('rejects a file that is no k6 summary with a hint', () => {
    expect(() => parseK6Summary({ hello: 1 }, 'x.json')).toThrow(/not a k6 summary/);
  });
});
