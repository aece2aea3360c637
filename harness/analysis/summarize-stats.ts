import type { LatencySummaryMs, Stats } from '../contract/stats.ts';
import type { LatencyHistogram } from '../metrics/latency-histogram.ts';
import type { TrafficAggregate } from '../metrics/traffic-aggregate.ts';

export type { TrafficAggregate } from '../metrics/traffic-aggregate.ts';

/** Rounds to the microsecond, so results do not carry float noise like 20.000999999. */
function ms(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function latencySummary(h: LatencyHistogram): LatencySummaryMs {
  return {
    p50: ms(h.percentileMs(50)),
    p90: ms(h.percentileMs(90)),
    p95: ms(h.percentileMs(95)),
    p99: ms(h.percentileMs(99)),
    p999: ms(h.percentileMs(99.9)),
    max: ms(h.maxMs),
    mean: ms(h.meanMs),
    min: ms(h.minMs),
  };
}

/**
 * OK and KO latency apart (docs/outcomes.md): all − failed = successful. Without failures the OK
 * latency is the whole histogram's, and no copy is made.
 */
function outcomeLatency(agg: TrafficAggregate): Pick<Stats, 'okLatencyMs' | 'koLatencyMs'> {
  const failed = agg.failedHistogram;
  if (failed === null || failed.count === 0) {
    return { okLatencyMs: agg.histogram.count === 0 ? null : latencySummary(agg.histogram), koLatencyMs: null };
  }
  const ok = agg.histogram.copy();
  ok.subtract(failed);
  return { okLatencyMs: ok.count === 0 ? null : latencySummary(ok), koLatencyMs: latencySummary(failed) };
}

/**
 * The `Stats` of the result contract for one window. `windowMs` is the window's length (a phase's
 * duration, the run's), so `rps` is requests per second over the window, not over busy seconds.
 */
export function summarizeStats(agg: TrafficAggregate, windowMs: number): Stats {
  return {
    requests: agg.requests,
    errors: agg.errors,
    errorRate: agg.requests === 0 ? 0 : agg.errors / agg.requests,
    rps: windowMs > 0 ? agg.requests / (windowMs / 1000) : 0,
    droppedIterations: agg.droppedIterations,
    statusCounts: { ...agg.statusCounts },
    errorKinds: { ...agg.errorKinds },
    ...(agg.cancelled > 0 ? { cancelled: agg.cancelled } : {}),
    latencyMs: latencySummary(agg.histogram),
    ...outcomeLatency(agg),
  };
}
