import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChartAssets } from '../../../harness/report/chart-assets.ts';
import { renderHistoryHtml } from '../../../harness/report/render-history-html.ts';
import { renderHtml } from '../../../harness/report/render-html.ts';
import { writeReports } from '../../../harness/report/write-reports.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';
import { nightlyLines } from '../../fixtures/report/nightly-history.ts';
import { FIXTURE_FAULTS, syntheticRun } from '../../fixtures/report/synthetic-run.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  console.warn(`skipping the HTML report browser tests: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`);
}
const ARTIFACTS = path.resolve('test-artifacts/report');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'stresslab-html-'));

interface CanvasStats {
  chart: string;
  width: number;
  height: number;
  painted: number;
  faultShade: number;
  recoveredLine: number;
}

interface OpenedPage {
  page: Page;
  problems: string[];
  requests: string[];
  dialogs: string[];
  charts: { count: number; ms: number; errors: string[]; xRanges: Array<[number, number]> };
}

/** Pixel counts per chart canvas: anything painted, the fault-band tint, the green recovery marker. */
const CANVAS_STATS = `Array.from(document.querySelectorAll('[data-chart]')).map((card) => {
  const c = card.querySelector('canvas');
  if (!c) return { chart: card.dataset.chart, width: 0, height: 0, painted: 0, faultShade: 0, recoveredLine: 0 };
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0, faultShade = 0, recoveredLine = 0;
  const near = (i, r, g, b, tol) => Math.abs(d[i] - r) <= tol && Math.abs(d[i + 1] - g) <= tol && Math.abs(d[i + 2] - b) <= tol;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) continue;
    painted++;
    if (d[i + 3] > 20 && d[i + 3] < 45 && near(i, 231, 76, 60, 6)) faultShade++;
    if (d[i + 3] > 200 && near(i, 31, 157, 85, 4)) recoveredLine++;
  }
  return { chart: card.dataset.chart, width: c.width, height: c.height, painted, faultShade, recoveredLine };
})`;

describe.skipIf(!HAS_CHROMIUM)('HTML reports in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(file: string): Promise<OpenedPage> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction('window.__stresslabCharts !== undefined', undefined, { timeout: 20_000 });
    const charts = await page.evaluate<OpenedPage['charts']>('window.__stresslabCharts');
    return { page, problems, requests, dialogs, charts };
  }

  it('draws the run report charts with fault windows and recovery, offline and without errors', async () => {
    const dir = path.join(tmp, 'run');
    await writeReports(dir, { result: loadFixtureResult(), ...syntheticRun(180, FIXTURE_FAULTS) }, { formats: ['html'] });
    const file = path.join(dir, 'report.html');
    const { page, problems, requests, charts } = await open(file);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-report.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(charts).toMatchObject({ count: 6, errors: [] });
    const stats = await page.evaluate<CanvasStats[]>(CANVAS_STATS);
    expect(stats.map((s) => s.chart)).toEqual(['latency', 'throughput', 'outcomes', 'saturation', 'cpu', 'memory']);
    for (const s of stats) {
      expect(s.width).toBeGreaterThan(400);
      expect(s.painted / (s.width * s.height)).toBeGreaterThan(0.02);
      expect(s.faultShade, `${s.chart}: fault windows shaded`).toBeGreaterThan(1000);
    }
    expect(stats[0]?.recoveredLine, 'recovery marker on the latency chart').toBeGreaterThan(100);
    expect(await page.textContent('h1')).toContain('FAIL chaos-db');
    await page.close();
  });

  it('shows hostile names as text and runs none of them', async () => {
    const evil = '<img src=x onerror=alert(1)></script><script>alert(2)</script>';
    const r = loadFixtureResult();
    const stats = r.requests['validate'];
    if (!stats) throw new Error('fixture lacks validate');
    const result = { ...r, scenario: { ...r.scenario, name: evil }, requests: { [evil]: stats }, faults: r.faults.map((f) => ({ ...f, name: evil })) };
    const file = path.join(tmp, 'xss.html');
    writeFileSync(file, renderHtml({ result, ...syntheticRun(180, FIXTURE_FAULTS) }, loadChartAssets()));
    const { page, problems, dialogs, charts } = await open(file);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(charts.count).toBe(6);
    expect(await page.textContent('h1')).toContain(evil);
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
  });

  it('renders a 24 h run under 5 MB and draws it within 3 s', async () => {
    const run = syntheticRun(86_400, [{ name: 'nightly-kill', fromSec: 40_000, toSec: 40_600, kind: 'errors' }]);
    const r = loadFixtureResult();
    const result = { ...r, faults: [], endedAt: new Date(Date.parse(r.startedAt) + 86_400_000).toISOString() };
    const html = renderHtml({ result, ...run }, loadChartAssets());
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
    const file = path.join(tmp, 'day.html');
    writeFileSync(file, html);
    const { page, problems, charts } = await open(file);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-report-24h.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(charts.count).toBe(6);
    // Time from navigation start until every chart is drawn, measured by the page itself.
    expect(charts.ms).toBeLessThan(3000);
    await page.close();
  });

  it('draws the history trend page', async () => {
    const file = path.join(tmp, 'history.html');
    writeFileSync(file, renderHistoryHtml([...nightlyLines(30), ...nightlyLines(5, 'chaos-db')], { title: 'nightly' }, loadChartAssets()));
    const { page, problems, requests, charts } = await open(file);
    await page.screenshot({ path: path.join(ARTIFACTS, 'history.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    // light: latency, throughput, CPU; chaos-db adds time to recover and time to detect.
    expect(charts).toMatchObject({ count: 8, errors: [] });
    const stats = await page.evaluate<CanvasStats[]>(CANVAS_STATS);
    for (const s of stats) expect(s.painted / (s.width * s.height)).toBeGreaterThan(0.02);
    await page.close();
  });

  it('a history of one run spans a day either side of it, not years', async () => {
    const file = path.join(tmp, 'history-one.html');
    const [one] = nightlyLines(1);
    writeFileSync(file, renderHistoryHtml([one!], { title: 'one run' }, loadChartAssets()));
    const { page, problems, charts } = await open(file);
    expect(problems).toEqual([]);
    const at = Date.parse(one!.startedAt) / 1000;
    expect(charts.xRanges.length).toBeGreaterThan(0);
    for (const [min, max] of charts.xRanges) {
      expect(min).toBeLessThanOrEqual(at);
      expect(max).toBeGreaterThanOrEqual(at);
      expect(max - min).toBeLessThanOrEqual(2 * 86_400 + 1);
    }
    await page.close();
  });
});
