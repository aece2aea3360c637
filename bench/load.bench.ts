/**
 * Load-engine throughput (`node --import tsx bench/load.bench.ts`, not part of `npm test`).
 *
 * Against one trivial loopback HTTP server in a child process, in alternating rounds:
 *   wrk (closed loop, 1 thread, 50 connections) · raw autocannon (50 connections) ·
 *   stresslab autocannon engine (constant-vus 50, timeline recorder + writer on) ·
 *   stresslab arrival engine at its max sustainable rate (found first by stepping the rate).
 * Prints each round, the medians and the ratios (goals: ≥ 0.95 × raw autocannon, ≥ 0.8 × wrk).
 * Env: BENCH_ROUNDS (3), BENCH_ROUND_SECONDS (10).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { engineFor } from '../harness/load/index.ts';
import type { OutcomeSink } from '../harness/load/engine.ts';
import { TimelineRecorder } from '../harness/metrics/timeline-recorder.ts';
import { TimelineWriter } from '../harness/metrics/timeline-writer.ts';
import type { LoadPhasePlan } from '../harness/contract/plan-types.ts';
import { monotonicClock } from '../harness/core/clock.ts';
import { fixedRequests } from '../test/support/fixed-requests.ts';
import { startTestServer } from '../test/support/servers/spawn-test-server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 10);
const CONNECTIONS = 50;
const run = promisify(execFile);

interface PhaseResult {
  rps: number;
  dropped: number;
  sent: number;
  lagP99Ms: number;
}

async function wrk(url: string): Promise<number> {
  const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, `${url}/`]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (m?.[1] === undefined) throw new Error(`unexpected wrk output:\n${stdout}`);
  return Number(m[1]);
}

async function rawAutocannon(url: string): Promise<number> {
  const t0 = performance.now();
  const result = (await autocannon({ url, connections: CONNECTIONS, duration: SECONDS })) as unknown as { requests: { total: number } };
  return result.requests.total / ((performance.now() - t0) / 1000);
}

/** One phase through our engine with the recorder and a real timeline writer; rps over the scheduling window. */
async function ours(url: string, phase: LoadPhasePlan, dir: string): Promise<PhaseResult> {
  const clock = monotonicClock();
  const writer = await TimelineWriter.open(join(dir, `timeline-${Date.now()}.jsonl`));
  const rec = new TimelineRecorder({ clock, write: (l) => writer.write(l), writeLate: (l) => writer.write(l), phaseAt: () => phase.name, timeoutMs: 10_000 });
  const lags: number[] = [];
  const sink: OutcomeSink = {
    onStart: (at) => {
      lags.push(clock.nowMs() - at);
      rec.onStart(at);
    },
    onOutcome: (o) => rec.onOutcome(o),
    onDropped: (at) => rec.onDropped(at),
  };
  rec.start();
  const s = await engineFor(phase.executor).run(phase, { baseUrl: url, clock, requests: fixedRequests(), sink, signal: new AbortController().signal, timeoutMs: 10_000 });
  const elapsedMs = clock.nowMs() - phase.startMs;
  rec.finish();
  await writer.close();
  lags.sort((a, b) => a - b);
  const windowMs = phase.executor === 'constant-vus' ? elapsedMs : phase.durationMs;
  return { rps: s.completed / (windowMs / 1000), dropped: s.dropped, sent: s.sent, lagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0 };
}

function arrivalPhase(ratePerSec: number, seconds: number): LoadPhasePlan {
  return { executor: 'constant-arrival-rate', name: 'arrival', startMs: 20, durationMs: seconds * 1000, gracefulStopMs: 2000, ratePerSec, preAllocatedVUs: 200, maxVUs: 500 };
}

/** Steps the rate up until drops or send lag appear; returns the last rate held cleanly. */
async function maxSustainableRate(url: string, dir: string): Promise<number> {
  let best = 0;
  for (let rate = 2000; rate <= 60_000; rate += 2000) {
    const r = await ours(url, arrivalPhase(rate, 3), dir);
    const held = r.dropped <= rate * 3 * 0.001 && r.lagP99Ms < 20 && r.rps >= rate * 0.99;
    console.log(`  probe ${rate} rps: achieved ${r.rps.toFixed(0)}, dropped ${r.dropped}, send lag p99 ${r.lagP99Ms.toFixed(1)} ms → ${held ? 'held' : 'not held'}`);
    if (!held) break;
    best = rate;
  }
  return best;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const server = await startTestServer({ kind: 'fast' });
  const dir = await mkdtemp(join(tmpdir(), 'stresslab-bench-'));
  try {
    console.log(`server pid ${server.pid} at ${server.url}; ${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections`);
    await wrk(server.url); // warm-up
    await ours(server.url, arrivalPhase(2000, 2), dir); // warm-up of our code paths
    console.log('finding the arrival engine’s max sustainable rate…');
    const rate = await maxSustainableRate(server.url, dir);
    const results: Record<string, number[]> = { wrk: [], autocannon: [], 'stresslab autocannon': [], [`stresslab arrival @${rate}`]: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const w = await wrk(server.url);
      const a = await rawAutocannon(server.url);
      const o = await ours(server.url, { executor: 'constant-vus', name: 'closed', startMs: 20, durationMs: SECONDS * 1000, gracefulStopMs: 2000, vus: CONNECTIONS }, dir);
      const ar = await ours(server.url, arrivalPhase(rate, SECONDS), dir);
      console.log(`round ${round}: wrk ${w.toFixed(0)} · autocannon ${a.toFixed(0)} · stresslab autocannon ${o.rps.toFixed(0)} · arrival ${ar.rps.toFixed(0)} (dropped ${ar.dropped})`);
      results.wrk?.push(w);
      results.autocannon?.push(a);
      results['stresslab autocannon']?.push(o.rps);
      results[`stresslab arrival @${rate}`]?.push(ar.rps);
    }
    const wrkMed = median(results.wrk ?? []);
    const acMed = median(results.autocannon ?? []);
    console.log('\nmedian rps        ratio vs wrk   ratio vs autocannon');
    for (const [name, xs] of Object.entries(results)) {
      const m = median(xs);
      console.log(`${name.padEnd(28)} ${m.toFixed(0).padStart(7)}   ${(m / wrkMed).toFixed(3)}   ${(m / acMed).toFixed(3)}`);
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
