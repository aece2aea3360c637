/**
 * The metrics a baseline stores and the regression gate compares (docs/regression-gate.md, section
 * The metric catalogue): which direction is worse, on which scale a change is judged, the absolute
 * floor a change must also exceed, and the fewest samples a run needs for its value to count.
 *
 * Keys are `<base>` for the whole run or `<base>{request:NAME}` for one request name.
 */

export type MetricBase =
  | 'p50Ms'
  | 'p95Ms'
  | 'p99Ms'
  | 'rps'
  | 'errorRate'
  | 'mttrSec'
  | 'ttdSec'
  | 'targetPeakRssBytes'
  | 'targetPeakCpuPercent'
  | 'targetCpuMsPerRequest'
  | 'calibrationUs';

export interface MetricSpec {
  base: MetricBase;
  /** Which way is better. */
  better: 'lower' | 'higher';
  /**
   * `relative`: the change is a ratio (log scale) judged against the tolerance in percent.
   * `absolute`: the change is a difference judged against the floor (error rates near 0, where
   * a relative change is meaningless).
   */
  scale: 'relative' | 'absolute';
  /** A change smaller than this (in the metric's unit) never counts as worse. */
  floor: number;
  /** Fewest samples behind a run's value (requests, injections, resource samples). */
  minSamples: number;
  /** Whether a `regression` fails the gate by default (the others are reported, warn-only). */
  gated: boolean;
  unit: string;
  /** The metric's name for people, in every report and summary (metricLabel). */
  description: string;
}

const MIB = 1024 * 1024;

export const gateMetrics: Readonly<Record<MetricBase, MetricSpec>> = {
  // Latency floors are a tenth of the 1/2/5 ms that suit services with latencies of tens of ms:
  // with those, a 5 % gate could never flag a service whose p50 is under 20 ms (the reference service's
  // is 3 ms). Histograms resolve to the µs (3 significant digits), so 0.1 ms is still 25 HDR buckets
  // at 3 ms: the floor only stops sub-resolution changes of tiny latencies from counting.
  p50Ms: { base: 'p50Ms', better: 'lower', scale: 'relative', floor: 0.1, minSamples: 40, gated: true, unit: 'ms', description: 'p50 latency' },
  p95Ms: { base: 'p95Ms', better: 'lower', scale: 'relative', floor: 0.2, minSamples: 400, gated: true, unit: 'ms', description: 'p95 latency' },
  // Warn-only: a run's p99 rests on its slowest 1 % and carries several % sampling noise
  // (react_on_rails #3829 dropped tail gates for the same reason).
  p99Ms: { base: 'p99Ms', better: 'lower', scale: 'relative', floor: 0.5, minSamples: 2000, gated: false, unit: 'ms', description: 'p99 latency' },
  // At a fixed arrival rate throughput equals the offered load until the target breaks: reported, not gated.
  rps: { base: 'rps', better: 'higher', scale: 'relative', floor: 0, minSamples: 40, gated: false, unit: 'req/s', description: 'throughput' },
  errorRate: { base: 'errorRate', better: 'lower', scale: 'absolute', floor: 0.001, minSamples: 100, gated: true, unit: 'ratio', description: 'error rate' },
  // Five or more injections per run would give a steadier mean; one recovered injection is accepted
  // because the runs themselves are the replicates.
  mttrSec: { base: 'mttrSec', better: 'lower', scale: 'relative', floor: 2, minSamples: 1, gated: true, unit: 's', description: 'mean time to recover' },
  ttdSec: { base: 'ttdSec', better: 'lower', scale: 'relative', floor: 2, minSamples: 1, gated: false, unit: 's', description: 'mean time to detect' },
  targetPeakRssBytes: { base: 'targetPeakRssBytes', better: 'lower', scale: 'relative', floor: 16 * MIB, minSamples: 5, gated: true, unit: 'bytes', description: 'peak target memory (RSS)' },
  targetPeakCpuPercent: { base: 'targetPeakCpuPercent', better: 'lower', scale: 'relative', floor: 5, minSamples: 5, gated: false, unit: '%', description: 'peak target CPU' },
  // The target's CPU time per completed request (its process only, not its database): the work the
  // build does per request. Latency sums that work with queueing and the machine's moods; CPU time
  // per request does not queue, so a 10 % costlier build shows as +10 % here even when a run's
  // latency noise is as large as the change.
  targetCpuMsPerRequest: { base: 'targetCpuMsPerRequest', better: 'lower', scale: 'relative', floor: 0, minSamples: 40, gated: true, unit: 'ms', description: 'target CPU per request' },
  // The machine, not the build: reported so a slow machine is visible, and the covariate that
  // latency is corrected for (regression-compare.ts). Never gated.
  calibrationUs: { base: 'calibrationUs', better: 'lower', scale: 'relative', floor: 0, minSamples: 30, gated: false, unit: 'µs', description: 'machine calibration (CPU per probe unit)' },
};

/**
 * Metrics that move with a shared machine's speed, so the gate corrects them for `calibrationUs`:
 * latency, throughput (a closed model's rps follows the machine; an open model's is set by the
 * schedule, and its fitted slope then comes out near zero, which leaves it as it was), and CPU time
 * per request (CPU time, like the probe's, grows when the machine is slow).
 */
export const MACHINE_SENSITIVE_BASES: ReadonlySet<MetricBase> = new Set(['p50Ms', 'p95Ms', 'p99Ms', 'rps', 'targetCpuMsPerRequest']);

export const METRIC_BASES = Object.keys(gateMetrics) as MetricBase[];

/** `p95Ms` or `p95Ms{request:validate}`. */
export function metricKey(base: MetricBase, request?: string): string {
  return request === undefined ? base : `${base}{request:${request}}`;
}

/** The spec of a key (tags ignored), or null for a key outside the catalogue. */
export function metricSpecFor(key: string): MetricSpec | null {
  const brace = key.indexOf('{');
  const base = brace < 0 ? key : key.slice(0, brace);
  return Object.hasOwn(gateMetrics, base) ? gateMetrics[base as MetricBase] : null;
}

/**
 * A metric key as people read it: `p95 latency` for `p95Ms`, `p95 latency · validate` for
 * `p95Ms{request:validate}`. The one mapping every report and summary uses; a key outside the
 * catalogue is shown as it is.
 */
export function metricLabel(key: string): string {
  const spec = metricSpecFor(key);
  if (spec === null) return key;
  const brace = key.indexOf('{');
  if (brace < 0) return spec.description;
  const tags = key.slice(brace + 1, key.endsWith('}') ? -1 : undefined).split(',').map((t) => t.slice(t.indexOf(':') + 1));
  return `${spec.description} · ${tags.join(', ')}`;
}
