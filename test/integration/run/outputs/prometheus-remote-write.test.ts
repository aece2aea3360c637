import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../../harness/cli/main.ts';
import { splitTimeline } from '../../../../harness/metrics/split-timeline.ts';
import { readTimeline } from '../../../../harness/metrics/timeline-reader.ts';
import type { MetricFamily } from '../../../../harness/report/metric-family.ts';
import { runMetricFamilies } from '../../../../harness/report/run-metric-families.ts';
import { readResult } from '../../../../harness/run/read-result.ts';
import { GT, inFault, writeGroundTruthRunDir } from '../../../fixtures/outputs/ground-truth-run.ts';
import { captureIo } from '../../../support/capture-io.ts';
import { promQuery, promQueryRange, usePrometheus } from '../../../support/prometheus-server.ts';
import type { PromSample } from '../../../support/prometheus-server.ts';

/*
 * A real Prometheus (the Debian package) with its remote-write receiver: a run's series are sent
 * by the CLI (`report -o`; `run -o` in test/reliability/outputs-run.test.ts), read back through the HTTP API and compared with the run's
 * known figures, and every PromQL query of the Grafana dashboard is run against them. Without
 * Prometheus the file is skipped on a developer's machine and fails in CI, which installs it.
 */
const prometheus = usePrometheus('the Prometheus remote-write tests', 'stresslab-prom-');
const DASHBOARD = path.resolve('grafana/stresslab-dashboard.json');

/** Every raw sample of a selector, by series. Samples are at most a minute old: a 2 m range holds them all. */
async function raw(selector: string, atSec: number): Promise<PromSample[]> {
  const r = await promQuery(prometheus.prom.url, `${selector}[2m]`, atSec);
  expect(r.resultType).toBe('matrix');
  return r.result;
}

function only(series: PromSample[], selector: string): Array<[number, number]> {
  expect(series, selector).toHaveLength(1);
  return series[0]?.points ?? [];
}

const near = (actual: number | undefined, expected: number): void => {
  // HDR histograms at 3 significant digits: a value reads back within 0.1 %.
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected) / expected).toBeLessThan(0.001);
};

