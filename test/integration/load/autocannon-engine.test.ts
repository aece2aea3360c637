import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedRequest, RequestFactory } from '../../../harness/load/engine.ts';
import { summarizeStats } from '../../../harness/analysis/summarize-stats.ts';
import { fixedRequests } from '../../support/fixed-requests.ts';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';
import { runEnginePhase, timelineCount } from '../../support/run-engine-phase.ts';

let fast: TestServer;
let slow: TestServer;
beforeAll(async () => {
  [fast, slow] = await Promise.all([startTestServer({ kind: 'fast' }), startTestServer({ kind: 'delay', delayMs: 20 })]);
});
afterAll(async () => {
  await Promise.all([fast.stop(), slow.stop()]);
});

/** Counts calls per VU and records which VUs were active in each second. */
function countingRequests(): RequestFactory & { perVu: Map<number, number>; vusBySecond: Map<number, Set<number>> } {
  const t0 = performance.now();
  const req: PreparedRequest = { name: 'get', method: 'GET', path: '/', headers: {}, body: undefined, expectedStatuses: undefined };
  const perVu = new Map<number, number>();
  const vusBySecond = new Map<number, Set<number>>();
  return {
    perVu,
    vusBySecond,
    next(vu) {
      perVu.set(vu, (perVu.get(vu) ?? 0) + 1);
      const s = Math.floor((performance.now() - t0) / 1000);
      if (!vusBySecond.has(s)) vusBySecond.set(s, new Set());
      vusBySecond.get(s)?.add(vu);
      return req;
    },
  };
}

describe('autocannon engine', () => {
  it('constant-vus: runs for the duration and records every response per second, in µs', async () => {
    const before = await fast.received();
    const requests = countingRequests();
    const run = await runEnginePhase(fast.url, { executor: 'constant-vus', vus: 10, durationMs: 2000 }, { requests });
    const received = (await fast.received()) - before;
    expect(run.summary.sent).toBeGreaterThan(200); // throughput is a bench matter; here, consistency of the counts
    expect(run.summary.completed).toBe(run.summary.sent);
    expect(received).toBe(run.summary.sent);
    expect(timelineCount(run.lines)).toBe(run.summary.sent);
    expect(run.agg.totals.requests).toBe(run.summary.sent);
    expect([...requests.perVu.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run.elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(run.elapsedMs).toBeLessThan(3500);
    // sub-millisecond resolution (autocannon itself records whole ms)
    const stats = summarizeStats(run.agg.totals, 2000);
    expect(stats.latencyMs.min).toBeLessThan(1);
    expect(Number.isInteger(stats.latencyMs.p50)).toBe(false);
    expect(run.lines.length).toBeGreaterThanOrEqual(2);
  });

  it('shared-iterations: exactly `iterations` requests over all VUs', async () => {
    const requests = countingRequests();
    const run = await runEnginePhase(slow.url, { executor: 'shared-iterations', vus: 7, iterations: 300, durationMs: 20_000 }, { requests });
    expect(run.summary).toEqual({ sent: 300, completed: 300, dropped: 0 });
    expect([...requests.perVu.values()].reduce((a, b) => a + b, 0)).toBe(300);
    expect(requests.perVu.size).toBe(7);
    expect(timelineCount(run.lines)).toBe(300);
    // the server holds 20 ms (its timer may fire a fraction early on its own clock)
    expect(summarizeStats(run.agg.totals, 1000).latencyMs.min).toBeGreaterThanOrEqual(19);
  });

  it('per-vu-iterations: each VU does exactly `iterations`', async () => {
    const requests = countingRequests();
    const run = await runEnginePhase(fast.url, { executor: 'per-vu-iterations', vus: 4, iterations: 25, durationMs: 20_000 }, { requests });
    expect(run.summary.sent).toBe(100);
    expect([...requests.perVu.entries()].sort()).toEqual([
      [0, 25],
      [1, 25],
      [2, 25],
      [3, 25],
    ]);
  });

  it('iterations not done by maxDuration are dropped', async () => {
    const run = await runEnginePhase(slow.url, { executor: 'shared-iterations', vus: 2, iterations: 10_000, durationMs: 1000, gracefulStopMs: 500 });
    expect(run.summary.dropped).toBe(10_000 - run.summary.sent);
    expect(run.summary.dropped).toBeGreaterThan(9000);
    expect(run.agg.totals.droppedIterations).toBe(run.summary.dropped);
    expect(run.agg.totals.errors).toBe(0);
  });

  it('ramping-vus: steps the connection count each second', async () => {
    const requests = countingRequests();
    const run = await runEnginePhase(slow.url, { executor: 'ramping-vus', startVUs: 0, stages: [{ target: 8, durationMs: 4000 }], durationMs: 4000 }, { requests });
    // 1-second steps at the midpoint: 1, 3, 5, 7 VUs
    const active = [0, 1, 2, 3].map((s) => requests.vusBySecond.get(s)?.size ?? 0);
    expect(active[0]).toBeLessThanOrEqual(3);
    expect(active[3]).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < active.length; i++) expect(active[i]).toBeGreaterThanOrEqual(active[i - 1] ?? 0);
    expect(run.agg.totals.errors).toBe(0);
    expect(timelineCount(run.lines)).toBe(run.summary.sent);
  });

  it('sends request bodies (POST) through setupRequest', async () => {
    const requests = fixedRequests({ method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
    const run = await runEnginePhase(fast.url, { executor: 'per-vu-iterations', vus: 2, iterations: 5, durationMs: 5000 }, { requests });
    expect(run.agg.totals.statusCounts).toEqual({ '2xx': 10 });
  });
});
