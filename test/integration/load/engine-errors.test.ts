import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../../harness/contract/stats.ts';
import { fixedRequests } from '../../support/fixed-requests.ts';
import { closedPort, startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { ServerMode, TestServer } from '../../support/servers/spawn-test-server.ts';
import { runEnginePhase, timelineCount } from '../../support/run-engine-phase.ts';

let server: TestServer | null = null;
async function serve(mode: ServerMode): Promise<string> {
  server = await startTestServer(mode);
  return server.url;
}
afterEach(async () => {
  await server?.stop();
  server = null;
});

const arrival = { executor: 'constant-arrival-rate', ratePerSec: 20, durationMs: 1000, preAllocatedVUs: 10, maxVUs: 50, gracefulStopMs: 1000 } as const;

function onlyKind(kinds: Record<ErrorKind, number>, kind: ErrorKind, n: number): void {
  expect(kinds).toEqual({ timeout: 0, refused: 0, reset: 0, other: 0, [kind]: n });
}

describe('arrival engine: transport errors by kind', () => {
  it('a closed port → refused', async () => {
    const run = await runEnginePhase(`http://127.0.0.1:${await closedPort()}`, arrival);
    onlyKind(run.agg.totals.errorKinds, 'refused', 20);
    expect(run.agg.totals.errors).toBe(20);
    expect(run.agg.totals.statusCounts).toEqual({});
  });

  it('connections reset by the server → reset', async () => {
    const run = await runEnginePhase(await serve({ kind: 'reset' }), arrival);
    onlyKind(run.agg.totals.errorKinds, 'reset', 20);
  });

  it('a garbage answer → other', async () => {
    const run = await runEnginePhase(await serve({ kind: 'garbage' }), arrival);
    onlyKind(run.agg.totals.errorKinds, 'other', 20);
  });

  it('no answer within the timeout → timeout, with latency ≈ the timeout', async () => {
    const run = await runEnginePhase(await serve({ kind: 'hang' }), { ...arrival, ratePerSec: 10 }, { timeoutMs: 300 });
    onlyKind(run.agg.totals.errorKinds, 'timeout', 10);
    expect(run.agg.totals.histogram.minMs).toBeGreaterThanOrEqual(300);
    expect(run.agg.totals.histogram.maxMs).toBeLessThan(1000);
    expect(timelineCount(run.lines)).toBe(10);
  });

  it('an unexpected status fails without a transport error; expected statuses and bodies are honoured', async () => {
    const url = await serve({ kind: 'status', status: 503, bodyBytes: 1234 });
    const bad = await runEnginePhase(url, arrival);
    expect(bad.agg.totals).toMatchObject({ requests: 20, errors: 20, bytes: 20 * 1234, statusCounts: { '5xx': 20 } });
    onlyKind(bad.agg.totals.errorKinds, 'timeout', 0);
    const bodies: string[] = [];
    const requests = fixedRequests({ expectedStatuses: [503], onBody: (_status, body) => bodies.push(body) });
    const ok = await runEnginePhase(url, arrival, { requests });
    expect(ok.agg.totals.errors).toBe(0);
    expect(bodies).toHaveLength(20);
    expect(bodies[0]).toBe('a'.repeat(1234));
  });

  it('gives up on requests still in flight when the graceful stop expires', async () => {
    const run = await runEnginePhase(await serve({ kind: 'hang' }), { ...arrival, ratePerSec: 10, gracefulStopMs: 300 }, { timeoutMs: 60_000 });
    expect(run.elapsedMs).toBeLessThan(1000 + 300 + 500);
    onlyKind(run.agg.totals.errorKinds, 'timeout', 10);
  });

  it('stops at once when the signal aborts; requests it cut off are cancelled, not target errors', async () => {
    // The server first: its start-up can take longer than the abort's delay.
    const url = await serve({ kind: 'hang' });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 400);
    const run = await runEnginePhase(url, { ...arrival, durationMs: 5000 }, { signal: ctl.signal });
    expect(run.elapsedMs).toBeLessThan(1500);
    expect(run.summary.sent).toBeGreaterThan(0);
    expect(run.summary.sent).toBeLessThan(20);
    expect(run.agg.totals.cancelled).toBe(run.summary.sent);
    expect(run.agg.totals.requests).toBe(0);
    expect(run.agg.totals.errors).toBe(0);
    onlyKind(run.agg.totals.errorKinds, 'other', 0);
  });
});

describe('autocannon engine: transport errors by kind', () => {
  it('a closed port → refused; resets → reset', async () => {
    const refused = await runEnginePhase(`http://127.0.0.1:${await closedPort()}`, { executor: 'constant-vus', vus: 2, durationMs: 500, gracefulStopMs: 500 });
    expect(refused.agg.totals.errorKinds.refused).toBeGreaterThan(0);
    expect(refused.agg.totals.errors).toBe(refused.agg.totals.requests);
    const reset = await runEnginePhase(await serve({ kind: 'reset' }), { executor: 'constant-vus', vus: 2, durationMs: 500, gracefulStopMs: 500 });
    expect(reset.agg.totals.errorKinds.reset).toBeGreaterThan(0);
    expect(reset.agg.totals.errors).toBe(reset.agg.totals.requests);
    expect(reset.agg.totals.statusCounts).toEqual({});
  });

  it('an abort cancels what is in flight: counted apart, not as target errors', async () => {
    const url = await serve({ kind: 'hang' });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 400);
    const run = await runEnginePhase(url, { executor: 'constant-vus', vus: 3, durationMs: 5000, gracefulStopMs: 500 }, { signal: ctl.signal, timeoutMs: 10_000 });
    expect(run.elapsedMs).toBeLessThan(2000);
    expect(run.agg.totals.cancelled).toBe(3);
    expect(run.agg.totals.requests).toBe(0);
    expect(run.agg.totals.errors).toBe(0);
  });

  it('no answer → timeout', async () => {
    const run = await runEnginePhase(await serve({ kind: 'hang' }), { executor: 'constant-vus', vus: 3, durationMs: 1500, gracefulStopMs: 500 }, { timeoutMs: 1000 });
    expect(run.agg.totals.errorKinds.timeout).toBeGreaterThanOrEqual(3);
    expect(run.agg.totals.errors).toBe(run.agg.totals.requests);
  });
});
