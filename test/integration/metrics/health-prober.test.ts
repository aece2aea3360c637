import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startHealthProber } from '../../../harness/metrics/health-prober.ts';
import type { ProbeSample } from '../../../harness/contract/timeline-types.ts';
import { monotonicClock } from '../../../harness/core/clock.ts';
import { isStresslabError } from '../../../harness/core/stresslab-error.ts';
import { spawnFixture } from './fixtures/spawn-fixture.ts';
import type { Fixture } from './fixtures/spawn-fixture.ts';
import { closedPort } from '../../support/servers/spawn-test-server.ts';

const started: Fixture[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.stop()));
});

/** The server judges by arrival time, the probe is stamped at send: allow this much between them. */
const EDGE_MS = 40;

describe('health prober', () => {
  it('sees failures exactly while the server fails (2.0 s … 3.5 s), ±1 probe', async () => {
    const server = await spawnFixture('flapping-server.ts', ['2000', '3500']);
    started.push(server);
    const base = `http://127.0.0.1:${server.lines[0]?.port as number}`;
    const clock = monotonicClock();
    await (await fetch(`${base}/__arm?origin=${performance.timeOrigin + performance.now() - clock.nowMs()}`)).text();
    const url = `${base}/healthz`;
    const probes: ProbeSample[] = [];
    const prober = startHealthProber({ url, clock, intervalMs: 250, onProbe: (p) => probes.push(p) });
    await sleep(Math.max(0, 5_000 - clock.nowMs()));
    await prober.stop();

    const failed = probes.filter((p) => !p.ok);
    for (const p of probes) {
      if (p.atMs < 2_000 - EDGE_MS || p.atMs >= 3_500 + EDGE_MS) expect(p, `probe at ${p.atMs.toFixed(0)} ms`).toMatchObject({ ok: true, status: 200 });
      if (p.atMs >= 2_000 + EDGE_MS && p.atMs < 3_500 - EDGE_MS) expect(p, `probe at ${p.atMs.toFixed(0)} ms`).toMatchObject({ ok: false, status: 503 });
    }
    // 1.5 s of failure at one probe per 250 ms.
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed.length).toBeLessThanOrEqual(7);
    const gaps = probes.slice(1).map((p, i) => p.atMs - (probes[i]?.atMs ?? 0));
    expect(gaps.filter((g) => g > 150 && g < 350).length).toBeGreaterThanOrEqual(gaps.length - 2);
    for (const p of probes) expect(p.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('a probe without an answer fails at its timeout and the next one starts on schedule', async () => {
    const clock = monotonicClock();
    const server = await spawnFixture('flapping-server.ts', ['0', '0']);
    started.push(server);
    const probes: ProbeSample[] = [];
    const t0 = clock.nowMs();
    const prober = startHealthProber({ url: `http://127.0.0.1:${server.lines[0]?.port as number}/slow`, clock, intervalMs: 200, timeoutMs: 100, onProbe: (p) => probes.push(p) });
    await sleep(1_050);
    await prober.stop();
    expect(probes.length).toBeGreaterThanOrEqual(4);
    for (const p of probes) {
      expect(p).toMatchObject({ ok: false, status: null });
      expect(p.latencyMs).toBeGreaterThanOrEqual(95);
      expect(p.latencyMs).toBeLessThan(190);
    }
    // Scheduled on the 200 ms grid from the start, not 200 ms after each timeout.
    expect((probes[3]?.atMs ?? Infinity) - t0).toBeLessThan(3 * 200 + 120);
  });

  it('a refused connection is a failed probe, and a timeout not shorter than the period is rejected', async () => {
    const clock = monotonicClock();
    const probes: ProbeSample[] = [];
    const prober = startHealthProber({ url: `http://127.0.0.1:${await closedPort()}/healthz`, clock, intervalMs: 100, onProbe: (p) => probes.push(p) });
    await sleep(350);
    await prober.stop();
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.every((p) => !p.ok && p.status === null)).toBe(true);
    let error: unknown;
    try {
      startHealthProber({ url: 'http://127.0.0.1:1/', clock, intervalMs: 250, timeoutMs: 250, onProbe: () => undefined });
    } catch (e) {
      error = e;
    }
    expect(isStresslabError(error) && error.code === 'BAD_USAGE').toBe(true);
  });
});
