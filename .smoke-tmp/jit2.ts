import { execSync } from 'node:child_process';
import { arrivalEngine } from '../harness/load/index.ts';
import { startResourceSampler } from '../harness/metrics/resource-sampler.ts';
import { monotonicClock } from '../harness/run/clock.ts';
import { startTestServer } from '../test/support/servers/spawn-test-server.ts';
import { fixedRequests } from '../test/support/fixed-requests.ts';
const server = await startTestServer({ kind: 'fast' });
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };
const maxIn = (lags: { at: number; lag: number }[], from: number, to: number) => Math.max(...lags.filter((l) => l.at >= from && l.at < to).map((l) => l.lag));
for (const mode of (process.argv[2] ?? 'on,block,on,block').split(',')) {
  const clock = monotonicClock();
  const ticks: number[] = [];
  let s = null; let iv: NodeJS.Timeout | null = null;
  if (mode === 'on') { s = startResourceSampler({ clock, targetPid: () => server.pid, onSample: (x) => ticks.push(x.atMs) }); await s.ready; }
  if (mode === 'block') { iv = setInterval(() => { ticks.push(clock.nowMs()); execSync('cat /proc/stat | grep cpu'); }, 1000); }
  const lags: { at: number; lag: number }[] = [];
  const startMs = clock.nowMs() + 50;
  await arrivalEngine.run({ name: 'p', executor: 'constant-arrival-rate', startMs, durationMs: 3000, gracefulStopMs: 2000, ratePerSec: 500, preAllocatedVUs: 50, maxVUs: 200 },
    { baseUrl: server.url, clock, requests: fixedRequests(), sink: { onStart: (i) => lags.push({ at: i, lag: clock.nowMs() - i }), onOutcome() {}, onDropped() {} }, signal: new AbortController().signal, timeoutMs: 5000 });
  await s?.stop(); if (iv) clearInterval(iv);
  const t = ticks.filter((x) => x > startMs && x < startMs + 3000 - 550);
  const near = t.map((x) => maxIn(lags, x - 5, x + 45));
  const ctrl = t.map((x) => maxIn(lags, x + 495, x + 545));
  console.log(mode, 'near', near.map((v) => v.toFixed(1)).join(' '), '| ctrl', ctrl.map((v) => v.toFixed(1)).join(' '));
}
await server.stop();
