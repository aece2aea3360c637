import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadPhasePlan } from '../../../harness/contract/plan-types.ts';
import type { TimelineLate, TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { mergeEncoded } from '../../../harness/metrics/latency-histogram.ts';
import { absoluteNowMs, SegmentedLoad } from '../../../harness/run/segmented-load.ts';
import type { PhaseOutcome } from '../../../harness/run/phase-scheduler.ts';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';

/**
 * The load in worker threads, one execution segment each, merged per second in the main thread:
 * the same schedule as one thread, every arrival once, percentiles of the merged histograms.
 */
let server: TestServer;
beforeAll(async () => {
  // 100 ms: the scheduling noise of two threads sharing two cores with the server (2–3 ms at p50) stays small beside it.
  server = await startTestServer({ kind: 'delay', delayMs: 100 });
});
afterAll(async () => {
  await server.stop();
});

const phase: LoadPhasePlan = { executor: 'constant-arrival-rate', name: 'steady', startMs: 300, durationMs: 4000, gracefulStopMs: 2000, ratePerSec: 400, preAllocatedVUs: 50, maxVUs: 400 };

async function run(count: number, phases: LoadPhasePlan[] = [phase], baseUrl = server.url): Promise<{ lines: TimelineSecond[]; late: TimelineLate[]; outcomes: PhaseOutcome[]; events: string[]; captured: number }> {
  let captured = 0;
  const lines: TimelineSecond[] = [];
  const late: TimelineLate[] = [];
  const events: string[] = [];
  const load = await SegmentedLoad.start({
    count,
    data: {
      baseUrl,
      timeoutMs: 5000,
      phases,
      phaseRequests: {},
      // The server answers {"ok":true,…}: every answer captures `ok`, and the audit's captures come back to the main thread.
      requestSource: { scenario: { requests: [{ name: 'get', method: 'GET', path: '/x?n={{seq}}', weight: 1, capture: { flag: 'ok' } }] }, bodies: [] },
      seed: 1,
      forwardCaptures: ['flag'],
    },
    onCapture: (name, value) => {
      if (name === 'flag' && value === 'true') captured++;
    },
    onSecond: (l) => lines.push(l),
    onLate: (l) => late.push(l),
    onPhaseStart: (p) => events.push(`start ${p.name}`),
    onPhaseEnd: (p) => events.push(`end ${p.name}`),
  });
  const outcomes = await load.run(phases, new AbortController().signal, { absMs: absoluteNowMs(), epochMs: Date.now() });
  return { lines, late, outcomes, events, captured };
}

const counts = (lines: readonly TimelineSecond[]): number[] => lines.map((l) => Object.values(l.requests).reduce((a, r) => a + r.count, 0));

describe('segmented load', () => {
  it('2 workers send exactly the schedule, merged per second like 1 worker; percentiles of a 100 ms server agree', async () => {
    const one = await run(1);
    const two = await run(2);
    for (const r of [one, two]) {
      expect(r.outcomes[0]?.error).toBeNull();
      expect(r.outcomes[0]?.summary).toEqual({ sent: 1600, completed: 1600, dropped: 0 });
      expect(r.late).toEqual([]);
      expect(r.events).toEqual(['start steady', 'end steady']);
      expect(r.captured).toBe(1600);
    }
    // Arrivals are keyed by intended second: the same counts, second by second (0.3 s … 4.3 s: 280, 400, 400, 400, 120).
    expect(counts(two.lines)).toEqual(counts(one.lines));
    expect(counts(two.lines).filter((n) => n > 0)).toEqual([280, 400, 400, 400, 120]);
    expect(two.lines.every((l) => l.generator === undefined || l.generator.threads.length === 2)).toBe(true);
    // Steady seconds only: every worker thread starts cold, and its first second of load answers later.
    const p = (r: typeof one, q: number) =>
      mergeEncoded(r.lines.filter((l) => l.t >= 2 && l.t <= 3).flatMap((l) => Object.values(l.requests).map((x) => x.histogram))).percentileMs(q);
    // The merge itself is exact (test/unit/metrics/merge-seconds.test.ts); two separate runs on a shared
    // 2-core machine differ by the server's and the machine's own delays, which move the tail most:
    // measured, p90 differed by up to 7 % either way between runs (and p99 reached 180 ms once), p50
    // stayed within 5 %.
    expect(p(one, 50)).toBeGreaterThanOrEqual(100);
    expect(Math.abs(p(two, 50) / p(one, 50) - 1), `p50: ${p(two, 50)} vs ${p(one, 50)}`).toBeLessThan(0.05);
  }, 60_000);

  it('open model: maxVUs are shared out too, so 2 workers drop what 1 drops when the VUs cannot keep up', async () => {
    // 5 VUs at 100 ms each start at most 50 of the 200 arrivals a second, in one thread or in two (2 + 3).
    const short: LoadPhasePlan = { ...phase, durationMs: 3000, ratePerSec: 200, preAllocatedVUs: 5, maxVUs: 5 };
    const dropped: number[] = [];
    for (const count of [1, 2]) {
      const r = await run(count, [short]);
      const summary = r.outcomes[0]?.summary;
      expect(summary && summary.sent + summary.dropped).toBe(600);
      const share = (summary?.dropped ?? 0) / 600;
      expect(share, `${count} worker(s): ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(0.74);
      expect(share).toBeLessThan(0.9);
      expect(r.lines.reduce((n, l) => n + l.droppedIterations, 0)).toBe(summary?.dropped);
      const sockets = r.lines.flatMap((l) => l.generator?.threads.map((t) => t.sockets) ?? []);
      expect(Math.max(...sockets), 'no thread holds more than its share of the VUs').toBeLessThanOrEqual(count === 1 ? 5 : 3);
      dropped.push(summary?.dropped ?? 0);
    }
    expect(Math.abs((dropped[1] ?? 0) - (dropped[0] ?? 0)), `dropped: ${dropped.join(' vs ')}`).toBeLessThanOrEqual(30);
  }, 60_000);

  it('ramping rate: 2 workers send the schedule\'s arrivals second by second, exactly as 1 worker does', async () => {
    const fast = await startTestServer({ kind: 'fast' });
    try {
      const ramp: LoadPhasePlan = { executor: 'ramping-arrival-rate', name: 'ramp', startMs: 0, durationMs: 3000, gracefulStopMs: 1000, startRatePerSec: 100, stages: [{ target: 500, durationMs: 2000 }, { target: 200, durationMs: 1000 }], preAllocatedVUs: 20, maxVUs: 400 };
      const one = await run(1, [ramp], fast.url);
      const two = await run(2, [ramp], fast.url);
      // The area under the rate line per second: 100→300, 300→500, 500→200.
      expect(counts(one.lines)).toEqual([200, 400, 350]);
      expect(counts(two.lines)).toEqual(counts(one.lines));
      expect(two.outcomes[0]?.summary).toEqual({ sent: 950, completed: 950, dropped: 0 });
    } finally {
      await fast.stop();
    }
  }, 60_000);

  it('free of coordinated omission with 2 workers too: a 500 ms stall once a second shows in p90 and p99', async () => {
    const stall = await startTestServer({ kind: 'stall', stallMs: 500, everyMs: 1000 });
    try {
      const open: LoadPhasePlan = { ...phase, startMs: 0, durationMs: 3000, ratePerSec: 200, preAllocatedVUs: 50, maxVUs: 400 };
      const r = await run(2, [open], stall.url);
      expect(r.outcomes[0]?.summary?.dropped).toBe(0);
      const all = mergeEncoded(r.lines.flatMap((l) => Object.values(l.requests).map((x) => x.histogram)));
      // Half of all arrivals wait U(0, 500) ms: p90 ≈ 400, p99 ≈ 490 (the closed model would hide it: arrival-latency.test.ts).
      expect(all.percentileMs(99), `p99 ${all.percentileMs(99)}`).toBeGreaterThanOrEqual(400);
      expect(all.percentileMs(90), `p90 ${all.percentileMs(90)}`).toBeGreaterThanOrEqual(300);
    } finally {
      await stall.stop();
    }
  }, 60_000);

  it('closed model: the VUs are shared out (3 + 2 of 5), each request once', async () => {
    const closed: LoadPhasePlan = { executor: 'shared-iterations', name: 'iters', startMs: 200, durationMs: 10_000, gracefulStopMs: 2000, vus: 5, iterations: 101 };
    const r = await run(2, [closed]);
    expect(r.outcomes[0]?.summary).toEqual({ sent: 101, completed: 101, dropped: 0 });
    expect(counts(r.lines).reduce((a, b) => a + b, 0)).toBe(101);
    const sockets = r.lines.flatMap((l) => l.generator?.threads.map((t) => t.sockets) ?? []);
    expect(Math.max(...sockets)).toBeLessThanOrEqual(3);
  }, 60_000);
});
