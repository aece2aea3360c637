/**
 * Harness memory over a long run (`node --import tsx bench/harness-memory.bench.ts`, not part of
 * `npm test`): the arrival engine at a steady rate + timeline recorder + timeline writer against a
 * trivial loopback server (child process), printing the harness's RSS and heap every minute.
 * Flat RSS shows that per-second state is released and only merged aggregates are kept. The requests
 * are a preset's kind of mix: a constant GET and a POST with a `{{uuid}}` key, a templated JSON body
 * and a capture (whose pool is bounded), so per-request templating and captures are in the picture.
 * RSS is sampled every 5 s and judged by the harness's own leak rule (analysis/leak-verdict.ts:
 * Theil–Sen slope of the per-minute minima, docs/leak-verdicts.md), the sawtooth of the garbage
 * collector set aside. Env: BENCH_MINUTES (10, fractions allowed), BENCH_RATE (5000 rps),
 * BENCH_SAMPLE_SECONDS (60, how often a line is printed).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrivalEngine } from '../harness/load/arrival-engine.ts';
import { TimelineRecorder } from '../harness/metrics/timeline-recorder.ts';
import { TimelineWriter } from '../harness/metrics/timeline-writer.ts';
import { monotonicClock } from '../harness/core/clock.ts';
import { analyzeLeak } from '../harness/analysis/leak-verdict.ts';
import type { RssSample } from '../harness/analysis/leak-verdict.ts';
import { createRequestMix } from '../harness/load/request-mix.ts';
import { createRng } from '../harness/core/seeded-rng.ts';
import type { ScenarioRequest } from '../harness/scenario/schema-requests.ts';
import { startTestServer } from '../test/support/servers/spawn-test-server.ts';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const SAMPLE_S = Number(process.env.BENCH_SAMPLE_SECONDS ?? 60);

const REQUESTS: ScenarioRequest[] = [
  { name: 'health', method: 'GET', path: '/', weight: 1 },
  { name: 'execute', method: 'POST', path: '/v1/executions', headers: { 'Idempotency-Key': '{{uuid}}' }, body: { asset_id: '{{randInt 1 200}}', action: 'sync' }, capture: { ok: 'ok' }, weight: 3 },
];
const mix = () => createRequestMix({ scenario: { requests: REQUESTS }, bodies: new Map() }, { rng: createRng(1) });

const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const server = await startTestServer({ kind: 'fast' });
  const dir = await mkdtemp(join(tmpdir(), 'stresslab-mem-'));
  const file = join(dir, 'timeline.jsonl');
  try {
    const clock = monotonicClock();
    const writer = await TimelineWriter.open(file);
    const rec = new TimelineRecorder({ clock, write: (l) => writer.write(l), writeLate: (l) => writer.write(l), phaseAt: () => 'steady', timeoutMs: 10_000 });
    rec.start();
    const rss: number[] = [];
    const sample = (): void => {
      const m = process.memoryUsage();
      rss.push(m.rss);
      const snap = rec.snapshot();
      console.log(`${(clock.nowMs() / 60_000).toFixed(2).padStart(6)} min  rss ${mb(m.rss).padStart(7)} MB  heap ${mb(m.heapUsed).padStart(6)} MB  last second t=${snap?.t ?? '-'} in flight ${rec.inFlight}`);
    };
    console.log(`arrival engine at ${RATE} rps for ${MINUTES} min against ${server.url}; timeline → ${file}`);
    sample();
    const timer = setInterval(sample, SAMPLE_S * 1000);
    const rssSamples: RssSample[] = [];
    const fine = setInterval(() => rssSamples.push({ atMs: clock.nowMs(), rssBytes: process.memoryUsage.rss() }), 5000);
    const durationMs = MINUTES * 60_000;
    const summary = await arrivalEngine.run(
      { executor: 'constant-arrival-rate', name: 'steady', startMs: 10, durationMs, gracefulStopMs: 5000, ratePerSec: RATE, preAllocatedVUs: 100, maxVUs: 1000 },
      { baseUrl: server.url, clock, requests: mix(), sink: rec, signal: new AbortController().signal, timeoutMs: 10_000 },
    );
    clearInterval(timer);
    clearInterval(fine);
    sample();
    const agg = rec.finish();
    await writer.close();
    const afterWarmup = rss.slice(Math.min(1, rss.length - 1));
    const growth = (afterWarmup.at(-1) ?? 0) - (afterWarmup[0] ?? 0);
    console.log(`\nsent ${summary.sent}, dropped ${summary.dropped}, seconds ${agg.seconds}, timeline ${mb((await stat(file)).size)} MB`);
    console.log(`RSS min ${mb(Math.min(...afterWarmup))} MB, max ${mb(Math.max(...afterWarmup))} MB, first→last after the first sample ${growth >= 0 ? '+' : ''}${mb(growth)} MB`);
    const leak = analyzeLeak(rssSamples);
    const perHour = (b: number | null): string => (b === null ? '-' : `${b >= 0 ? '+' : ''}${mb(b)} MB/h`);
    console.log(`leak rule: ${leak.verdict} (slope of per-minute minima ${perHour(leak.slopeBytesPerHour)}, 95 % CI ${perHour(leak.ciLowBytesPerHour)} … ${perHour(leak.ciHighBytesPerHour)}; segment minima ${leak.segmentMinimaBytes.map((b) => mb(b)).join(', ')} MB) — ${leak.reason}`);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
