import { describe, expect, it } from 'vitest';
import { loadChartAssets } from '../../../harness/report/chart-assets.ts';
import type { ChartSpec } from '../../../harness/report/chart-spec.ts';
import { buildRunCharts } from '../../../harness/report/run-report-charts.ts';
import { renderHtml } from '../../../harness/report/render-html.ts';
import { FIXTURE_FAULTS, syntheticRun } from '../../fixtures/report/synthetic-run.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

const values = (c: ChartSpec | undefined, label: string) => c?.series.find((s) => s.label === label)?.values ?? [];

describe('the HTML report: OK and KO', () => {
  const result = loadFixtureResult();
  const run = syntheticRun(180, FIXTURE_FAULTS);
  const charts = buildRunCharts({ result, ...run });
  const chart = (id: string) => charts.find((c) => c.id === id);

  it('charts OK latency per second, with a gap where nothing succeeded, and KO p95 on its own axis', () => {
    const gone = run.series.map((p) => (p.t === 125 ? { ...p, successes: 0, errors: p.requests, successP50Ms: null, successP95Ms: null, successP99Ms: null } : p));
    const latency = buildRunCharts({ result, ...run, series: gone }).find((c) => c.id === 'latency');
    expect(latency?.series.map((s) => [s.label, s.axis ?? 'y'])).toEqual([['OK p50', 'y'], ['OK p95', 'y'], ['OK p99', 'y'], ['KO p95 (right axis)', 'y2']]);
    expect(values(latency, 'OK p50')[125]).toBeNull();
    expect(values(latency, 'OK p50')[124]).toBe(run.series[124]?.successP50Ms);
  });

  it('stacks OK and KO throughput, and every outcome class, each adding up to the second\'s requests', () => {
    const tp = chart('throughput');
    const oc = chart('outcomes');
    expect(tp?.stacked).toBe(true);
    expect(oc?.stacked).toBe(true);
    expect(oc?.series.map((s) => s.label)).toEqual(['2xx', '5xx', 'refused']);
    for (const [i, p] of run.series.entries()) {
      expect((values(tp, 'OK/s')[i] ?? 0) + (values(tp, 'KO/s')[i] ?? 0)).toBe(p.requests);
      expect(oc?.series.reduce((n, s) => n + (s.values[i] ?? 0), 0)).toBe(p.requests);
    }
    expect(values(chart('saturation'), 'in flight')).toEqual(run.series.map((p) => p.inFlight));
  });

  it('shows seed, git sha and version in the header, OK/KO in the request table, outcomes and failure stretches', () => {
    const html = renderHtml({ result, ...run }, loadChartAssets());
    expect(html).toMatch(/class="meta">run [^<]* · seed 42 · git 3f9c2d1e8b7a · stresslab 0\.1\.0</);
    expect(html).toContain('<th>OK</th><th>KO</th><th>KO %</th><th>OK p50</th>');
    expect(html).toContain('<td>validate</td><td>21,600</td><td>120</td><td>21,452</td><td class="warn">148</td>');
    expect(html).toContain('<h3>Outcomes</h3>');
    expect(html).toContain('2:00–2:56 (56 s): 366 of 11,188 KO (3.27%), peak 58/s: unexpected status (5xx seen) 363, reset 3 · during db-partition');
  });
});
