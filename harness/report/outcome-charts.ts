import type { SecondPoint } from '../contract/second-point.ts';
import { ERROR_KINDS } from '../contract/stats.ts';
import { CHART_COLORS as C, type ChartBand, type ChartMarker, type ChartSeriesSpec, type ChartSpec } from './chart-spec.ts';
import { bucketReduce, maxOf, meanOf } from './downsample.ts';

export interface ChartOverlay {
  bands: ChartBand[];
  markers: ChartMarker[];
}

/** Status classes drawn apart; any other class a server invents joins "other status". */
const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/**
 * The traffic charts of the run report, OK and KO apart (docs/outcomes.md): latency of successful
 * requests (failed ones' p95 on its own axis), throughput as OK and KO stacked, every request's
 * outcome per second (status class or transport failure kind) stacked, and saturation (in flight,
 * dropped iterations). A second in which nothing succeeded has no OK latency: the line breaks
 * there instead of falling to the few microseconds a refused connection takes.
 */
export function outcomeCharts(series: readonly SecondPoint[], bucketSec: number, overlay: ChartOverlay): ChartSpec[] {
  const b = bucketReduce(series, (p) => p.t, bucketSec, (g, startSec) => ({
    x: startSec,
    okP50: maxOf(g.map((p) => p.successP50Ms)),
    okP95: maxOf(g.map((p) => p.successP95Ms)),
    okP99: maxOf(g.map((p) => p.successP99Ms)),
    koP95: maxOf(g.map((p) => p.failedP95Ms)),
    ok: meanOf(g.map((p) => p.successes)),
    ko: meanOf(g.map((p) => p.errors)),
    koWorst: maxOf(g.map((p) => p.errors)),
    classes: Object.fromEntries(outcomeKeys().map((k) => [k, meanOf(g.map((p) => outcomeOf(p, k)))])),
    inFlight: maxOf(g.map((p) => p.inFlight)),
    dropped: meanOf(g.map((p) => p.droppedIterations)),
  }));
  const x = b.map((v) => v.x);
  const note = (what: string): { note?: string } => (bucketSec > 1 ? { note: `Each point covers ${bucketSec} s: ${what}.` } : {});
  const base = { xKind: 'elapsed' as const, x, ...overlay, dots: [] };
  const latency: ChartSpec = {
    ...base, id: 'latency', title: 'Latency of successful requests (OK) per second', yLabel: 'OK ms', y2Label: 'KO ms',
    series: [
      { label: 'OK p50', color: C.p50, values: b.map((v) => v.okP50) },
      { label: 'OK p95', color: C.p95, values: b.map((v) => v.okP95) },
      { label: 'OK p99', color: C.p99, values: b.map((v) => v.okP99) },
      { label: 'KO p95 (right axis)', color: C.errors, values: b.map((v) => v.koP95), axis: 'y2', dash: [6, 4] },
    ],
    ...note('the worst second of it'),
  };
  const throughput: ChartSpec = {
    ...base, id: 'throughput', title: 'Throughput per second: OK and KO', yLabel: 'requests/s', stacked: true,
    series: [
      { label: 'OK/s', color: C.rps, fill: C.okFill, values: b.map((v) => v.ok) },
      { label: 'KO/s', color: C.errors, fill: C.koFill, values: b.map((v) => v.ko) },
      // Averaged over a bucket, a one-second burst of failures in a long run would all but vanish.
      ...(bucketSec > 1 ? [{ label: 'KO/s worst second', color: C.errors, values: b.map((v) => v.koWorst), dash: [4, 3] }] : []),
    ],
    ...note('OK and KO are the mean second of it, the dashed line its worst second of KO'),
  };
  const classSeries = outcomeKeys().map((k): ChartSeriesSpec => ({
    label: k, color: OUTCOME_COLORS[k].line, fill: OUTCOME_COLORS[k].fill, values: b.map((v) => v.classes[k] ?? null),
  }));
  // Classes that never occurred stay out of the legend.
  const present = classSeries.filter((s) => s.values.some((v) => v !== null && v > 0));
  const outcomes: ChartSpec = {
    ...base, id: 'outcomes', title: 'Outcome of every request per second: status class or failure kind', yLabel: 'requests/s', stacked: true,
    series: present.length > 0 ? present : classSeries.slice(0, 1),
    ...note('the mean second of it'),
  };
  const saturation: ChartSpec = {
    ...base, id: 'saturation', title: 'In-flight requests and dropped iterations', yLabel: 'in flight', y2Label: 'dropped/s',
    series: [
      { label: 'in flight', color: C.target, values: b.map((v) => v.inFlight) },
      { label: 'dropped/s', color: C.errors, values: b.map((v) => v.dropped), axis: 'y2' },
    ],
    ...note('the most in flight, the mean dropped'),
  };
  // No timeline (an imported k6 summary): two empty cards say so, four would only repeat it.
  return series.length === 0 ? [latency, throughput] : [latency, throughput, outcomes, saturation];
}

type OutcomeKey = (typeof STATUS_CLASSES)[number] | 'other status' | (typeof ERROR_KINDS)[number];

function outcomeKeys(): OutcomeKey[] {
  return [...STATUS_CLASSES, 'other status', ...ERROR_KINDS];
}

function outcomeOf(p: SecondPoint, k: OutcomeKey): number | null {
  if (p.statusCounts === undefined || p.errorKinds === undefined) return null;
  if ((ERROR_KINDS as readonly string[]).includes(k)) return p.errorKinds[k as (typeof ERROR_KINDS)[number]];
  if (k === 'other status') {
    let n = 0;
    for (const [cls, c] of Object.entries(p.statusCounts)) if (!(STATUS_CLASSES as readonly string[]).includes(cls)) n += c;
    return n;
  }
  return p.statusCounts[k] ?? 0;
}

/** Greens for answers that worked, ambers and reds for the rest, greys and purples for transport failures. */
const OUTCOME_COLORS: Record<OutcomeKey, { line: string; fill: string }> = {
  '2xx': { line: '#1f9d55', fill: 'rgba(31, 157, 85, 0.35)' },
  '3xx': { line: '#2f7ed8', fill: 'rgba(47, 126, 216, 0.35)' },
  '4xx': { line: '#e67e22', fill: 'rgba(230, 126, 34, 0.45)' },
  '5xx': { line: '#c0392b', fill: 'rgba(192, 57, 43, 0.45)' },
  'other status': { line: '#7f8c8d', fill: 'rgba(127, 140, 141, 0.4)' },
  timeout: { line: '#8e44ad', fill: 'rgba(142, 68, 173, 0.45)' },
  refused: { line: '#34495e', fill: 'rgba(52, 73, 94, 0.5)' },
  reset: { line: '#d35400', fill: 'rgba(211, 84, 0, 0.5)' },
  other: { line: '#95a5a6', fill: 'rgba(149, 165, 166, 0.5)' },
};
