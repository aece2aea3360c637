import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.ts';
import { createRng } from '../core/seeded-rng.ts';
import { engineFor } from '../load/index.ts';
import { createRequestMix } from '../load/request-mix.ts';
import { TimelineRecorder } from '../metrics/timeline-recorder.ts';
import { runPhases } from './phase-scheduler.ts';
import type { FromSegmentWorker, SegmentWorkerData, ToSegmentWorker } from './segmented-load.ts';

/**
 * One execution segment of the load in its own thread (segmented-load.ts): the same engines and
 * recorder as a single-threaded run, on the run clock shared through the absolute time of its zero,
 * each closed second and late line posted to the main thread, which merges the segments.
 */
const cfg = (workerData as { data: SegmentWorkerData }).data;
const port = parentPort;
if (port === null) throw new Error('segment-worker.ts runs as a worker thread');
const post = (m: FromSegmentWorker): void => port.postMessage(m);

// performance.now() has another origin in every thread; their absolute times agree. The zero comes with `go`.
let zero = { absMs: Number.POSITIVE_INFINITY, epochMs: 0 };
const clock: Clock = {
  get epochMs() {
    return zero.epochMs;
  },
  nowMs: () => performance.timeOrigin + performance.now() - zero.absMs,
};
const stop = new AbortController();
const recorder = new TimelineRecorder({
  clock,
  timeoutMs: cfg.timeoutMs,
  phaseAt: (ms) => cfg.phases.find((p) => ms >= p.startMs && ms < p.startMs + p.durationMs)?.name ?? null,
  write: (line) => post({ type: 'second', line }),
  writeLate: (line) => post({ type: 'late', line }),
});
const mix = createRequestMix(
  { scenario: cfg.requestSource.scenario, bodies: new Map(cfg.requestSource.bodies) },
  {
    // Each segment its own stream, reproducible from the run's seed.
    rng: createRng(cfg.seed + 7919 * (cfg.segment.index + 1)),
    segment: cfg.segment,
    onCapture: cfg.forwardCaptures.length === 0 ? undefined : (name, value, headers) => {
      if (cfg.forwardCaptures.includes(name)) post({ type: 'capture', name, value, headers: { ...headers } });
    },
  },
);

port.on('message', (m: ToSegmentWorker) => {
  if (m.type === 'abort') stop.abort(new Error('aborted'));
  if (m.type === 'go') {
    zero = m.zero;
    void go();
  }
});

async function go(): Promise<void> {
  recorder.start();
  const outcomes = await runPhases(cfg.phases, {
    clock,
    engineFor,
    signal: stop.signal,
    contextFor: (phase) => ({
      baseUrl: cfg.baseUrl,
      clock,
      requests: mix.forRequests(cfg.phaseRequests[phase.name] ?? cfg.requestSource.scenario.requests.map((r) => r.name)),
      sink: recorder,
      signal: stop.signal,
      timeoutMs: cfg.timeoutMs,
      segment: cfg.segment,
    }),
    onPhaseStart: (p) => post({ type: 'phase-start', name: p.name, atMs: clock.nowMs() }),
    onPhaseEnd: (p) => post({ type: 'phase-end', name: p.name, atMs: clock.nowMs() }),
  });
  recorder.finish();
  post({ type: 'done', phases: outcomes.map((o) => ({ name: o.phase.name, summary: o.summary, error: o.error?.message ?? null })) });
}

post({ type: 'ready' });
