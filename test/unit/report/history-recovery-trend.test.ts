import { describe, expect, it } from 'vitest';
import { loadChartAssets } from '../../../harness/report/chart-assets.ts';
import type { ChartSpec } from '../../../harness/report/chart-spec.ts';
import { historyChangePoints } from '../../../harness/report/history-change-points.ts';
import { historyLine, parseHistory, type HistoryLine } from '../../../harness/report/history-line.ts';
import { renderHistoryHtml } from '../../../harness/report/render-history-html.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';
import { nightLine } from '../../fixtures/report/nightly-history.ts';

const BASE = historyLine(loadFixtureResult(), 'abc123def4567890');
const chartsOf = (html: string): ChartSpec[] => JSON.parse(/id="chart-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]') as ChartSpec[];

/** Night `i` of a chaos scenario with the given recovery figures. */
function night(i: number, over: Partial<HistoryLine>, scenario = 'chaos-db'): HistoryLine {
  return nightLine(i, over, scenario);
}

describe('MTTR and TTD on the history line', () => {
  it('carries the mean and longest TTR and TTD, the injections and the not-recovered count', () => {
    // The fixture: db-latency detected after 2 s, recovered after 6 s; db-partition detected after 1 s, never recovered.
    expect(BASE).toMatchObject({ faults: 2, mttrSec: 6, maxTtrSec: 6, notRecovered: 1, ttdSec: 1.5, maxTtdSec: 2 });
    const calm = historyLine({ ...loadFixtureResult(), faults: [] });
    expect(calm).toMatchObject({ faults: 0, ttdSec: null, maxTtdSec: null });
  });

  it('reads lines written before the fields existed', () => {
    const { faults: _f, maxTtrSec: _m, ttdSec: _t, maxTtdSec: _x, ...old } = BASE;
    const { lines, problems } = parseHistory(`${JSON.stringify(old)}\n`);
    expect(problems).toEqual([]);
    expect(lines[0]?.ttdSec).toBeUndefined();
  });
});

describe('recovery trend on the history page', () => {
  const known = [
    { mttrSec: 4, maxTtrSec: 5, notRecovered: 0, ttdSec: 1, maxTtdSec: 1.5 },
    { mttrSec: null, maxTtrSec: null, notRecovered: 2, ttdSec: 2, maxTtdSec: 3 },
    { mttrSec: 8, maxTtrSec: 12, notRecovered: 0, ttdSec: null, maxTtdSec: null },
  ];

  it('charts MTTR, max TTR, not-recovered and TTD with the values of the lines, gaps where a run has none', () => {
    const lines = known.map((k, i) => night(i, { faults: 3, ...k }));
    const charts = chartsOf(renderHistoryHtml(lines, {}, loadChartAssets()));
    const ttr = charts.find((c) => c.id === 'g0-ttr');
    const ttd = charts.find((c) => c.id === 'g0-ttd');
    expect(ttr?.series.map((s) => [s.label, s.values, s.axis ?? 'y'])).toEqual([
      ['MTTR', [4, null, 8], 'y'],
      ['max TTR', [5, null, 12], 'y'],
      ['not recovered', [0, 2, 0], 'y2'],
    ]);
    expect(ttd?.series.map((s) => [s.label, s.values])).toEqual([
      ['mean TTD', [1, 2, null]],
      ['max TTD', [1.5, 3, null]],
    ]);
    expect(ttr?.x).toEqual(lines.map((l) => Date.parse(l.startedAt) / 1000));
  });

  it('has no recovery charts for a group without faults, and MTTR alone from older lines', () => {
    const calm = known.map((_, i) => night(i, { faults: 0, mttrSec: null, maxTtrSec: null, notRecovered: 0, ttdSec: null, maxTtdSec: null }, 'light'));
    const older = known.map((k, i) => {
      const { faults: _f, maxTtrSec: _m, ttdSec: _t, maxTtdSec: _x, ...line } = night(i, k, 'chaos-old');
      return line;
    });
    const ids = chartsOf(renderHistoryHtml([...calm, ...older], {}, loadChartAssets())).map((c) => c.id);
    expect(ids.filter((id) => id.startsWith('g0-'))).toEqual(['g0-latency', 'g0-throughput', 'g0-cpu']);
    expect(ids.filter((id) => id.startsWith('g1-'))).toEqual(['g1-latency', 'g1-throughput', 'g1-cpu', 'g1-ttr']);
  });

  it('finds a step in TTD and MTTR and marks it on the recovery charts', () => {
    // TTD 2 s for 15 nights, then 6 s; MTTR 10 s, then 5 s (better). Small alternating noise.
    const lines = Array.from({ length: 30 }, (_, i) => {
      const noise = i % 2 === 0 ? 1.01 : 0.99;
      return night(i, { faults: 2, notRecovered: 0, ttdSec: (i < 15 ? 2 : 6) * noise, maxTtdSec: 7, mttrSec: (i < 15 ? 10 : 5) * noise, maxTtrSec: 12 });
    });
    const check = historyChangePoints(lines, { metrics: ['ttdSec', 'mttrSec'] });
    const ttd = check.groups[0]?.metrics.find((m) => m.metric === 'ttdSec');
    expect(ttd?.changePoints).toHaveLength(1);
    expect(ttd?.changePoints[0]).toMatchObject({ runId: 'chaos-db-15', direction: 'worse' });
    expect(ttd?.verdict).toBe('regression');
    const mttr = check.groups[0]?.metrics.find((m) => m.metric === 'mttrSec');
    expect(mttr?.changePoints[0]).toMatchObject({ runId: 'chaos-db-15', direction: 'better' });
    expect(mttr?.verdict).toBe('ok');

    const html = renderHistoryHtml(lines, {}, loadChartAssets());
    const charts = chartsOf(html);
    const at = Date.UTC(2025, 0, 16, 2) / 1000;
    expect(charts.find((c) => c.id === 'g0-ttd')?.markers).toEqual([{ atX: at, color: '#c0392b', label: expect.stringMatching(/^TTD \+\d+(\.\d)?%$/) as unknown, dashed: false }]);
    expect(charts.find((c) => c.id === 'g0-ttr')?.markers).toEqual([{ atX: at, color: '#1f9d55', label: expect.stringMatching(/^MTTR -\d+(\.\d)?%$/) as unknown, dashed: true }]);
    expect(html).toContain('⚠ regression in the newest runs: TTD');
  });
});
