import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorHealth } from '../../../harness/analysis/generator-health.ts';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';
import { runEnginePhase } from '../../support/run-engine-phase.ts';

/**
 * The generator watches itself: a load thread blocked on purpose (a busy loop on its own event
 * loop, 60 ms of every 100) sends late and is busy, and its timeline says so second by second.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'fast' });
});
afterAll(async () => {
  await server.stop();
});

const phase = { executor: 'constant-arrival-rate', ratePerSec: 200, durationMs: 4000, preAllocatedVUs: 20, maxVUs: 100 } as const;

function busyLoop(): () => void {
  const timer = setInterval(() => {
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // the generator's own thread, blocked
    }
  }, 100);
  return () => clearInterval(timer);
}

describe('generator health on the timeline', () => {
  it('a blocked load thread: send lag and busy seconds, the run saturated; the same load unblocked lags far less', async () => {
    const stop = busyLoop();
    let blocked;
    try {
      blocked = await runEnginePhase(server.url, phase);
    } finally {
      stop();
    }
    const free = await runEnginePhase(server.url, phase);
    const b = generatorHealth(blocked.lines);
    const f = generatorHealth(free.lines);
    expect(b, JSON.stringify(blocked.lines.map((l) => l.generator))).not.toBeNull();
    expect(b!.saturated).toBe(true);
    expect(b!.saturatedSeconds.length).toBeGreaterThanOrEqual(3);
    // Arrivals due during a 60 ms block go out up to 60 ms late.
    expect(b!.worstSendLagP99Ms!).toBeGreaterThan(20);
    expect(b!.maxBusyPct).toBeGreaterThan(50);
    expect(b!.maxLoopDelayP99Ms).toBeGreaterThan(20);
    expect(f!.worstSendLagP99Ms!).toBeLessThan(b!.worstSendLagP99Ms! / 2);
    // Every second of the load carries the generator's figures, sockets included.
    for (const l of blocked.lines.filter((x) => x.t >= 1 && x.t <= 3)) {
      expect(l.generator?.threads).toHaveLength(1);
      expect(l.generator?.threads[0]?.sockets).toBeGreaterThan(0);
      expect(l.generator?.sendLag?.length).toBeGreaterThan(0);
    }
  });

  it('the closed model reports its thread and sockets, and no send lag (it sends when it intends to)', async () => {
    const run = await runEnginePhase(server.url, { executor: 'constant-vus', vus: 4, durationMs: 2000 });
    const mid = run.lines.find((l) => l.t === 1);
    expect(mid?.generator?.threads[0]?.sockets).toBe(4);
    expect(mid?.generator?.sendLag).toBeUndefined();
    expect(mid?.generator?.cpuPct).toBeGreaterThan(0);
  });
});
