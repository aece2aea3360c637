import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivalEngine } from '../../../harness/load/index.ts';
import type { OutcomeSink } from '../../../harness/load/engine.ts';
import { startResourceSampler } from '../../../harness/metrics/resource-sampler.ts';
import type { ResourceSampler } from '../../../harness/metrics/resource-sampler.ts';
import { monotonicClock } from '../../../harness/core/clock.ts';
import type { Clock } from '../../../harness/core/clock.ts';
import { startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { TestServer } from '../../support/servers/spawn-test-server.ts';
import { fixedRequests } from '../../support/fixed-requests.ts';

/**
 * Issue 5: sampling must not disturb the load. The arrival engine's send lag (actual − intended
 * send time, taken in the sink's onStart, which the engine calls right before dispatching) with
 * the sampler off and on, in alternating runs so that the machine's load (other test runs share
 * the 2 cores) drifts alike for both.
 * Two checks:
 * - p99 of all sends, on vs off: on ≤ 2·off + 2 ms + the spread between the off runs' own p99s.
 *   On a quiet machine the spread is ~0 and the bound ≈ 2·off + 2 ms; on a busy one, stalls of
 *   tens of ms from other processes dominate p99 and the bound widens by exactly that noise;
 * - tick-locked: a sampler that blocked the engine's loop would do so at its ticks, so the worst
 *   lag in a 50 ms window at each tick is compared with the same windows elsewhere in the run.
 *   A 6 ms execSync per tick on the main thread (systeminformation's currentLoad) touches < 1 % of
 *   the sends at 500 rps, invisible to p99, but shows here (measured: 8–22 ms vs 1–2 ms).
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'fast' });
});
afterAll(async () => {
  await server?.stop();
});

const RATE = 500;
const DURATION_MS = 2_500;
const WINDOW_MS = 50;

interface Send {
  intendedAtMs: number;
  lagMs: number;
}

async function sendLags(clock: Clock): Promise<Send[]> {
  const sends: Send[] = [];
  const sink: OutcomeSink = {
    onStart: (intendedAtMs) => sends.push({ intendedAtMs, lagMs: clock.nowMs() - intendedAtMs }),
    onOutcome: () => undefined,
    onDropped: () => undefined,
  };
  const startMs = clock.nowMs() + 50;
  await arrivalEngine.run(
    { name: 'p', executor: 'constant-arrival-rate', startMs, durationMs: DURATION_MS, gracefulStopMs: 2_000, ratePerSec: RATE, preAllocatedVUs: 50, maxVUs: 200 },
    { baseUrl: server.url, clock, requests: fixedRequests(), sink, signal: new AbortController().signal, timeoutMs: 5_000 },
  );
  return sends;
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** Worst lag among sends intended in [fromMs, fromMs + WINDOW_MS); null for an empty window. */
function worstIn(sends: readonly Send[], fromMs: number): number | null {
  const inWindow = sends.filter((s) => s.intendedAtMs >= fromMs && s.intendedAtMs < fromMs + WINDOW_MS);
  return inWindow.length === 0 ? null : Math.max(...inWindow.map((s) => s.lagMs));
}

describe('resource sampler vs the arrival engine', () => {
  it('does not grow the send-time jitter (p99 of actual − intended) at 500 rps', async () => {
    const off: number[] = [];
    const on: number[] = [];
    const offRunP99: number[] = [];
    const atTicks: number[] = [];
    const elsewhere: number[] = [];
    for (const sampling of [false, true, false, true, false, true]) {
      const clock = monotonicClock();
      const ticks: number[] = [];
      let sampler: ResourceSampler | null = null;
      if (sampling) {
        sampler = startResourceSampler({ clock, targetPid: () => server.pid, onSample: (s) => ticks.push(s.atMs) });
        // The worker's start (tsx compiling in the worker) is a one-off burst: the runner starts
        // the sampler before the load, and so does this test.
        await sampler.ready;
      }
      const sends = await sendLags(clock);
      await sampler?.stop();
      // Iterations dropped at maxVUs (a starved server) have no send time; nearly all must have one.
      expect(sends.length).toBeGreaterThan(0.9 * RATE * (DURATION_MS / 1000));
      (sampling ? on : off).push(...sends.map((s) => s.lagMs));
      if (!sampling) offRunP99.push(quantile(sends.map((s) => s.lagMs), 0.99));
      for (const t of ticks) {
        const w = worstIn(sends, t - 5);
        if (w !== null) atTicks.push(w);
        for (let k = 2; k < 1000 / WINDOW_MS - 1; k += 2) {
          const c = worstIn(sends, t + k * WINDOW_MS);
          if (c !== null) elsewhere.push(c);
        }
      }
    }
    const p99Off = quantile(off, 0.99);
    const p99On = quantile(on, 0.99);
    const tickMedian = quantile(atTicks, 0.5);
    const elsewhereMedian = quantile(elsewhere, 0.5);
    const noise = Math.max(...offRunP99) - Math.min(...offRunP99);
    console.info(`send lag p99: off ${p99Off.toFixed(2)} ms (runs ${offRunP99.map((x) => x.toFixed(1)).join('/')}), on ${p99On.toFixed(2)} ms; worst lag per ${WINDOW_MS} ms window, median: at ticks ${tickMedian.toFixed(2)} ms (${atTicks.length}), elsewhere ${elsewhereMedian.toFixed(2)} ms (${elsewhere.length})`);
    expect(atTicks.length).toBeGreaterThanOrEqual(3);
    expect(p99On).toBeLessThanOrEqual(2 * p99Off + 2 + noise);
    expect(tickMedian).toBeLessThanOrEqual(elsewhereMedian + 3);
  });
});
