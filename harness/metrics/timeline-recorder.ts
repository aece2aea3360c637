import type { OutcomeSink, RequestOutcome } from '../load/engine.ts';
import type { Clock } from '../core/clock.ts';
import { HistogramPool, RequestSecondBuilder } from './request-second-builder.ts';
import type { TimelineSecond } from '../contract/timeline-types.ts';
import { addCounters, emptyAggregate } from './traffic-aggregate.ts';
import type { TrafficAggregate } from './traffic-aggregate.ts';

export interface TimelineRecorderOptions {
  clock: Clock;
  /** Receives each closed second, in order of `t`. */
  write: (line: TimelineSecond) => void;
  /** The phase whose window contains a run-clock time, or null between phases. */
  phaseAt: (ms: number) => string | null;
  /** The engines' per-request timeout: a second with requests still in flight closes at the latest this long after its end (+1 s). */
  timeoutMs: number;
  /** How often `start()` checks for closable seconds (default 200 ms). */
  tickMs?: number;
}

export interface PhaseAggregate {
  total: TrafficAggregate;
  requests: Record<string, TrafficAggregate>;
}

/** What the process keeps: merged aggregates whose size does not grow with the run's length. */
export interface RecorderAggregates {
  totals: TrafficAggregate;
  requests: Record<string, TrafficAggregate>;
  phases: Record<string, PhaseAggregate>;
  /** Seconds emitted. */
  seconds: number;
  /** Outcomes that arrived after their second had closed: in the aggregates but not in the timeline. */
  lateOutcomes: number;
}

interface OpenSecond {
  started: number;
  finished: number;
  dropped: number;
  names: Map<string, RequestSecondBuilder>;
}

/*
 * A second is not closed the instant the clock passes its end: a timer callback of the engine
 * that is about to start requests intended in that second may still be queued behind ours.
 */
const CLOSE_GRACE_MS = 250;

/**
 * Buckets outcomes by intended second, emits each second once it is over and nothing intended in
 * it is still in flight, and folds it into per-request, per-phase and total aggregates.
 */
export class TimelineRecorder implements OutcomeSink {
  readonly #o: TimelineRecorderOptions;
  readonly #open = new Map<number, OpenSecond>();
  readonly #pool = new HistogramPool();
  readonly #agg: RecorderAggregates = { totals: emptyAggregate(), requests: {}, phases: {}, seconds: 0, lateOutcomes: 0 };
  #nextT = 0;
  #maxOpenT = -1;
  #inFlight = 0;
  #last: TimelineSecond | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: TimelineRecorderOptions) {
    this.#o = options;
  }

  /** Requests started and not yet finished. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The last closed second (for a live view), null before the first closes. */
  snapshot(): TimelineSecond | null {
    return this.#last;
  }

  /** Closes seconds on a timer until `finish()`. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.tick(), this.#o.tickMs ?? 200);
    this.#timer.unref();
  }

  onStart(intendedAtMs: number): void {
    this.#inFlight++;
    const s = this.#secondFor(intendedAtMs);
    if (s !== null) s.started++;
  }

  onOutcome(outcome: RequestOutcome): void {
    if (this.#inFlight > 0) this.#inFlight--;
    const s = this.#secondFor(outcome.intendedAtMs);
    if (s === null) {
      this.#recordLate(outcome);
      return;
    }
    s.finished++;
    let b = s.names.get(outcome.name);
    if (b === undefined) {
      b = new RequestSecondBuilder(this.#pool);
      s.names.set(outcome.name, b);
    }
    b.record(outcome);
  }

  onDropped(intendedAtMs: number): void {
    const s = this.#secondFor(intendedAtMs);
    if (s !== null) s.dropped++;
    else this.#addDropped(this.#o.phaseAt(intendedAtMs), 1);
  }

  /** Emits every second that can close now. */
  tick(): void {
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
    const lastElapsed = Math.floor(this.#o.clock.nowMs() / 1000) - 1;
    const lastT = Math.max(this.#maxOpenT, lastElapsed);
    while (this.#nextT <= lastT) this.#close();
    return this.#agg;
  }

  #secondFor(ms: number): OpenSecond | null {
    const t = Math.floor(ms / 1000);
    if (t < this.#nextT) return null;
    let s = this.#open.get(t);
    if (s === undefined) {
      s = { started: 0, finished: 0, dropped: 0, names: new Map() };
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
        b.release();
      }
      if (s.dropped > 0) this.#addDropped(phase, s.dropped);
    }
    this.#agg.seconds++;
    this.#last = line;
    this.#o.write(line);
  }

  #targets(phase: string | null, name: string): TrafficAggregate[] {
    const a = this.#agg;
    const out = [a.totals, (a.requests[name] ??= emptyAggregate())];
    if (phase !== null) {
      const p = (a.phases[phase] ??= { total: emptyAggregate(), requests: {} });
      out.push(p.total, (p.requests[name] ??= emptyAggregate()));
    }
    return out;
  }

  #fold(phase: string | null, name: string, b: RequestSecondBuilder): void {
    for (const agg of this.#targets(phase, name)) {
      addCounters(agg, b);
      agg.histogram.add(b.histogram);
    }
  }

  #addDropped(phase: string | null, n: number): void {
    this.#agg.totals.droppedIterations += n;
    if (phase !== null) (this.#agg.phases[phase] ??= { total: emptyAggregate(), requests: {} }).total.droppedIterations += n;
  }

  #recordLate(o: RequestOutcome): void {
    this.#agg.lateOutcomes++;
    const b = new RequestSecondBuilder(this.#pool);
    b.record(o);
    this.#fold(this.#o.phaseAt(o.intendedAtMs), o.name, b);
    b.release();
  }
}
