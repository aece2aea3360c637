import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';
import { runEnginePhase, timelineCount } from '../../support/run-engine-phase.ts';
import type { PhaseRun } from '../../support/run-engine-phase.ts';

/*
 * Rate accuracy of the open-model engine against a trivial server in a child process (its own
 * event loop). Accuracy is judged on when requests were actually sent, not on the schedule.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'fast' });
});
afterAll(async () => {
  await server.stop();
});

function sentWithin(run: PhaseRun, fromMs: number, toMs: number): number {
  return run.sentAtMs.filter((t) => t >= fromMs && t < toMs).length;
}

async function constantRate(ratePerSec: number, durationMs: number): Promise<PhaseRun> {
  // maxVUs is generous so that a CPU stall of the shared machine shows as latency, not as drops
  return runEnginePhase(server.url, { executor: 'constant-arrival-rate', ratePerSec, durationMs, preAllocatedVUs: 50, maxVUs: 4000 });
}

describe('arrival engine: constant rate', () => {
  // One retry: other processes on a 2-core machine can starve the server for a second.
  it.each([200, 2000])('holds %i rps within 1% over 10 s', { timeout: 30_000, retry: 1 }, async (rate) => {
    await constantRate(rate, 1000); // warm up the server's and our JIT, and the connections
    const before = await server.received();
    const run = await constantRate(rate, 10_000);
    const expected = rate * 10;
    expect(run.summary.sent + run.summary.dropped).toBe(expected);
    expect(run.summary.dropped).toBeLessThanOrEqual(expected * 0.01);
    // sent inside the 10 s window (+ one scheduler tick of slack at its end)
    const inWindow = sentWithin(run, run.startMs, run.startMs + 10_000 + 20);
    expect(Math.abs(inWindow - expected) / expected).toBeLessThanOrEqual(0.01);
    expect((await server.received()) - before).toBe(run.summary.sent);
    expect(run.agg.totals.requests).toBe(run.summary.sent);
    expect(timelineCount(run.lines)).toBe(run.summary.sent);
    expect(run.agg.totals.errors).toBe(0);
    expect(run.lines.map((l) => l.t).slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('arrival engine: ramping rate', () => {
  it('follows the target rate per second within 5%', async () => {
    const stages = [
      { target: 600, durationMs: 3000 },
      { target: 600, durationMs: 1000 },
      { target: 200, durationMs: 2000 },
    ];
    const run = await runEnginePhase(server.url, { executor: 'ramping-arrival-rate', startRatePerSec: 200, stages, durationMs: 6000, preAllocatedVUs: 50, maxVUs: 1000 });
    // area under the rate line per second: 200→600 over 3 s, 600 for 1 s, 600→200 over 2 s
    const expected = [266.7, 400, 533.3, 600, 500, 300];
    const perSecond = expected.map((_, s) => sentWithin(run, run.startMs + s * 1000, run.startMs + (s + 1) * 1000));
    perSecond.forEach((n, s) => {
      const e = expected[s] ?? 0;
      expect(Math.abs(n - e) / e, `second ${s}: sent ${n}, expected ${e}`).toBeLessThanOrEqual(0.05);
    });
    expect(run.summary.dropped).toBe(0);
  }, 20_000);
});
