import type { OutcomeSink, PhaseRunSummary, RequestFactory, RequestOutcome } from '../../harness/load/engine.ts';
import { engineFor } from '../../harness/load/index.ts';
import { TimelineRecorder } from '../../harness/metrics/timeline-recorder.ts';
import type { RecorderAggregates } from '../../harness/metrics/timeline-recorder.ts';
import type { TimelineLate, TimelineSecond } from '../../harness/contract/timeline-types.ts';
import type { LoadPhasePlan } from '../../harness/contract/plan-types.ts';
import { monotonicClock } from '../../harness/core/clock.ts';
import { fixedRequests } from './fixed-requests.ts';

/** Distributes Omit over the phase union so `executor` still discriminates. */
type PhaseInput = LoadPhasePlan extends infer P ? (P extends LoadPhasePlan ? Omit<P, 'name' | 'startMs' | 'gracefulStopMs'> & { gracefulStopMs?: number } : never) : never;

export interface PhaseRun {
  summary: PhaseRunSummary;
  lines: TimelineSecond[];
  /** Outcomes that arrived after their second closed. */
  late: TimelineLate[];
  agg: RecorderAggregates;
  /** Actual send times (run clock) of every started request, from onStart. */
  sentAtMs: number[];
  outcomes: RequestOutcome[];
  startMs: number;
  elapsedMs: number;
}

export interface RunOptions {
  timeoutMs?: number;
  requests?: RequestFactory;
  signal?: AbortSignal;
}

/**
 * Runs one phase with the engine the registry picks, recording into a real TimelineRecorder on a
 * monotonic clock; the phase starts 50 ms after the clock's zero.
 */
export async function runEnginePhase(baseUrl: string, input: PhaseInput, options: RunOptions = {}): Promise<PhaseRun> {
  const clock = monotonicClock();
  const timeoutMs = options.timeoutMs ?? 5000;
  const startMs = 50;
  const phase = { name: 'p', startMs, gracefulStopMs: 2000, ...input } as LoadPhasePlan;
  const lines: TimelineSecond[] = [];
  const late: TimelineLate[] = [];
  const rec = new TimelineRecorder({ clock, write: (l) => lines.push(l), writeLate: (l) => late.push(l), phaseAt: () => 'p', timeoutMs });
  const sentAtMs: number[] = [];
  const outcomes: RequestOutcome[] = [];
  const sink: OutcomeSink = {
    onStart(at, startedAt) {
      sentAtMs.push(clock.nowMs());
      rec.onStart(at, startedAt);
    },
    onOutcome(o) {
      outcomes.push(o);
      rec.onOutcome(o);
    },
    onDropped: (at) => rec.onDropped(at),
    onSockets: (n) => rec.onSockets(n),
  };
  rec.start();
  const summary = await engineFor(phase.executor).run(phase, {
    baseUrl,
    clock,
    requests: options.requests ?? fixedRequests(),
    sink,
    signal: options.signal ?? new AbortController().signal,
    timeoutMs,
  });
  const elapsedMs = clock.nowMs() - startMs;
  const agg = rec.finish();
  return { summary, lines, late, agg, sentAtMs, outcomes, startMs, elapsedMs };
}

/** Total requests over a run's timeline lines. */
export function timelineCount(lines: readonly TimelineSecond[]): number {
  return lines.reduce((n, l) => n + Object.values(l.requests).reduce((m, r) => m + r.count, 0), 0);
}
