import { describe, expect, it } from 'vitest';
import { summarizeStats } from '../../../harness/analysis/summarize-stats.ts';
import { closedPort } from '../../support/servers/spawn-test-server.ts';
import { runEnginePhase } from '../../support/run-engine-phase.ts';

/**
 * Closed-model VUs against a port where nothing listens: each VU backs off (10 ms doubling to
 * 1 s), so the harness neither spins nor burns a core (measured before the backoff: ~9,000
 * attempts/s and 100 % CPU), and refusals are errors without a latency.
 */
describe('closed-model VUs against a dead port', () => {
  it('back off: the harness stays under 50 % CPU and the attempts are bounded', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const vus = 10;
    const durationMs = 3000;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const run = await runEnginePhase(url, { executor: 'constant-vus', vus, durationMs, gracefulStopMs: 500 });
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
    const attemptsPerSec = run.summary.sent / (durationMs / 1000);
    console.log(`dead port, ${vus} VUs, ${durationMs} ms: ${run.summary.sent} attempts (${attemptsPerSec.toFixed(1)}/s), harness CPU ${cpuPercent.toFixed(1)} %`);
    expect(run.summary.sent).toBeGreaterThanOrEqual(vus);
    // Per VU: 8 tries in the first 1.3 s of doubling waits, then one a second: ~10 in 3 s.
    expect(run.summary.sent).toBeLessThanOrEqual(vus * 14);
    expect(cpuPercent).toBeLessThan(50);
    const stats = summarizeStats(run.agg.totals, durationMs);
    expect(stats.errors).toBe(stats.requests);
    expect(stats.errorKinds.refused).toBe(stats.requests);
    // No answer, no latency: nothing for a percentile to be flattered by.
    expect(run.agg.totals.histogram.count).toBe(0);
    expect(stats.latencyMs.p95).toBe(0);
  });
});
