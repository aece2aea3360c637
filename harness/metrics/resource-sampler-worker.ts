import { parentPort, workerData } from 'node:worker_threads';
import { HostProcReader } from './proc-host-reader.ts';
import type { HostUsage } from './proc-host-reader.ts';
import { HostSiReader } from './host-si-reader.ts';
import { ProcessUsageReader } from './process-usage-reader.ts';
import { ProcessGroupUsageReader } from './process-group-usage-reader.ts';
import { PrometheusProcessReader } from './prometheus-scrape.ts';
import type { ResourceSample } from '../contract/timeline-types.ts';

/**
 * The resource sampler's worker thread: every read happens here, on this thread's event loop, so
 * even systeminformation's execSync (the non-Linux fallback) never delays the load engine's sends.
 */

export interface SamplerWorkerData {
  /** Epoch ms (performance.timeOrigin-based) of the run clock's zero: samples are stamped on the run clock. */
  originEpochMs: number;
  intervalMs: number;
  targetPid: number | null;
  /** The target pid leads a process group (a started target): sample the whole group. */
  targetGroup: boolean;
  targetMetricsUrl: string | null;
  scrapeTimeoutMs: number;
}

export interface SamplerCounts {
  samples: number;
  hostErrors: number;
  targetErrors: number;
  harnessErrors: number;
}

export type ToSamplerWorker = { type: 'pid'; pid: number | null } | { type: 'stop' };
export type FromSamplerWorker =
  | { type: 'ready' }
  | { type: 'sample'; sample: ResourceSample }
  | { type: 'stopped'; counts: SamplerCounts }
  | { type: 'failed'; message: string };

interface HostReader {
  prime(): Promise<void>;
  sample(): Promise<HostUsage>;
}

class SamplerLoop {
  readonly #cfg: SamplerWorkerData;
  readonly #post: (m: FromSamplerWorker) => void;
  readonly #host: HostReader = process.platform === 'linux' ? new HostProcReader() : new HostSiReader();
  readonly #target: ProcessUsageReader | ProcessGroupUsageReader;
  readonly #harness = new ProcessUsageReader();
  readonly #scrape: PrometheusProcessReader | null;
  readonly counts: SamplerCounts = { samples: 0, hostErrors: 0, targetErrors: 0, harnessErrors: 0 };
  #pid: number | null;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  #stopped = false;

  constructor(cfg: SamplerWorkerData, post: (m: FromSamplerWorker) => void) {
    this.#cfg = cfg;
    this.#post = post;
    this.#pid = cfg.targetPid;
    this.#target = cfg.targetGroup ? new ProcessGroupUsageReader() : new ProcessUsageReader();
    this.#scrape = cfg.targetMetricsUrl === null ? null : new PrometheusProcessReader({ url: cfg.targetMetricsUrl, timeoutMs: cfg.scrapeTimeoutMs });
  }

  #nowMs(): number {
    return performance.timeOrigin + performance.now() - this.#cfg.originEpochMs;
  }

  /** Reads every counter once, so the first sample covers one interval, not the processes' lifetimes. */
  async start(): Promise<void> {
    await Promise.all([
      this.#host.prime().catch(() => undefined),
      this.#harness.sample(process.pid),
      this.#target.sample(this.#pid),
      this.#scrape?.sample(),
    ]);
    this.#schedule();
  }

  setPid(pid: number | null): void {
    this.#pid = pid;
  }

  /** Ticks on multiples of the interval on the run clock, so a slow tick does not shift the rest. */
  #schedule(): void {
    if (this.#stopped) return;
    const interval = this.#cfg.intervalMs;
    const now = this.#nowMs();
    const next = (Math.floor(now / interval) + 1) * interval;
    this.#timer = setTimeout(() => void this.#tick(), Math.max(0, next - now));
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    if (this.#busy) return this.#schedule();
    this.#busy = true;
    try {
      const sample = await this.#sample();
      if (!this.#stopped) {
        this.counts.samples++;
        this.#post({ type: 'sample', sample });
      }
    } finally {
      this.#busy = false;
      this.#schedule();
    }
  }

  async #sample(): Promise<ResourceSample> {
    const atMs = this.#nowMs();
    const [host, target, harness] = await Promise.all([
      this.#host.sample().catch(() => {
        this.counts.hostErrors++;
        return null;
      }),
      this.#pid !== null || this.#scrape === null ? this.#target.sample(this.#pid) : this.#scrape.sample(),
      this.#harness.sample(process.pid),
    ]);
    const sample: ResourceSample = { type: 'resources', atMs };
    if (host !== null) sample.host = host;
    if (target !== null) sample.target = target;
    if (harness !== null) sample.harness = harness;
    return sample;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.counts.targetErrors = this.#target.errors + (this.#scrape?.errors ?? 0);
    this.counts.harnessErrors = this.#harness.errors;
    this.#target.close();
  }
}

function main(): void {
  const port = parentPort;
  if (port === null) return;
  const cfg = (workerData as { data: SamplerWorkerData }).data;
  const post = (m: FromSamplerWorker): void => port.postMessage(m);
  const loop = new SamplerLoop(cfg, post);
  port.on('message', (m: ToSamplerWorker) => {
    if (m.type === 'pid') loop.setPid(m.pid);
    else {
      loop.stop();
      post({ type: 'stopped', counts: loop.counts });
      port.close();
    }
  });
  loop.start().then(
    () => post({ type: 'ready' }),
    (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
}

main();
