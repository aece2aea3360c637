import { arrivalEngine } from '../harness/load/index.ts';
import { startResourceSampler } from '../harness/metrics/resource-sampler.ts';
import { monotonicClock } from '../harness/run/clock.ts';
import { startTestServer } from '../test/support/servers/spawn-test-server.ts';
import { fixedRequests } from '../test/support/fixed-requests.ts';
const server = await startTestServer({ kind: 'fast' });
const p99 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.ceil(0.99 * s.length) - 1] ?? NaN; };
for (const mode of (process.argv[2] ?? 'off,on,off,on,off,on').split(',')) {
  const clock = monotonicClock();
  const ticks: number[] = [];
  const s = mode === 'on' ? startResourceSampler({ clock, targetPid: () => server.pid, onSample: (x) => ticks.push(x.atMs) }) : null;
  if (s) { await s.ready; if (process.argv[3]) await new Promise((r) => setTimeout(r, Number(process.argv[3]))); }
  const lags: { at: number; lag: number }[] = [];
  const startMs = clock.nowMs() + 50;
  await arrivalEngine.run({ name: 'p', executor: 'constant-arrival-rate', startMs, durationMs: 2000, gracefulStopMs: 2000, ratePerSec: 500, preAllocatedVUs: 50, maxVUs: 200 },
    { baseUrl: server.url, clock, requests: fixedRequests(), sink: { onStart: (i) => lags.push({ at: i - startMs, lag: clock.nowMs() - i }), onOutcome() {}, onDropped() {} }, signal: new AbortController().signal, timeoutMs: 5000 });
  await s?.stop();
  const bySlice = [0, 1, 2, 3].map((q) => p99(lags.filter((l) => l.at >= q * 500 && l.at < (q + 1) * 500).map((l) => l.lag)).toFixed(1));
  console.log(mode, 'p99', p99(lags.map((l) => l.lag)).toFixed(2), 'per 500ms', bySlice.join(' '), 'ticks', ticks.map((t) => (t - startMs).toFixed(0)).join(','));
}
await server.stop();
