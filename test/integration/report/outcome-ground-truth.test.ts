import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineAggregates } from '../../../harness/analysis/timeline-aggregates.ts';
import { summarizeStats } from '../../../harness/analysis/summarize-stats.ts';
import { failureWindows } from '../../../harness/analysis/failure-windows.ts';
import { fixedRequests } from '../../support/fixed-requests.ts';
import { closedPort, startTestServer, type TestServer } from '../../support/servers/spawn-test-server.ts';
import { runEnginePhase } from '../../support/run-engine-phase.ts';

/**
 * OK and KO against ground truth (docs/outcomes.md): a server that answers OK in 20 ms and every
 * fifth request 503 at once, counting both itself; and a closed port that refuses everything. The
 * real engine and recorder write the timeline, the analysis reads it back, as in a run.
 */
const OK_MS = 20;
const FAIL_EVERY = 5;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'mixed', okMs: OK_MS, failEvery: FAIL_EVERY, failStatus: 503, loadPath: '/work' });
});
afterAll(async () => {
  await server.stop();
});

describe('OK and KO measured against ground truth', () => {
  it('success-only p50 is the server\'s 20 ms, fast failures are counted exactly and kept out of it', async () => {
    const run = await runEnginePhase(server.url, { executor: 'constant-arrival-rate', ratePerSec: 100, durationMs: 3000, preAllocatedVUs: 20, maxVUs: 100 }, { requests: fixedRequests({ path: '/work' }) });
    const { traffic, series } = timelineAggregates({ seconds: run.lines, late: run.late });
    const stats = summarizeStats(traffic.totals, 3000);
    const truth = await server.served();
    expect(stats.requests).toBe(300);
    expect(truth.ok + truth.failed).toBe(300);
    // KO exactly the server's 503s, and each of them a 5xx response, none a transport error
    expect(stats.errors).toBe(truth.failed);
    expect(stats.errors).toBe(300 / FAIL_EVERY);
    expect(stats.statusCounts).toEqual({ '2xx': truth.ok, '5xx': truth.failed });
    expect(stats.errorKinds).toEqual({ timeout: 0, refused: 0, reset: 0, other: 0 });
    // OK latency is the server's hold plus loopback and the generator's send lag (measured from the
    // intended send time): at least 20 ms, and the exact percentiles of the OK outcomes' own latencies
    // (HDR keeps 3 significant digits); the fast 503s are kept out of it
    const exact = (values: number[], p: number): number => [...values].sort((x, y) => x - y)[Math.ceil((p / 100) * values.length) - 1]!;
    const okRaw = run.outcomes.filter((o) => !o.failed).map((o) => o.latencyUs / 1000);
    const koRaw = run.outcomes.filter((o) => o.failed).map((o) => o.latencyUs / 1000);
    expect(okRaw).toHaveLength(truth.ok);
    expect(stats.okLatencyMs?.min).toBeGreaterThanOrEqual(OK_MS);
    expect(stats.okLatencyMs?.p50).toBeLessThan(2 * OK_MS);
    for (const p of [50, 95, 99] as const) {
      expect(Math.abs((stats.okLatencyMs?.[`p${p}`] ?? 0) - exact(okRaw, p)) / exact(okRaw, p), `OK p${p}`).toBeLessThan(0.002);
    }
    expect(Math.abs((stats.koLatencyMs?.p50 ?? 0) - exact(koRaw, 50)) / exact(koRaw, 50), 'KO p50').toBeLessThan(0.002);
    // the 503s come back at once: KO p50 below the OK requests' 20 ms; every request's minimum is a 503's
    expect(stats.koLatencyMs?.p50).toBeLessThan(OK_MS);
    expect(stats.latencyMs.min).toBeLessThan(OK_MS);
    // per second: OK and KO add up to the second's requests, classes too, OK p50 about 20 ms in every full second
    for (const p of series.filter((x) => x.requests > 0)) {
      expect(p.successes + p.errors).toBe(p.requests);
      expect((p.statusCounts?.['2xx'] ?? 0) + (p.statusCounts?.['5xx'] ?? 0)).toBe(p.requests);
      expect(p.statusCounts?.['5xx']).toBe(p.errors);
      // a lower bound only: from the intended send time, an OK request waited at least the server's hold
      expect(p.successP50Ms).toBeGreaterThanOrEqual(OK_MS);
      expect(p.failedP95Ms).not.toBeNull();
    }
    // the whole run fails a little every second: one stretch, all of its failures
    const windows = failureWindows(series, []);
    expect(windows.windows).toHaveLength(1);
    expect(windows.windows[0]).toMatchObject({ errors: truth.failed, requests: 300, errorKinds: { refused: 0 } });
  }, 20_000);

  it('a closed port: every request refused, counted as KO with no latency, and no OK latency at all', async () => {
    const run = await runEnginePhase(`http://127.0.0.1:${await closedPort()}`, { executor: 'constant-arrival-rate', ratePerSec: 50, durationMs: 1000, preAllocatedVUs: 10, maxVUs: 50, gracefulStopMs: 1000 });
    const { traffic, series } = timelineAggregates({ seconds: run.lines, late: run.late });
    const stats = summarizeStats(traffic.totals, 1000);
    expect(stats.requests).toBe(50);
    expect(stats.errors).toBe(50);
    expect(stats.errorKinds).toEqual({ timeout: 0, refused: 50, reset: 0, other: 0 });
    expect(stats.statusCounts).toEqual({});
    expect(stats.okLatencyMs).toBeNull();
    expect(stats.koLatencyMs).toBeNull();
    // in the series: no OK latency (null, not 0) in the seconds that had requests
    const busy = series.filter((p) => p.requests > 0);
    expect(busy.length).toBeGreaterThan(0);
    for (const p of busy) expect([p.successP50Ms, p.successP95Ms, p.successP99Ms, p.failedP95Ms]).toEqual([null, null, null, null]);
  }, 20_000);
});
