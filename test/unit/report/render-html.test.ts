import { describe, expect, it } from 'vitest';
import { loadChartAssets } from '../../../harness/report/chart-assets.ts';
import { escapeHtml, jsonForScript } from '../../../harness/report/html-escape.ts';
import { renderHtml } from '../../../harness/report/render-html.ts';
import { FIXTURE_FAULTS, syntheticRun } from '../../fixtures/report/synthetic-run.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

const EVIL = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';

/** The chart specs embedded in a page, read back as the browser would. */
function embeddedCharts(html: string): { id: string; x: number[]; bands: { label: string }[] }[] {
  const m = /<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m?.[1]) throw new Error('no chart data');
  return JSON.parse(m[1]) as { id: string; x: number[]; bands: { label: string }[] }[];
}

describe('renderHtml', () => {
  const assets = loadChartAssets();

  it('is one self-contained page: uPlot inlined, nothing fetched from elsewhere', () => {
    const html = renderHtml({ result: loadFixtureResult(), ...syntheticRun(180, FIXTURE_FAULTS) }, assets);
    expect(html).toContain(assets.uplotJs);
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/(src|href|action)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(|@import|fetch\(|XMLHttpRequest/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;/);
    expect(embeddedCharts(html).map((c) => c.id)).toEqual(['latency', 'throughput', 'outcomes', 'saturation', 'cpu', 'memory']);
    expect(html).toContain('<tr><td>p95 latency</td><td class="text">gated</td><td>186.4 ms</td><td>203.8 ms</td><td>+9.3%</td><td>+12.3%</td><td class="bad">✗ regression (fails the run)</td></tr>');
  });

  it('shows gated and reported-only metrics apart, raw and corrected change labelled, details folded', () => {
    const html = renderHtml({ result: loadFixtureResult(), ...syntheticRun(180, FIXTURE_FAULTS) }, assets);
    const section = html.slice(html.indexOf('<h2>Regressions vs baseline</h2>'), html.indexOf('<h2>Requests</h2>'));
    expect(section).toContain('<th>raw change</th><th>at equal machine speed</th><th>verdict</th>');
    // A reported-only metric that got worse is a warning, not a failure.
    expect(section).toContain('<tr><td>p99 latency</td><td class="text">reported</td><td>811.8 ms</td><td>911.6 ms</td><td>+12.3%</td><td>+10.9%</td><td class="warn">⚠ worse (not gated)</td></tr>');
    expect(section.match(/class="bad"/g)).toHaveLength(2); // the summary line and the one gated regression
    expect(section).toMatch(/<details><summary>How each metric was judged[^<]*<\/summary>\n<table>/);
    expect(section.indexOf('[+8.1%, +16.5%]')).toBeGreaterThan(section.indexOf('<details>'));
    // The header lists the warnings that do not repeat a row of the table.
    const header = html.slice(0, html.indexOf('<h2>'));
    expect(header).toContain('environment fingerprint differs from the baseline (cpuModel)');
    expect(header).not.toMatch(/p99Ms regressed|errorRate may have regressed/);
  });

  it('escapes user-supplied names everywhere, including the embedded chart data', () => {
    const r = loadFixtureResult();
    const stats = r.requests['validate'];
    if (!stats) throw new Error('fixture lacks validate');
    const faults = r.faults.map((f) => ({ ...f, name: EVIL }));
    const html = renderHtml({
      result: { ...r, scenario: { ...r.scenario, name: EVIL }, requests: { [EVIL]: stats }, faults, reasons: [EVIL] },
      ...syntheticRun(180, FIXTURE_FAULTS),
    }, assets);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toContain(escapeHtml(EVIL));
    expect(embeddedCharts(html)[0]?.bands[0]?.label).toBe(EVIL);
  });

  it('stays under 5 MB for a 24 h run with 1 Hz resources and 2 Hz probes', () => {
    const run = syntheticRun(86_400, [{ name: 'nightly-kill', fromSec: 40_000, toSec: 40_060, kind: 'errors' }]);
    const r = loadFixtureResult();
    const result = { ...r, endedAt: new Date(Date.parse(r.startedAt) + 86_400_000).toISOString() };
    const html = renderHtml({ result, ...run }, assets);
    const bytes = Buffer.byteLength(html, 'utf8');
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    for (const chart of embeddedCharts(html)) expect(chart.x.length).toBeLessThanOrEqual(2000);
  });

  it('renders a result without a timeline (an imported k6 summary) with empty traffic charts only', () => {
    const html = renderHtml({ result: { ...loadFixtureResult(), source: 'k6' }, series: [], resources: [] }, assets);
    const charts = embeddedCharts(html);
    expect(charts.map((c) => [c.id, c.x.length])).toEqual([['latency', 0], ['throughput', 0]]);
    expect(html).toContain('source k6');
  });

  it('serialises script data so no value can close the script element', () => {
    const text = jsonForScript({ s: '</script><!-- & \u2028' });
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual({ s: '</script><!-- & \u2028' });
  });
});
