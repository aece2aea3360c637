import { emptyAggregate } from './traffic-aggregate.ts';
import type { TrafficAggregate } from './traffic-aggregate.ts';

export interface PhaseAggregate {
  total: TrafficAggregate;
  requests: Record<string, TrafficAggregate>;
}

/**
 * A run's traffic merged per request name, per phase (and request within it) and in total: what
 * thresholds and result stats read. The recorder keeps one live, the analysis folds one from the
 * timeline; both go through `aggregatesFor`, so they cannot disagree on where a second counts.
 */
export interface TrafficBreakdown {
  totals: TrafficAggregate;
  requests: Record<string, TrafficAggregate>;
  phases: Record<string, PhaseAggregate>;
}

export function emptyBreakdown(): TrafficBreakdown {
  return { totals: emptyAggregate(), requests: {}, phases: {} };
}

/** The aggregates one request name's traffic in `phase` adds to (created when missing). */
export function aggregatesFor(b: TrafficBreakdown, phase: string | null, name: string): TrafficAggregate[] {
  return [...totalAggregatesFor(b, phase), ...requestAggregatesFor(b, phase, name)];
}

/** The run's and the phase's totals: every request name's traffic in `phase` adds to them. */
export function totalAggregatesFor(b: TrafficBreakdown, phase: string | null): TrafficAggregate[] {
  return phase === null ? [b.totals] : [b.totals, (b.phases[phase] ??= { total: emptyAggregate(), requests: {} }).total];
}

/** The request name's own aggregates, for the run and within `phase`. */
export function requestAggregatesFor(b: TrafficBreakdown, phase: string | null, name: string): TrafficAggregate[] {
  const run = (b.requests[name] ??= emptyAggregate());
  if (phase === null) return [run];
  const p = (b.phases[phase] ??= { total: emptyAggregate(), requests: {} });
  return [run, (p.requests[name] ??= emptyAggregate())];
}

/** Dropped iterations belong to no request name: the total and the phase's total. */
export function addDropped(b: TrafficBreakdown, phase: string | null, n: number): void {
  if (n === 0) return;
  b.totals.droppedIterations += n;
  if (phase !== null) (b.phases[phase] ??= { total: emptyAggregate(), requests: {} }).total.droppedIterations += n;
}
