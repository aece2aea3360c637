import type { GeneratorSecond } from '../contract/generator-second.ts';
import type { RequestSecond, TimelineSecond } from '../contract/timeline-types.ts';
import type { TrafficSlices } from '../contract/traffic-slices.ts';
import { emptyErrorKinds } from '../contract/stats.ts';
import type { ErrorKinds } from '../contract/stats.ts';
import { LatencyHistogram } from './latency-histogram.ts';

/** Adds sparse `[bin, count, …]` lists into one, bins ascending. */
export function addSparseBins(lists: ReadonlyArray<readonly number[]>): number[] {
  const m = new Map<number, number>();
  for (const l of lists) for (let i = 0; i < l.length; i += 2) m.set(l[i] ?? 0, (m.get(l[i] ?? 0) ?? 0) + (l[i + 1] ?? 0));
  return [...m.entries()].sort((a, b) => a[0] - b[0]).flat();
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function mergeRequest(parts: readonly RequestSecond[]): RequestSecond {
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  const statusCounts: Record<string, number> = {};
  const errorKinds: ErrorKinds = emptyErrorKinds();
  let count = 0;
  let errors = 0;
  let bytes = 0;
  let cancelled = 0;
  for (const p of parts) {
    count += p.count;
    errors += p.errors;
    bytes += p.bytes;
    cancelled += p.cancelled ?? 0;
    addCounts(statusCounts, p.statusCounts);
    addCounts(errorKinds as unknown as Record<string, number>, p.errorKinds as unknown as Record<string, number>);
    all.addEncoded(p.histogram);
    if (p.errorHistogram !== undefined) failed.addEncoded(p.errorHistogram);
  }
  const out: RequestSecond = { count, errors, statusCounts, errorKinds, bytes, histogram: all.encode() };
  if (errors > 0 && failed.count > 0) out.errorHistogram = failed.encode();
  if (cancelled > 0) out.cancelled = cancelled;
  return out;
}

function addArrays(lists: ReadonlyArray<readonly number[]>): number[] {
  const out = new Array<number>(Math.max(0, ...lists.map((l) => l.length))).fill(0);
  for (const l of lists) l.forEach((v, i) => (out[i] = (out[i] ?? 0) + v));
  return out;
}

function mergeSlices(parts: readonly TrafficSlices[]): TrafficSlices {
  const first = parts[0] as TrafficSlices;
  const requests = addArrays(parts.map((p) => p.requests));
  const out: TrafficSlices = {
    ms: first.ms,
    requests,
    errors: addArrays(parts.map((p) => p.errors)),
    dropped: addArrays(parts.map((p) => p.dropped)),
    okLatency: requests.map((_, i) => addSparseBins(parts.map((p) => p.okLatency[i] ?? []))),
  };
  // Mean send lag per slice, weighted by each part's requests in it (whole ms, as written).
  if (parts.some((p) => p.sendLagMs !== undefined)) {
    const lag = requests.map((n, i) => (n === 0 ? 0 : Math.round(parts.reduce((a, p) => a + (p.sendLagMs?.[i] ?? 0) * (p.requests[i] ?? 0), 0) / n)));
    if (lag.some((ms) => ms > 0)) out.sendLagMs = lag;
  }
  return out;
}

function mergeGenerator(parts: readonly GeneratorSecond[]): GeneratorSecond {
  const lags = parts.flatMap((p) => (p.sendLag === undefined ? [] : [p.sendLag]));
  const out: GeneratorSecond = {
    // The threads of one process report the same process CPU; separate processes' add up.
    cpuPct: Math.max(0, ...parts.map((p) => p.cpuPct)),
    threads: parts.flatMap((p) => p.threads),
  };
  if (lags.length > 0) out.sendLag = addSparseBins(lags);
  return out;
}

/**
 * One second of the whole load from the same second of each execution segment's timeline
 * (execution-segment.ts): counts added, HDR histograms merged (never percentiles averaged), slices
 * and send-lag bins added, the load threads listed side by side. Pure.
 */
export function mergeSecondLines(parts: readonly TimelineSecond[]): TimelineSecond {
  const first = parts[0];
  if (first === undefined) throw new Error('mergeSecondLines needs at least one line');
  if (parts.length === 1) return first;
  const names = [...new Set(parts.flatMap((p) => Object.keys(p.requests)))];
  const requests: Record<string, RequestSecond> = {};
  for (const name of names) requests[name] = mergeRequest(parts.flatMap((p) => (p.requests[name] === undefined ? [] : [p.requests[name] as RequestSecond])));
  const line: TimelineSecond = {
    type: 'second',
    t: first.t,
    phase: parts.find((p) => p.phase !== null)?.phase ?? null,
    requests,
    droppedIterations: parts.reduce((a, p) => a + p.droppedIterations, 0),
  };
  if (parts.some((p) => p.inFlight !== undefined)) line.inFlight = parts.reduce((a, p) => a + (p.inFlight ?? 0), 0);
  const slices = parts.flatMap((p) => (p.slices === undefined ? [] : [p.slices]));
  if (slices.length > 0) line.slices = mergeSlices(slices);
  const generators = parts.flatMap((p) => (p.generator === undefined ? [] : [p.generator]));
  if (generators.length > 0) line.generator = mergeGenerator(generators);
  return line;
}
