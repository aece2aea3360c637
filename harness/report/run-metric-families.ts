import { ERROR_KINDS } from '../contract/stats.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import type { RunResult } from '../contract/run-result.ts';
import { verdictSchema } from '../contract/run-result.ts';
import type { MetricFamily, MetricSeries } from './metric-family.ts';
import { requestSecondPoints } from './request-second-points.ts';

/**
 * The `request` label of the series over all request names. A scenario's request names cannot
 * hold `*` (core/scalar-schemas.ts), so it never clashes with one.
 */
export const ALL_REQUESTS = '*';

const QUANTILES: ReadonlyArray<{ label: string; pick: (p: SecondPoint) => number | null | undefined }> = [
  { label: '0.5', pick: (p) => p.successP50Ms },
  { label: '0.95', pick: (p) => p.successP95Ms },
  { label: '0.99', pick: (p) => p.successP99Ms },
];

/** Collects a family's samples by label set, in the order they are added (time order, per series). */
class FamilyBuilder {
  readonly #series = new Map<string, MetricSeries>();
  constructor(readonly family: Omit<MetricFamily, 'series'>, readonly base: Readonly<Record<string, string>>) {}

  add(labels: Record<string, string>, timestampMs: number, value: number): void {
    const all = { ...this.base, ...labels };
    const key = JSON.stringify(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1)));
    let s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, (s = { labels: all, samples: [] }));
    const last = s.samples[s.samples.length - 1];
    // One value per timestamp: a later one for the same instant replaces it (fault edges on a second).
    if (last !== undefined && last.timestampMs === timestampMs) last.value = value;
    else s.samples.push({ timestampMs, value });
  }

  build(): MetricFamily {
    return { ...this.family, series: [...this.#series.values()] };
  }
}

/** The labels every series of a run carries: which scenario, profile, environment and run. */
export function runLabels(result: RunResult): Record<string, string> {
  // Prometheus drops a label whose value is empty: "default" keeps `profile` queryable.
  return { scenario: result.scenario.name, profile: result.scenario.profile ?? 'default', env: result.environment.name, run_id: result.runId };
}

/**
 * Every metric family of a run (docs/outputs.md): per second, stamped with the second's wall-clock
 * start (startedAt + t s), OK latency percentiles, OK/KO and status-class throughput and error
 * kinds, per request name and over all (`request="*"`); dropped iterations and in-flight requests;
 * fault windows as 0/1 with their exact edges; and at the run's end, each injection's TTD, TTR,
 * whether it recovered, its injection and removal times, the MTTR and the verdict. Pure.
 */
export function runMetricFamilies(result: RunResult, timeline: { seconds: readonly TimelineSecond[]; late: readonly TimelineLate[] }): MetricFamily[] {
  const base = runLabels(result);
  const startMs = Date.parse(result.startedAt);
  const endMs = Date.parse(result.endedAt);
  const gauge = (name: string, help: string, unit?: 'seconds'): FamilyBuilder =>
    new FamilyBuilder(unit === undefined ? { name, type: 'gauge', help } : { name, type: 'gauge', unit, help }, base);
  const okLatency = gauge('stresslab_ok_latency_seconds', 'Latency percentiles of the successful requests intended in this second', 'seconds');
  const koLatency = gauge('stresslab_ko_latency_seconds', 'p95 latency of the failed requests that have one (an unexpected status, a timeout) in this second', 'seconds');
  const rate = gauge('stresslab_requests_per_second', 'Requests intended in this second, by outcome: ok (expected answer) or ko (failed)');
  const errors = gauge('stresslab_errors_per_second', 'Failed requests of this second by kind: timeout, refused, reset, other (no answer) or status (an unexpected status)');
  const statuses = gauge('stresslab_responses_per_second', 'Responses of this second by status class');
  const dropped = gauge('stresslab_dropped_iterations_per_second', 'Iterations the load could not start in this second (no free VU)');
  const inFlight = gauge('stresslab_in_flight_requests', 'Requests in flight when this second closed');
  const classes = statusClasses(result);
  let lastT = -1;
  for (const { t, total, byRequest } of requestSecondPoints(timeline)) {
    const at = startMs + t * 1000;
    lastT = t;
    for (const [request, p] of [[ALL_REQUESTS, total] as const, ...byRequest]) {
      for (const q of QUANTILES) {
        const ms = q.pick(p);
        if (ms != null) okLatency.add({ request, quantile: q.label }, at, seconds(ms));
      }
      if (p.failedP95Ms != null) koLatency.add({ request, quantile: '0.95' }, at, seconds(p.failedP95Ms));
      rate.add({ request, outcome: 'ok' }, at, p.successes);
      rate.add({ request, outcome: 'ko' }, at, p.errors);
      let transport = 0;
      for (const kind of ERROR_KINDS) {
        const n = p.errorKinds?.[kind] ?? 0;
        transport += n;
        errors.add({ request, kind }, at, n);
      }
      errors.add({ request, kind: 'status' }, at, Math.max(0, p.errors - transport));
      for (const cls of classes.get(request === ALL_REQUESTS ? null : request) ?? []) statuses.add({ request, status_class: cls }, at, p.statusCounts?.[cls] ?? 0);
    }
    dropped.add({}, at, total.droppedIterations);
    if (total.inFlight != null) inFlight.add({}, at, total.inFlight);
  }
  const faults = faultFamilies(result, gauge, startMs, endMs, lastT);
  const verdict = gauge('stresslab_run_verdict', "The run's verdict: 1 for the one it got, 0 for the others");
  for (const v of verdictSchema.options) verdict.add({ verdict: v }, endMs, v === result.verdict ? 1 : 0);
  const mttr = gauge('stresslab_mttr_seconds', 'Mean time to recover over the injections that recovered', 'seconds');
  if (result.recovery.mttrSec !== null) mttr.add({}, endMs, result.recovery.mttrSec);
  return [okLatency, koLatency, rate, errors, statuses, dropped, inFlight, ...faults, mttr, verdict].map((b) => b.build()).filter((f) => f.series.length > 0);
}

/** Status classes seen per request name over the run (null: all names), so every second has each one, 0 where absent. */
function statusClasses(result: RunResult): Map<string | null, string[]> {
  const out = new Map<string | null, string[]>([[null, Object.keys(result.totals.statusCounts).sort()]]);
  for (const [name, stats] of Object.entries(result.requests)) out.set(name, Object.keys(stats.statusCounts).sort());
  return out;
}

type Gauge = (name: string, help: string, unit?: 'seconds') => FamilyBuilder;

/**
 * Fault windows and figures. `stresslab_fault_active` is one series per fault name and kind (a
 * fault injected twice is active in two windows), sampled each second and at the exact injection
 * and removal instants, so a window drawn from it starts and ends where the fault did. The figures
 * are per injection (`injection` counts a name's injections from 1), stamped at the run's end.
 */
function faultFamilies(result: RunResult, gauge: Gauge, startMs: number, endMs: number, lastT: number): FamilyBuilder[] {
  const active = gauge('stresslab_fault_active', '1 while the fault is injected, 0 otherwise');
  const ttd = gauge('stresslab_fault_ttd_seconds', 'Time from the injection to the detected effect', 'seconds');
  const ttr = gauge('stresslab_fault_ttr_seconds', 'Time from the removal to recovery', 'seconds');
  const recovered = gauge('stresslab_fault_recovered', '1 when the target recovered after the removal, 0 when it never did');
  const injected = gauge('stresslab_fault_injected_timestamp_seconds', 'When the fault was injected (epoch seconds)', 'seconds');
  const removed = gauge('stresslab_fault_removed_timestamp_seconds', 'When the fault was removed (epoch seconds)', 'seconds');
  const seen = new Map<string, number>();
  const byFault = new Map<string, { fault: string; kind: string; windows: Array<[number, number]> }>();
  for (const f of result.faults) {
    const n = (seen.get(f.name) ?? 0) + 1;
    seen.set(f.name, n);
    const labels = { fault: f.name, kind: f.kind, injection: String(n) };
    if (f.ttdSec !== null) ttd.add(labels, endMs, f.ttdSec);
    if (f.ttrSec !== null) ttr.add(labels, endMs, f.ttrSec);
    recovered.add(labels, endMs, f.recovered ? 1 : 0);
    injected.add(labels, endMs, (startMs + f.injectedAtMs) / 1000);
    removed.add(labels, endMs, (startMs + f.removedAtMs) / 1000);
    const key = `${f.name}\u0000${f.kind}`;
    const entry = byFault.get(key) ?? { fault: f.name, kind: f.kind, windows: [] };
    entry.windows.push([f.injectedAtMs, f.removedAtMs]);
    byFault.set(key, entry);
  }
  const lastMs = Math.max(lastT * 1000, endMs - startMs);
  for (const { fault, kind, windows } of byFault.values()) {
    const instants = new Set<number>();
    for (let ms = 0; ms <= lastMs; ms += 1000) instants.add(ms);
    for (const [a, b] of windows) {
      instants.add(a);
      instants.add(b);
    }
    for (const ms of [...instants].sort((x, y) => x - y)) {
      const on = windows.some(([a, b]) => ms >= a && ms < b);
      active.add({ fault, kind }, startMs + Math.round(ms), on ? 1 : 0);
    }
  }
  return [active, ttd, ttr, recovered, injected, removed];
}

/** Milliseconds to seconds, rounded to the microsecond the histograms hold (no 0.0050030000000000005). */
function seconds(ms: number): number {
  return Math.round(ms * 1000) / 1e6;
}
