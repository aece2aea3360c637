import { describe, expect, it } from 'vitest';
import { historyLine, historyLineSchema, parseHistory, type HistoryLine } from '../../../harness/report/history-line.ts';
import { renderHistoryHtml } from '../../../harness/report/render-history-html.ts';
import { loadChartAssets } from '../../../harness/report/chart-assets.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';
import { nightlyLines } from '../../fixtures/report/nightly-history.ts';

describe('history', () => {
  it('summarises a run into one valid line', () => {
    const line = historyLine(loadFixtureResult(), 'abc123');
    expect(historyLineSchema.parse(line)).toEqual(line);
    expect(line).toMatchObject({
      runId: '20250114T021500Z-chaos-db-7f3a', scenario: 'chaos-db', profile: 'quick', environment: 'ci', gitSha: 'abc123',
      verdict: 'fail', requests: 36_000, rps: 200, p95Ms: 203.8, p99Ms: 911.6, mttrSec: 6, notRecovered: 1, lost: 0,
      thresholdsFailed: 1, regressions: 1,
    });
    expect(historyLine(loadFixtureResult()).gitSha).toBeNull();
  });

  it('reads good lines and reports bad ones by line number', () => {
    const good = JSON.stringify(historyLine(loadFixtureResult()));
    const text = [good, '{"schemaVersion":1,"runId":"x"', '', JSON.stringify({ ...JSON.parse(good), verdict: 'maybe' }), good].join('\n');
    const { lines, problems } = parseHistory(text);
    expect(lines).toHaveLength(2);
    expect(problems.map((p) => p.path)).toEqual(['line 2', 'line 4']);
    expect(problems[1]?.message).toMatch(/verdict/);
  });

  it('renders one group of trend charts per scenario, with verdict dots and escaped names', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const html = renderHistoryHtml([...nightlyLines(14), ...nightlyLines(3, evil)], { title: 'ci' }, loadChartAssets());
    const data = /id="chart-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]';
    const charts = JSON.parse(data) as { id: string; x: number[]; dots: { color: string }[] }[];
    expect(charts.map((c) => c.id)).toEqual(['g0-latency', 'g0-throughput', 'g0-cpu', 'g1-latency', 'g1-throughput', 'g1-cpu']);
    expect(charts[0]?.x).toHaveLength(14);
    expect(charts[0]?.dots.filter((d) => d.color === '#c0392b')).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; (profile quick)');
    expect(html).toContain('<td class="text">abc123def4</td>');
  });

  it('carries the target\'s CPU per request and the calibration, and charts them when present', () => {
    const r = loadFixtureResult();
    const line = historyLine({ ...r, environment: { ...r.environment, calibration: { unitCpuUs: 900, samples: 400 } } });
    // The fixture's target used 349.8 CPU seconds over 36,000 requests.
    expect(line.targetCpuMsPerRequest).toBeCloseTo(9.7167, 4);
    expect(line.calibrationUs).toBe(900);
    // Lines written before these fields existed.
    const old: HistoryLine[] = nightlyLines(3).map(({ targetCpuMsPerRequest: _cpu, calibrationUs: _cal, ...rest }) => rest);
    const charts = (lines: HistoryLine[]): string[] => {
      const html = renderHistoryHtml(lines, {}, loadChartAssets());
      return (JSON.parse(/id="chart-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]') as { id: string }[]).map((c) => c.id);
    };
    expect(charts(old)).toEqual(['g0-latency', 'g0-throughput']);
    expect(charts([...old, { ...old[0]!, runId: 'new', targetCpuMsPerRequest: 0.31, calibrationUs: 900 }])).toEqual(['g0-latency', 'g0-throughput', 'g0-cpu']);
  });

  it('says so when there is no run yet', () => {
    expect(renderHistoryHtml([], {}, loadChartAssets())).toContain('No runs recorded yet.');
  });
});
