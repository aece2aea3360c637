import type { OutcomeSink, RequestOutcome } from '../load/engine.ts';
import type { Clock } from '../core/clock.ts';
import { HistogramPool, RequestSecondBuilder } from './request-second-builder.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { TrafficSlicesBuilder } from './traffic-slices-builder.ts';
import { LoopStallMonitor } from './loop-stall-monitor.ts';
import { GeneratorWatch } from './generator-watch.ts';
import { LATENCY_BIN_COUNT, sliceLatencyBin } from '../contract/traffic-slices.ts';
import type { GeneratorSecond } from '../contract/generator-second.ts';
import type { TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import { addCounters } from './traffic-aggregate.ts';
import { addDropped, aggregatesFor, emptyBreakdown } from './traffic-breakdown.ts';
import type { TrafficBreakdown } from './traffic-breakdown.ts';

/**
 * A closed second's latencies still in memory, all request names merged: what a per-second summary
 * needs without decoding the line's histograms again (a decode costs ~1 ms of the load's thread).
 * Valid only during the `write` call.
 */
export interface SecondHistograms {
  all: LatencyHistogram;
  /** The failed requests' latencies (empty when none failed). */
  failed: LatencyHistogram;
}

export interface TimelineRecorderOptions {
  clock: Clock;
  /** Receives each closed second, in order of `t`, with its merged histograms when it had traffic. */
  write: (line: TimelineSecond, histograms?: SecondHistograms) => void;
  /** Receives outcomes (and dropped iterations) that arrived after their second closed, on the next tick and at finish. */
  writeLate: (line: TimelineLate) => void;
  /** The phase whose window contains a run-clock time, or null between phases. */
  phaseAt: (ms: number) => string | null;
  /** The engines' per-request timeout: a second with requests still in flight closes at the latest this long after its end (+1 s). */
  timeoutMs: number;
  /** How often `start()` checks for closable seconds (default 200 ms). */
  tickMs?: number;
}

/**
 * The live view of the traffic so far: merged aggregates whose size does not grow with the run's
 * length. result.json does not come from these (analysis folds the timeline, late lines
 * included); they are for decisions taken while the run goes.
 */
export interface RecorderAggregates extends TrafficBreakdown {
  /** Seconds emitted. */
  seconds: number;
  /** Outcomes that arrived after their second had closed (written as `late` lines). */
  lateOutcomes: number;
}

interface OpenSecond {
  started: number;
  finished: number;
  dropped: number;
  names: Map<string, RequestSecondBuilder>;
  slices: TrafficSlicesBuilder;
  /** Send lag per log bin of µs (open model only; null until an arrival said when it started). */
  sendLag: Uint32Array | null;
}

/** Late traffic of one closed second, waiting for the next tick. */
interface LateSecond {
  dropped: number;
  names: Map<string, RequestSecondBuilder>;
  slices: TrafficSlicesBuilder;
}

/*
 * A second is not closed the instant the clock passes its end: a timer callback of the engine
 * that is about to start requests intended in that second may still be queued behind ours.
 */
const CLOSE_GRACE_MS = 250;

/**
 * Buckets outcomes by intended second, emits each second once it is over and nothing intended in
 * it is still in flight, and folds it into per-request, per-phase and total aggregates. What
 * arrives for a second already closed goes out as a `late` line on the next tick.
 */
export class TimelineRecorder implements OutcomeSink {
  readonly #o: TimelineRecorderOptions;
  readonly #open = new Map<number, OpenSecond>();
  readonly #pool = new HistogramPool();
  readonly #late = new Map<number, LateSecond>();
  readonly #agg: RecorderAggregates = { ...emptyBreakdown(), seconds: 0, lateOutcomes: 0 };
  readonly #stalls: LoopStallMonitor;
  readonly #watch: GeneratorWatch;
  /** Never recorded into: the failed histogram of a second without failures. */
  readonly #noFailures = LatencyHistogram.empty();
  #nextT = 0;
  #maxOpenT = -1;
  #inFlight = 0;
  #last: TimelineSecond | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: TimelineRecorderOptions) {
    this.#o = options;
    this.#stalls = new LoopStallMonitor(options.clock, { keepMs: options.timeoutMs + 2000 });
    this.#watch = new GeneratorWatch(options.clock);
  }

  /** Requests started and not yet finished. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** How long the harness's event loop was stalled within [fromMs, toMs] (loop-stall-monitor.ts); 0 before start(). */
  stalledMs(fromMs: number, toMs: number): number {
    return this.#stalls.stalledMs(fromMs, toMs);
  }

  /** The last closed second (for a live view), null before the first closes. */
  snapshot(): TimelineSecond | null {
    return this.#last;
  }

  /** The traffic of every second closed so far, merged (abortOnFail thresholds read it as the run goes). */
  get traffic(): TrafficBreakdown {
    return this.#agg;
  }

  /** Closes seconds on a timer until `finish()`, and watches the event loop for stalls. */
  start(): void {
    if (this.#timer !== null) return;
    this.#stalls.start();
    this.#watch.start();
    this.#timer = setInterval(() => this.tick(), this.#o.tickMs ?? 200);
    this.#timer.unref();
  }

  onStart(intendedAtMs: number, startedAtMs?: number): void {
    this.#inFlight++;
    const s = this.#secondFor(intendedAtMs);
    if (s === null) return;
    s.started++;
    if (startedAtMs !== undefined) (s.sendLag ??= new Uint32Array(LATENCY_BIN_COUNT))[sliceLatencyBin((startedAtMs - intendedAtMs) * 1000)]!++;
  }

  onSockets(open: number): void {
    this.#watch.sockets = open;
  }

  onOutcome(outcome: RequestOutcome): void {
    if (this.#inFlight > 0) this.#inFlight--;
    const s = this.#secondFor(outcome.intendedAtMs);
    // The histograms keep the whole latency; the slices, which judge the target's health, not the harness's own stalls.
    const stalledMs = outcome.failed ? 0 : this.#stalls.stalledMs(outcome.intendedAtMs, outcome.intendedAtMs + outcome.latencyUs / 1000);
    if (s === null) {
      this.#agg.lateOutcomes++;
      const late = this.#lateFor(outcome.intendedAtMs);
      this.#builder(late, outcome.name).record(outcome);
      late.slices.record(outcome, stalledMs);
      return;
    }
    s.finished++;
    this.#builder(s, outcome.name).record(outcome);
    s.slices.record(outcome, stalledMs);
  }

  onDropped(intendedAtMs: number): void {
    const s = this.#secondFor(intendedAtMs) ?? this.#lateFor(intendedAtMs);
    s.dropped++;
    s.slices.drop(intendedAtMs);
  }

  /** Emits every second that can close now, then the late traffic gathered since the last tick. */
  tick(): void {
    this.#closeReady();
    this.#flushLate();
  }

  #closeReady(): void {
    const now = this.#o.clock.nowMs();
    for (;;) {
      const endMs = (this.#nextT + 1) * 1000;
      if (now < endMs + CLOSE_GRACE_MS) return;
      const s = this.#open.get(this.#nextT);
      const busy = s !== undefined && s.finished < s.started;
      if (busy && now < endMs + this.#o.timeoutMs + 1000) return;
      this.#close();
    }
  }

  /** Closes and emits everything still open; returns the aggregates. */
  finish(): RecorderAggregates {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#stalls.stop();
    this.#watch.stop();
    const lastElapsed = Math.floor(this.#o.clock.nowMs() / 1000) - 1;
    const lastT = Math.max(this.#maxOpenT, lastElapsed);
    while (this.#nextT <= lastT) this.#close();
    this.#flushLate();
    return this.#agg;
  }

  #builder(s: { names: Map<string, RequestSecondBuilder> }, name: string): RequestSecondBuilder {
    let b = s.names.get(name);
    if (b === undefined) {
      b = new RequestSecondBuilder(this.#pool);
      s.names.set(name, b);
    }
    return b;
  }

  #lateFor(ms: number): LateSecond {
    const t = Math.floor(ms / 1000);
    let s = this.#late.get(t);
    if (s === undefined) {
      s = { dropped: 0, names: new Map(), slices: new TrafficSlicesBuilder(t) };
      this.#late.set(t, s);
    }
    return s;
  }

  #secondFor(ms: number): OpenSecond | null {
    const t = Math.floor(ms / 1000);
    if (t < this.#nextT) return null;
    let s = this.#open.get(t);
    if (s === undefined) {
      s = { started: 0, finished: 0, dropped: 0, names: new Map(), slices: new TrafficSlicesBuilder(t), sendLag: null };
      this.#open.set(t, s);
      if (t > this.#maxOpenT) this.#maxOpenT = t;
    }
    return s;
  }

  #close(): void {
    const t = this.#nextT++;
    const s = this.#open.get(t);
    this.#open.delete(t);
    const phase = this.#o.phaseAt(t * 1000);
    const line: TimelineSecond = { type: 'second', t, phase, requests: {}, droppedIterations: s?.dropped ?? 0, inFlight: this.#inFlight };
    if (s !== undefined) {
      for (const [name, b] of s.names) {
        line.requests[name] = b.toLine();
        this.#fold(phase, name, b);
      }
      addDropped(this.#agg, phase, s.dropped);
      line.slices = s.slices.toLine();
    }
    const generator = this.#generatorLine(t, s?.sendLag ?? null);
    if (generator !== null) line.generator = generator;
    this.#agg.seconds++;
    this.#last = line;
    const merged = s === undefined ? null : this.#merged(s.names);
    this.#o.write(line, merged ?? undefined);
    if (merged !== null && s !== undefined && s.names.size > 1) {
      this.#pool.give(merged.all);
      if (merged.failed !== this.#noFailures) this.#pool.give(merged.failed);
    }
    for (const b of s?.names.values() ?? []) b.release();
  }

  /** The second's histograms merged over request names (one name: its own, no copy). */
  #merged(names: ReadonlyMap<string, RequestSecondBuilder>): SecondHistograms | null {
    const failedOf = (b: RequestSecondBuilder): LatencyHistogram | null => (b.errorHistogram !== null && b.errors > 0 ? b.errorHistogram : null);
    if (names.size === 0) return null;
    if (names.size === 1) {
      const only = names.values().next().value as RequestSecondBuilder;
      return { all: only.histogram, failed: failedOf(only) ?? this.#noFailures };
    }
    const all = this.#pool.take();
    let failed: LatencyHistogram | null = null;
    for (const b of names.values()) {
      all.add(b.histogram);
      const f = failedOf(b);
      if (f !== null) (failed ??= this.#pool.take()).add(f);
    }
    return { all, failed: failed ?? this.#noFailures };
  }

  /** One `late` line per second that received late traffic, in order of `t`; folded into the live aggregates too. */
  #flushLate(): void {
    if (this.#late.size === 0) return;
    const ts = [...this.#late.keys()].sort((a, b) => a - b);
    for (const t of ts) {
      const s = this.#late.get(t)!;
      this.#late.delete(t);
      // The phase of the second, as its own line has it: the analysis adds this line into it.
      const phase = this.#o.phaseAt(t * 1000);
      const line: TimelineLate = { type: 'late', t, phase, requests: {}, droppedIterations: s.dropped };
      for (const [name, b] of s.names) {
        line.requests[name] = b.toLine();
        this.#fold(phase, name, b);
        b.release();
      }
      addDropped(this.#agg, phase, s.dropped);
      line.slices = s.slices.toLine();
      this.#o.writeLate(line);
    }
  }

  #generatorLine(t: number, sendLag: Uint32Array | null): GeneratorSecond | null {
    const sample = this.#watch.take(t);
    if (sample === null && sendLag === null) return null;
    const line: GeneratorSecond = { cpuPct: sample?.cpuPct ?? 0, threads: sample === null ? [] : [sample.thread] };
    if (sendLag !== null) {
      const bins: number[] = [];
      for (let i = 0; i < sendLag.length; i++) if (sendLag[i]! > 0) bins.push(i, sendLag[i]!);
      line.sendLag = bins;
    }
    return line;
  }

  #fold(phase: string | null, name: string, b: RequestSecondBuilder): void {
    for (const agg of aggregatesFor(this.#agg, phase, name)) {
      addCounters(agg, b);
      agg.histogram.add(b.histogram);
    }
  }
}
