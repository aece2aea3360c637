import type { Worker } from 'node:worker_threads';
import type { Clock } from '../core/clock.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FromSamplerWorker, SamplerCounts, SamplerWorkerData, ToSamplerWorker } from './resource-sampler-worker.ts';
import type { ResourceSample } from '../contract/timeline-types.ts';
import { moduleUrl } from '../core/process/module-entry.ts';
import { startModuleWorker } from '../core/process/module-worker.ts';

export type { SamplerCounts } from './resource-sampler-worker.ts';

/**
 * Resource samples (host, target process, the harness itself) at 1 Hz from a worker thread, never
 * on the load engine's event loop, so a slow read never delays a send (docs/leak-verdicts.md).
 * Units: CPU in percent of one core (the host's goes up to 100·cores), bytes for memory; `atMs` is
 * on the run clock (`clock` must be a real-time clock).
 * Target: by pid when `targetPid()` gives one (re-read every 250 ms, a managed target restarts with
 * a new pid), else by scraping `targetMetricsUrl` (Prometheus), else no target figures.
 */
export interface ResourceSamplerOptions {
  clock: Clock;
  /** Default 1000. */
  intervalMs?: number;
  targetPid?: () => number | null;
  /** `targetPid` leads its own process group (a target the harness started): its figures are the whole group's. */
  targetGroup?: boolean;
  targetMetricsUrl?: string;
  /** Per Prometheus scrape. Default: 80 % of the interval, at most 2 s. */
  scrapeTimeoutMs?: number;
  onSample(s: ResourceSample): void;
}

export interface ResourceSampler {
  /**
   * Resolves once the worker runs and has primed its counters (≈0.5 s: start it before the load).
   * Rejects with an INTERNAL StresslabError when the worker cannot start; samples then never come.
   */
  readonly ready: Promise<void>;
  /** Stops the worker; resolves with what it counted. Safe to call twice. */
  stop(): Promise<SamplerCounts>;
}

const PID_POLL_MS = 250;
const STOP_WAIT_MS = 2_000;

export function startResourceSampler(opts: ResourceSamplerOptions): ResourceSampler {
  const intervalMs = opts.intervalMs ?? 1000;
  const readPid = opts.targetPid ?? (() => null);
  let pid = readPid();
  const data: SamplerWorkerData = {
    originEpochMs: performance.timeOrigin + performance.now() - opts.clock.nowMs(),
    intervalMs,
    targetPid: pid,
    targetGroup: opts.targetGroup ?? false,
    targetMetricsUrl: opts.targetMetricsUrl ?? null,
    scrapeTimeoutMs: opts.scrapeTimeoutMs ?? Math.min(2_000, Math.max(50, intervalMs * 0.8)),
  };
  const worker = startModuleWorker(moduleUrl('harness/metrics/resource-sampler-worker'), data);
  // A forgotten stop() must not keep the harness process alive.
  worker.unref();
  let counts: SamplerCounts = { samples: 0, hostErrors: 0, targetErrors: 0, harnessErrors: 0 };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: FromSamplerWorker) => {
      if (m.type === 'sample') opts.onSample(m.sample);
      else if (m.type === 'ready') resolve();
      else if (m.type === 'stopped') counts = m.counts;
      else reject(startFailure(m.message));
    });
    worker.once('error', (e) => reject(startFailure(e.message, e)));
    worker.once('exit', () => reject(startFailure('the worker exited before it was ready')));
  });
  ready.catch(() => undefined);
  const send = (m: ToSamplerWorker): void => worker.postMessage(m);
  const pidTimer = setInterval(() => {
    const now = readPid();
    if (now !== pid) send({ type: 'pid', pid: (pid = now) });
  }, Math.min(PID_POLL_MS, intervalMs));
  pidTimer.unref();
  let stopping: Promise<SamplerCounts> | null = null;
  const stop = (): Promise<SamplerCounts> => (stopping ??= stopWorker(worker, pidTimer, () => counts));
  return { ready, stop };
}

async function stopWorker(worker: Worker, pidTimer: NodeJS.Timeout, counts: () => SamplerCounts): Promise<SamplerCounts> {
  clearInterval(pidTimer);
  const stopped = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, STOP_WAIT_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    worker.on('message', (m: FromSamplerWorker) => m.type === 'stopped' && done());
    worker.once('exit', done);
  });
  try {
    worker.postMessage({ type: 'stop' } satisfies ToSamplerWorker);
  } catch {
    // Already gone: nothing to stop.
  }
  await stopped;
  await worker.terminate();
  return counts();
}

function startFailure(message: string, cause?: unknown): StresslabError {
  return new StresslabError('INTERNAL', `The resource sampler's worker thread failed: ${message}`, {
    hint: 'Resource figures will be missing from this run; reinstall stresslab (in a checkout: npm ci, which also builds dist/).',
    ...(cause === undefined ? {} : { cause }),
  });
}
