import type { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { moduleUrl } from '../core/process/module-entry.ts';
import { startModuleWorker } from '../core/process/module-worker.ts';
import type { LoadPhasePlan } from '../contract/plan-types.ts';
import type { TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import type { PhaseRunSummary } from '../load/engine.ts';
import { subSegment, WHOLE } from '../load/execution-segment.ts';
import type { ExecutionSegment } from '../load/execution-segment.ts';
import type { RequestBody } from '../scenario/request-bodies.ts';
import type { ScenarioRequest } from '../scenario/schema-requests.ts';
import { mergeSecondLines } from '../metrics/merge-seconds.ts';
import type { PhaseOutcome } from './phase-scheduler.ts';

/** What a segment worker is started with (segment-worker.ts). */
export interface SegmentWorkerData {
  segment: ExecutionSegment;
  baseUrl: string;
  timeoutMs: number;
  phases: LoadPhasePlan[];
  /** Request names per phase (absent: all of the scenario's). */
  phaseRequests: Record<string, string[]>;
  requestSource: { scenario: { requests: ScenarioRequest[] }; bodies: [string, RequestBody][] };
  seed: number;
  /** Capture variables whose values go back to the main thread (the integrity audit's ids). */
  forwardCaptures: string[];
}

/** The run clock's zero: absolute ms (performance.timeOrigin + performance.now(), the same in every thread) and its wall-clock time. */
export interface RunZero {
  absMs: number;
  epochMs: number;
}

export type ToSegmentWorker = { type: 'go'; zero: RunZero } | { type: 'abort' };

export type FromSegmentWorker =
  | { type: 'ready' }
  | { type: 'second'; line: TimelineSecond }
  | { type: 'late'; line: TimelineLate }
  | { type: 'capture'; name: string; value: string; headers: Record<string, string> }
  | { type: 'phase-start'; name: string; atMs: number }
  | { type: 'phase-end'; name: string; atMs: number }
  | { type: 'done'; phases: { name: string; summary: PhaseRunSummary | null; error: string | null }[] };

export interface SegmentedLoadOptions {
  /** Number of segments, one worker thread each. */
  count: number;
  /** The part of the whole load this run is (`--segment i/N`); the threads split it again. Default: the whole load. */
  part?: ExecutionSegment | undefined;
  data: Omit<SegmentWorkerData, 'segment'>;
  /** Each second of the whole load, merged from every segment's, in order of `t`. */
  onSecond: (line: TimelineSecond) => void;
  /** Late lines pass through as they are: analysis adds every late line into its second. */
  onLate: (line: TimelineLate) => void;
  onCapture?: ((name: string, value: string, headers: Readonly<Record<string, string>>) => void) | undefined;
  onPhaseStart?: ((phase: LoadPhasePlan) => void) | undefined;
  onPhaseEnd?: ((phase: LoadPhasePlan) => void) | undefined;
}

/** The absolute time of "now" on a clock every thread of the process shares. */
export function absoluteNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The load split into `count` execution segments, each run by its own worker thread with its own
 * engines and recorder (segment-worker.ts): every core a generator. Their seconds are merged here
 * once every segment has closed the same second (merge-seconds.ts).
 */
export class SegmentedLoad {
  readonly #o: SegmentedLoadOptions;
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, (TimelineSecond | undefined)[]>();
  readonly #finished: boolean[];
  readonly #results: (FromSegmentWorker & { type: 'done' })['phases'][] = [];
  readonly #started = new Set<string>();
  readonly #ended = new Map<string, number>();
  #nextT = 0;

  private constructor(o: SegmentedLoadOptions) {
    this.#o = o;
    this.#finished = new Array<boolean>(o.count).fill(false);
  }

  /** Starts the workers and waits until every one is ready: their start-up costs CPU, so before the load. */
  static async start(o: SegmentedLoadOptions): Promise<SegmentedLoad> {
    const load = new SegmentedLoad(o);
    await Promise.all(Array.from({ length: o.count }, (_, index) => load.#spawn(index)));
    return load;
  }

  #spawn(index: number): Promise<void> {
    const data: SegmentWorkerData = { ...this.#o.data, segment: subSegment(this.#o.part ?? WHOLE, index, this.#o.count) };
    const worker = startModuleWorker(moduleUrl('harness/run/segment-worker'), data);
    this.#workers.push(worker);
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: FromSegmentWorker) => {
        if (m.type === 'ready') {
          worker.off('error', reject);
          resolve();
        } else this.#onMessage(index, m);
      });
    });
  }

  /** Stops the workers without a run (the run failed before its load). */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  /** Runs every phase in every segment from the run clock's zero; resolves with each phase's outcome summed over the segments. */
  run(phases: readonly LoadPhasePlan[], signal: AbortSignal, zero: RunZero): Promise<PhaseOutcome[]> {
    return new Promise((resolve) => {
      const abort = (): void => this.#workers.forEach((w) => w.postMessage({ type: 'abort' } satisfies ToSegmentWorker));
      signal.addEventListener('abort', abort, { once: true });
      const check = (): void => {
        if (!this.#finished.every(Boolean)) return;
        signal.removeEventListener('abort', abort);
        this.#flush();
        for (const w of this.#workers) void w.terminate();
        resolve(phases.map((phase) => this.#outcome(phase)));
      };
      this.#workers.forEach((w, index) => {
        w.on('message', (m: FromSegmentWorker) => m.type === 'done' && check());
        // A thread that dies (a bug, out of memory) ends its segment; the others go on.
        w.on('error', (e: Error) => {
          this.#results[index] = phases.map((p) => ({ name: p.name, summary: null, error: `segment ${index + 1}/${this.#o.count} failed: ${e.message}` }));
          this.#finished[index] = true;
          check();
        });
        w.postMessage({ type: 'go', zero } satisfies ToSegmentWorker);
      });
      if (signal.aborted) abort();
    });
  }

  #outcome(phase: LoadPhasePlan): PhaseOutcome {
    const sum: PhaseRunSummary = { sent: 0, completed: 0, dropped: 0 };
    let any = false;
    let error: Error | null = null;
    for (const r of this.#results) {
      const p = r?.find((x) => x.name === phase.name);
      if (p?.error) error ??= new Error(p.error);
      if (p?.summary) {
        any = true;
        sum.sent += p.summary.sent;
        sum.completed += p.summary.completed;
        sum.dropped += p.summary.dropped;
      }
    }
    return { phase, summary: any ? sum : null, error };
  }

  #onMessage(index: number, m: FromSegmentWorker): void {
    switch (m.type) {
      case 'second': {
        let parts = this.#pending.get(m.line.t);
        if (parts === undefined) {
          parts = new Array<TimelineSecond | undefined>(this.#o.count).fill(undefined);
          this.#pending.set(m.line.t, parts);
        }
        parts[index] = m.line;
        this.#flush();
        return;
      }
      case 'late':
        return this.#o.onLate(m.line);
      case 'capture':
        return this.#o.onCapture?.(m.name, m.value, m.headers);
      case 'phase-start': {
        const phase = this.#o.data.phases.find((p) => p.name === m.name);
        if (phase !== undefined && !this.#started.has(m.name)) {
          this.#started.add(m.name);
          this.#o.onPhaseStart?.(phase);
        }
        return;
      }
      case 'phase-end': {
        const n = (this.#ended.get(m.name) ?? 0) + 1;
        this.#ended.set(m.name, n);
        const phase = this.#o.data.phases.find((p) => p.name === m.name);
        if (phase !== undefined && n === this.#o.count) this.#o.onPhaseEnd?.(phase);
        return;
      }
      case 'done':
        this.#results[index] = m.phases;
        this.#finished[index] = true;
        this.#flush();
        return;
      case 'ready':
        return;
    }
  }

  /** Emits every second that all segments have closed (a finished segment has nothing more to give). */
  #flush(): void {
    for (;;) {
      const parts = this.#pending.get(this.#nextT);
      if (parts === undefined) {
        // Finished segments may end a second earlier than others; past the last line of all, done.
        if (this.#finished.every(Boolean) && [...this.#pending.keys()].some((t) => t > this.#nextT)) {
          this.#nextT++;
          continue;
        }
        return;
      }
      if (!parts.every((p, i) => p !== undefined || this.#finished[i])) return;
      this.#pending.delete(this.#nextT);
      this.#nextT++;
      const lines = parts.filter((p): p is TimelineSecond => p !== undefined);
      if (lines.length > 0) this.#o.onSecond(mergeSecondLines(lines));
    }
  }
}
