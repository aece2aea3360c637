import { existsSync, mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { runResultSchema, type RunResult } from '../../harness/contract/run-result.ts';
import type { ChartSpec } from '../../harness/report/chart-spec.ts';
import { captureIo } from '../support/capture-io.ts';
import { listenablePort, startTestServer, type TestServer } from '../support/servers/spawn-test-server.ts';

/**
 * A chaos run's report, looked at in Chromium (docs/outcomes.md): a real run against a server that
 * answers OK in 20 ms and every tenth request 503, through the embedded Toxiproxy, partitioned from
 * 3 s to 7 s (at least two whole seconds inside it even when the injection comes a second late).
 * During the partition the report must show throughput as KO (not a flat request rate), the
 * failures by kind (refused/reset, not 5xx), and OK latency broken off, not dropping to the few
 * microseconds a refusal takes. Checked on the chart data the page embeds and on its pixels; the
 * screenshot is test-artifacts/report/chaos-run-report.png. About 20 s: a whole run.
 */
const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = path.resolve('test-artifacts/report');
const OK_MS = 20;

interface PageCharts {
  count: number;
  errors: string[];
  ids: string[];
  xRanges: Array<[number, number]>;
  boxes: Array<{ id: string; left: number; top: number; width: number; height: number }>;
}

/** Pixels of one chart's canvas between two x pixel columns: painted, green-dominant (OK), and of one exact colour. */
const COLUMN_PIXELS = `(arg) => {
  const card = document.querySelector('[data-chart="' + arg.id + '"]');
  const c = card.querySelector('canvas');
  const d = c.getContext('2d').getImageData(Math.round(arg.x0), 0, Math.max(1, Math.round(arg.x1 - arg.x0)), c.height).data;
  let painted = 0, green = 0, notGreen = 0, color = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 90) continue;
    painted++;
    if (d[i + 1] > d[i] + 40 && d[i + 1] > d[i + 2]) green++; else notGreen++;
    if (d[i + 3] > 200 && Math.abs(d[i] - arg.rgb[0]) <= 6 && Math.abs(d[i + 1] - arg.rgb[1]) <= 6 && Math.abs(d[i + 2] - arg.rgb[2]) <= 6) color++;
  }
  return { painted, green, notGreen, color };
}`;

let dir: string;
let server: TestServer;
let browser: Browser | undefined;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-chaos-report-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startTestServer({ kind: 'mixed', okMs: OK_MS, failEvery: 10, failStatus: 503, loadPath: '/work' });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_CHROMIUM)('a chaos run\'s HTML report in Chromium', () => {
  it('shows OK/KO throughput, failures by kind during a partition, and OK latency broken off rather than at zero', async () => {
    const proxyPort = await listenablePort();
    const file = path.join(dir, 'partition.json');
    await fs.writeFile(file, JSON.stringify({
      name: 'partition-report',
      description: 'a partition the report must show as KO',
      requests: [{ name: 'work', method: 'GET', path: '/work' }],
      target: { url: `http://127.0.0.1:${proxyPort}`, health: '/health', timeout: '2s' },
      proxies: [{ name: 'api', listen: `127.0.0.1:${proxyPort}`, upstream: `127.0.0.1:${server.port}` }],
      load: [{ executor: 'constant-arrival-rate', rate: 40, duration: '10s', preAllocatedVUs: 10, maxVUs: 60, gracefulStop: '1s' }],
      faults: [{ kind: 'net-partition', name: 'partition', proxy: 'api', at: '3s', duration: '4s' }],
      recovery: { steadyStateWindow: '3s', unhealthyFor: '1s', healthyFor: '1s' },
    }));
    const io = captureIo(dir);
    const code = await main(['run', file, '--reports-dir', path.join(dir, 'reports'), '--no-baseline', '--seed', '7'], io);
    const runDir = /results: (\S+?)\/? \(/.exec(io.stdout())?.[1];
    expect(runDir, io.stdout() + io.stderr()).toBeDefined();
    const runPath = path.resolve(dir, runDir!);
    const result: RunResult = runResultSchema.parse(JSON.parse(await fs.readFile(path.join(runPath, 'result.json'), 'utf8')));
    expect([0, 1], io.stderr()).toContain(code);
    const fault = result.faults[0]!;
    const served = await server.served();

    // result.json against the server's own count: no more OK or 503s than it sent, and every request one outcome
    const t = result.totals;
    const transport = t.errorKinds.timeout + t.errorKinds.refused + t.errorKinds.reset + t.errorKinds.other;
    expect((t.statusCounts['2xx'] ?? 0) + (t.statusCounts['5xx'] ?? 0) + transport).toBe(t.requests);
    expect(t.statusCounts['2xx'] ?? 0).toBeLessThanOrEqual(served.ok);
    expect(t.statusCounts['5xx'] ?? 0).toBeLessThanOrEqual(served.failed);
    expect(t.errorKinds.refused + t.errorKinds.reset).toBeGreaterThan(80); // 4 s at 40/s, cut off
    expect(t.okLatencyMs?.p50).toBeGreaterThanOrEqual(OK_MS);
    expect(t.okLatencyMs?.p50).toBeLessThan(OK_MS + 30);
    const partitionWindow = result.failureWindows?.windows.find((w) => w.faults.includes(fault.name));
    expect(partitionWindow?.errorKinds.refused ?? 0).toBeGreaterThan(0);
    // the header says which seed, commit and version
    const md = await fs.readFile(path.join(runPath, 'report.md'), 'utf8');
    expect(md).toMatch(/ · seed 7 · git \S+ · stresslab \d+\.\d+\.\d+/);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(path.join(runPath, 'report.html')).href);
    await page.waitForFunction('window.__stresslabCharts !== undefined', undefined, { timeout: 20_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'chaos-run-report.png'), fullPage: true });
    const charts = await page.evaluate<PageCharts>('window.__stresslabCharts');
    expect(problems).toEqual([]);
    expect(charts.errors).toEqual([]);
    expect(charts.ids.slice(0, 4)).toEqual(['latency', 'throughput', 'outcomes', 'saturation']);
    const specs = await page.evaluate<ChartSpec[]>('JSON.parse(document.getElementById("chart-data").textContent)');
    const spec = (id: string): ChartSpec => specs.find((s) => s.id === id)!;
    const values = (id: string, label: string): Array<number | null> => spec(id).series.find((s) => s.label === label)?.values ?? [];

    // Seconds wholly inside the partition (its edges share seconds with traffic that got through), and well before it.
    const inside = spec('throughput').x.map((x, i) => ({ x, i })).filter(({ x }) => x >= Math.ceil(fault.injectedAtMs / 1000) && x + 1 <= Math.floor(fault.removedAtMs / 1000));
    const before = spec('throughput').x.map((x, i) => ({ x, i })).filter(({ x }) => x >= 1 && x + 1 <= Math.floor(fault.injectedAtMs / 1000));
    expect(inside.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeGreaterThanOrEqual(1);
    for (const { x, i } of inside) {
      expect(values('throughput', 'OK/s')[i], `OK/s at ${x} s`).toBe(0);
      expect(values('throughput', 'KO/s')[i], `KO/s at ${x} s`).toBeGreaterThan(20);
      const failedKinds = (values('outcomes', 'refused')[i] ?? 0) + (values('outcomes', 'reset')[i] ?? 0);
      expect(failedKinds, `refused + reset at ${x} s`).toBe(values('throughput', 'KO/s')[i]);
      // no OK request, so no OK latency: a gap, not zero
      expect(values('latency', 'OK p50')[i], `OK p50 at ${x} s`).toBeNull();
      expect(values('latency', 'OK p95')[i]).toBeNull();
    }
    for (const { i } of before) {
      expect(values('throughput', 'OK/s')[i]).toBeGreaterThan(30);
      expect(values('latency', 'OK p50')[i]).toBeGreaterThanOrEqual(OK_MS);
      expect(values('outcomes', '5xx')[i]).toBeGreaterThan(0);
    }
    const after = spec('latency').x.map((x, i) => ({ x, i })).filter(({ x }) => x >= Math.ceil(fault.removedAtMs / 1000) && x + 1 <= 10);
    expect(after.some(({ i }) => (values('latency', 'OK p50')[i] ?? 0) >= OK_MS), 'OK latency back after the partition').toBe(true);

    // The pixels: in the partition's columns the throughput and outcome areas are not green (KO, refused/reset),
    // before it they are; the OK p50 line's blue is absent in the partition's columns and present before.
    const pixels = (arg: { id: string; x0: number; x1: number; rgb: number[] }) =>
      page.evaluate<{ painted: number; green: number; notGreen: number; color: number }>(`(${COLUMN_PIXELS})(${JSON.stringify(arg)})`);
    const column = (id: string, fromSec: number, toSec: number) => {
      const box = charts.boxes.find((b) => b.id === id)!;
      const [min, max] = charts.xRanges[charts.ids.indexOf(id)]!;
      const px = (sec: number): number => box.left + ((sec - min) / (max - min)) * box.width;
      return { id, x0: px(fromSec) + 2, x1: px(toSec) - 2 };
    };
    const first = inside[0]!.x;
    const last = inside[inside.length - 1]!.x;
    const blue = [0x2f, 0x7e, 0xd8];
    for (const id of ['throughput', 'outcomes']) {
      const during = await pixels({ ...column(id, first, last), rgb: blue });
      const pre = await pixels({ ...column(id, before[0]!.x, before[before.length - 1]!.x), rgb: blue });
      expect(during.notGreen, `${id}: KO area drawn during the partition`).toBeGreaterThan(200);
      expect(during.green, `${id}: no OK area during the partition`).toBeLessThan(during.notGreen / 20);
      expect(pre.green, `${id}: OK area before the partition`).toBeGreaterThan(200);
    }
    const latencyDuring = await pixels({ ...column('latency', first + 0.2, last + 0.8), rgb: blue });
    const latencyBefore = await pixels({ ...column('latency', before[0]!.x, before[before.length - 1]!.x), rgb: blue });
    expect(latencyDuring.color, 'no OK p50 line during the partition').toBe(0);
    expect(latencyBefore.color, 'the OK p50 line before it').toBeGreaterThan(5);
    await page.close();
  }, 60_000);
});
