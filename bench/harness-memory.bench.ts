/**
 * Harness memory over a long run (`node --import tsx bench/harness-memory.bench.ts`, not part of
 * `npm test`): the arrival engine at a steady rate + timeline recorder + timeline writer against a
 * trivial loopback server (child process), printing the harness's RSS and heap every minute.
 * Flat RSS shows that per-second state is released and only merged aggregates are kept.
 * Env: BENCH_MINUTES (10, fractions allowed), BENCH_RATE (1000 rps), BENCH_SAMPLE_SECONDS (60).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrivalEngine } from '../harness/load/arrival-engine.ts';
import { TimelineRecorder } from '../harness/metrics/timeline-recorder.ts';
import { TimelineWriter } from '../harness/metrics/timeline-writer.ts';
import { monotonicClock } from '../harness/core/clock.ts';
import { fixedRequests } from '../test/support/fixed-requests.ts';
import { startTestServer } from '../test/support/servers/spawn-test-server.ts';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SAMPLE_S = Number(process.env.BENCH_SAMPLE_SECONDS ?? 60);

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
    const durationMs = MINUTES * 60_000;
    const summary = await arrivalEngine.run(
      { executor: 'constant-arrival-rate', name: 'steady', startMs: 10, durationMs, gracefulStopMs: 5000, ratePerSec: RATE, preAllocatedVUs: 100, maxVUs: 1000 },
      { baseUrl: server.url, clock, requests: fixedRequests(), sink: rec, signal: new AbortController().signal, timeoutMs: 10_000 },
    );
    clearInterval(timer);
    sample();
    const agg = rec.finish();
    await writer.close();
    const afterWarmup = rss.slice(Math.min(1, rss.length - 1));
    const growth = (afterWarmup.at(-1) ?? 0) - (afterWarmup[0] ?? 0);
    console.log(`\nsent ${summary.sent}, dropped ${summary.dropped}, seconds ${agg.seconds}, timeline ${mb((await stat(file)).size)} MB`);
    console.log(`RSS min ${mb(Math.min(...afterWarmup))} MB, max ${mb(Math.max(...afterWarmup))} MB, first→last after the first sample ${growth >= 0 ? '+' : ''}${mb(growth)} MB`);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