describe.skipIf(!prometheus.runs)('Prometheus remote-write to a real Prometheus', () => {
  let startMs: number;
  let endSec: number;
  let runId: string;
  let gtRunDir: string;

  it('receives every sample of a ground-truth run, with the values and times of the run', async () => {
    // Fresh timestamps: Prometheus refuses samples older than its head (about an hour).
    startMs = Date.now() - 40_000;
    runId = `gt-${process.pid}-${startMs}`;
    const runDir = await writeGroundTruthRunDir(path.join(prometheus.dir, 'reports'), startMs, runId);
    gtRunDir = runDir;
    const io = captureIo(prometheus.dir);
    const code = await main(['report', runDir, '-o', `prometheus-rw=${prometheus.prom.url}/api/v1/write`], io);
    expect(code, io.stderr()).toBe(0);
    expect(io.stdout()).toMatch(/output prometheus-rw: sent \d+ samples of \d+ series in 1 request/);
    endSec = (startMs + GT.seconds * 1000 + 500) / 1000 + 1;
    const run = `run_id="${runId}"`;

    // Everything sent is there, sample for sample (the series as the run's own renderer made them).
    const result = await readResult(path.join(runDir, 'result.json'));
    const families: MetricFamily[] = runMetricFamilies(result, splitTimeline(await readTimeline(path.join(runDir, 'timeline.jsonl'))));
    for (const f of families) {
      const got = await raw(`{__name__="${f.name}", ${run}}`, endSec);
      expect(got.length, f.name).toBe(f.series.length);
      for (const s of f.series) {
        const match = got.find((g) => Object.entries(s.labels).every(([k, v]) => g.labels[k] === v));
        expect(match?.points, `${f.name} ${JSON.stringify(s.labels)}`).toEqual(s.samples.map((p) => [p.timestampMs, p.value]));
      }
    }

    // And the values are the run's known figures, second by second.
    const at = (t: number): number => startMs + t * 1000;
    const ok = only(await raw(`stresslab_requests_per_second{${run}, request="validate", outcome="ok"}`, endSec), 'ok');
    const ko = only(await raw(`stresslab_requests_per_second{${run}, request="validate", outcome="ko"}`, endSec), 'ko');
    const okAll = only(await raw(`stresslab_requests_per_second{${run}, request="*", outcome="ok"}`, endSec), 'ok *');
    expect(ok).toHaveLength(GT.seconds);
    for (let t = 0; t < GT.seconds; t++) {
      expect(ok[t], `ok at ${t}`).toEqual([at(t), inFault(t) ? 8 : t === 5 ? 21 : 20]);
      expect(ko[t], `ko at ${t}`).toEqual([at(t), inFault(t) ? 12 : 0]);
      expect(okAll[t]?.[1], `ok * at ${t}`).toBe((inFault(t) ? 8 : t === 5 ? 21 : 20) + 10);
    }
    for (const [kind, n] of [['refused', 4], ['timeout', 2], ['status', 6], ['reset', 0]] as const) {
      const errs = only(await raw(`stresslab_errors_per_second{${run}, request="validate", kind="${kind}"}`, endSec), kind);
      expect(errs.map(([, v]) => v)).toEqual([...Array(GT.seconds).keys()].map((t) => (inFault(t) ? n : 0)));
    }
    const p95 = only(await raw(`stresslab_ok_latency_seconds{${run}, request="validate", quantile="0.95"}`, endSec), 'p95');
    for (let t = 0; t < GT.seconds; t++) near(p95[t]?.[1], inFault(t) ? 0.04 : 0.01);
    const p50All = only(await raw(`stresslab_ok_latency_seconds{${run}, request="*", quantile="0.5"}`, endSec), 'p50 *');
    near(p50All[15]?.[1], 0.005); // 10 status at 5 ms + 8 validate at 40 ms: the 9th of 18
    near(p50All[5]?.[1], 0.01);
    const koP95 = only(await raw(`stresslab_ko_latency_seconds{${run}, request="validate"}`, endSec), 'ko p95');
    expect(koP95).toHaveLength(GT.faultSeconds.to - GT.faultSeconds.from + 1);
    near(koP95[0]?.[1], 2);
    expect(only(await raw(`stresslab_dropped_iterations_per_second{${run}}`, endSec), 'dropped')[15]).toEqual([at(15), 3]);

    // The fault window, to the millisecond of its edges.
    const active = new Map(only(await raw(`stresslab_fault_active{${run}, fault="api-partition"}`, endSec), 'active'));
    expect(active.get(startMs + 10_000)).toBe(0);
    expect(active.get(startMs + GT.fault.injectedAtMs)).toBe(1);
    expect(active.get(startMs + 20_000)).toBe(1);
    expect(active.get(startMs + GT.fault.removedAtMs)).toBe(0);
    expect(active.get(startMs + 21_000)).toBe(0);
    const edge = await promQuery(prometheus.prom.url, `stresslab_fault_active{${run}}`, (startMs + GT.fault.injectedAtMs + 100) / 1000);
    expect(edge.result[0]?.points[0]?.[1]).toBe(1);

    const last = async (q: string): Promise<number | undefined> => (await promQuery(prometheus.prom.url, `last_over_time(${q}[5m])`, endSec)).result[0]?.points[0]?.[1];
    expect(await last(`stresslab_fault_ttd_seconds{${run}}`)).toBe(GT.fault.ttdSec);
    expect(await last(`stresslab_fault_ttr_seconds{${run}}`)).toBe(GT.fault.ttrSec);
    expect(await last(`stresslab_mttr_seconds{${run}}`)).toBe(GT.fault.ttrSec);
    expect(await last(`stresslab_run_verdict{${run}, verdict="fail"}`)).toBe(1);
    expect(await last(`stresslab_run_verdict{${run}, verdict="pass"}`)).toBe(0);
  });

  it('every PromQL query of the Grafana dashboard returns data for that run', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    const startSec = startMs / 1000;
    const vars: Record<string, string> = { scenario: 'outputs-gt', env: 'ci', profile: 'quick', run_id: runId, request: '.+', __range: `${Math.ceil(endSec - startSec) + 60}s`, __interval: '1s', __rate_interval: '4s' };
    // Grafana's variable syntax: $name and ${name}.
    const fill = (q: string): string => q.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => vars[(a ?? b) as string] ?? whole);
    const queries = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr, instant: t.instant === true }))),
      ...dashboard.annotations.list.filter((a) => a.expr !== undefined).map((a) => ({ where: `annotation "${a.name}"`, expr: a.expr as string, instant: false })),
    ];
    expect(queries.length).toBeGreaterThanOrEqual(14);
    for (const q of queries) {
      const expr = fill(q.expr);
      expect(expr, q.where).not.toContain('$');
      const series = q.instant ? (await promQuery(prometheus.prom.url, expr, endSec)).result : await promQueryRange(prometheus.prom.url, expr, startSec, endSec, 1);
      expect(series.length, `${q.where}: ${expr}`).toBeGreaterThan(0);
      expect(series.every((s) => s.labels.run_id === runId), q.where).toBe(true);
    }
    // The template variables' label_values() queries find the run.
    const expected: Record<string, string> = { scenario: 'outputs-gt', env: 'ci', profile: 'quick', run_id: runId, request: 'validate' };
    for (const v of dashboard.templating.list.filter((t) => t.type === 'query')) {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(fill(v.definition ?? ''));
      expect(m, v.name).not.toBeNull();
      const res = await fetch(`${prometheus.prom.url}/api/v1/label/${m?.[2]}/values?${new URLSearchParams({ 'match[]': m?.[1] ?? '', start: String(startSec), end: String(endSec) })}`);
      const body = (await res.json()) as { data: string[] };
      expect(body.data, v.name).toContain(expected[v.name]);
    }
  });

  it('a second send of the same run is refused by Prometheus (out of order) and says why, exit 4', async () => {
    const io = captureIo(prometheus.dir);
    const code = await main(['report', gtRunDir, '-o', `prometheus-rw=${prometheus.prom.url}/api/v1/write`], io);
    expect(code).toBe(4);
    expect(io.stderr()).toMatch(/HTTP 400: out of order sample.*was this run sent to it before\?.*\(exit 4; the run directory is unchanged\)/s);
  });

  it('a receiver that refuses (404) is a warning naming the fix; `report -o` exits 4', async () => {
    const runDir = await writeGroundTruthRunDir(path.join(prometheus.dir, 'reports'), Date.now() - 40_000, `gt-down-${process.pid}`);
    const io = captureIo(prometheus.dir);
    // A port Prometheus does not listen on: the receiver's own port, path not found (404).
    const code = await main(['report', runDir, '-o', `prometheus-rw=${prometheus.prom.url}/no/such/path`], io);
    expect(code).toBe(4);
    expect(io.stderr()).toMatch(/warning: output prometheus-rw .*no\/such\/path failed: request 1 of 1: HTTP 404.*remote-write receiver/);
  });
});

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ refId: string; expr: string; instant?: boolean }> }>;
  annotations: { list: Array<{ name: string; expr?: string }> };
  templating: { list: Array<{ name: string; type: string; definition?: string }> };
}
