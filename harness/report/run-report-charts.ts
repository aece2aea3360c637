import type { RunResult } from '../contract/run-result.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { ProbeSample, ResourceSample, TimelineEvent } from '../contract/timeline-types.ts';
import { CHART_COLORS as C, type ChartBand, type ChartMarker, type ChartSpec } from './chart-spec.ts';
import { bucketReduce, bucketSecFor, maxOf, meanOf, mergeIntervals } from './downsample.ts';
import { outcomeCharts, type ChartOverlay } from './outcome-charts.ts';

export interface RunChartInput {
  result: RunResult;
  series: readonly SecondPoint[];
  resources: readonly ResourceSample[];
  probes?: readonly ProbeSample[];
  events?: readonly TimelineEvent[];
}

/** Points per chart: enough for a 1 px line on a wide screen, few enough for 24 h runs to stay small. */
export const MAX_CHART_POINTS = 2000;
const MIB = 1024 * 1024;

/** The time-series charts of the run report: OK latency, OK/KO throughput, outcomes, saturation (outcome-charts.ts), CPU and memory. */
export function buildRunCharts(input: RunChartInput, maxPoints = MAX_CHART_POINTS): ChartSpec[] {
  const runSec = (Date.parse(input.result.endedAt) - Date.parse(input.result.startedAt)) / 1000;
  // A loop, not Math.max(...spread): 86,400 arguments would overflow the call stack.
  let lastSec = Number.isFinite(runSec) ? runSec : 0;
  for (const p of input.series) lastSec = Math.max(lastSec, p.t + 1);
  for (const s of input.resources) lastSec = Math.max(lastSec, s.atMs / 1000);
  const bucketSec = bucketSecFor(lastSec, maxPoints);
  const overlay = { bands: overlayBands(input, bucketSec), markers: overlayMarkers(input) };
  return [...outcomeCharts(input.series, bucketSec, overlay), ...resourceCharts(input.resources, bucketSec, overlay)];
}

type Overlay = ChartOverlay;

function resourceCharts(samples: readonly ResourceSample[], bucketSec: number, overlay: Overlay): ChartSpec[] {
  if (samples.length === 0) return [];
  const buckets = bucketReduce(samples, (s) => s.atMs / 1000, bucketSec, (g, startSec) => ({
    x: startSec,
    hostCpu: meanOf(g.map((s) => s.host?.cpuPercent)),
    targetCpu: meanOf(g.map((s) => s.target?.cpuPercent)),
    harnessCpu: meanOf(g.map((s) => s.harness?.cpuPercent)),
    hostMem: maxOf(g.map((s) => (s.host ? s.host.memUsedBytes / MIB : null))),
    targetRss: maxOf(g.map((s) => (s.target ? s.target.rssBytes / MIB : null))),
    harnessRss: maxOf(g.map((s) => (s.harness ? s.harness.rssBytes / MIB : null))),
  }));
  const x = buckets.map((b) => b.x);
  const note = bucketSec > 1 ? `Each point covers ${bucketSec} s: mean CPU, peak memory.` : undefined;
  const cpu: ChartSpec = {
    id: 'cpu', title: 'CPU', xKind: 'elapsed', yLabel: '% of one core', x, ...overlay, dots: [],
    series: [
      { label: 'host', color: C.host, values: buckets.map((b) => b.hostCpu) },
      { label: 'target', color: C.target, values: buckets.map((b) => b.targetCpu) },
      { label: 'harness', color: C.harness, values: buckets.map((b) => b.harnessCpu) },
    ],
    ...(note ? { note } : {}),
  };
  const memory: ChartSpec = {
    id: 'memory', title: 'Memory', xKind: 'elapsed', yLabel: 'RSS MiB', y2Label: 'host used MiB', x, ...overlay, dots: [],
    series: [
      { label: 'target RSS', color: C.target, values: buckets.map((b) => b.targetRss) },
      { label: 'harness RSS', color: C.harness, values: buckets.map((b) => b.harnessRss) },
      { label: 'host used', color: C.host, values: buckets.map((b) => b.hostMem), axis: 'y2', dash: [6, 4] },
    ],
    ...(note ? { note } : {}),
  };
  return [cpu, memory];
}

function overlayBands(input: RunChartInput, bucketSec: number): ChartBand[] {
  const faults: ChartBand[] = input.result.faults.map((f) => ({
    fromX: f.injectedAtMs / 1000, toX: f.removedAtMs / 1000, color: C.fault, label: f.name, style: 'full',
  }));
  return [...faults, ...probeDownBands(input.probes ?? [], bucketSec)];
}

/** Failed health probes as strips: from the first failure to the next success. */
function probeDownBands(probes: readonly ProbeSample[], bucketSec: number): ChartBand[] {
  const sorted = [...probes].sort((a, b) => a.atMs - b.atMs);
  const down: { fromSec: number; toSec: number }[] = [];
  let from: number | null = null;
  for (const p of sorted) {
    if (!p.ok && from === null) from = p.atMs / 1000;
    if (p.ok && from !== null) {
      down.push({ fromSec: from, toSec: p.atMs / 1000 });
      from = null;
    }
  }
  const last = sorted[sorted.length - 1];
  if (from !== null && last) down.push({ fromSec: from, toSec: Math.max(last.atMs / 1000, from + 0.5) });
  return mergeIntervals(down, bucketSec).map((iv) => ({
    fromX: iv.fromSec, toX: iv.toSec, color: C.probeDown, label: 'probe down', style: 'strip',
  }));
}

function overlayMarkers(input: RunChartInput): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (const f of input.result.faults) {
    if (f.detectedAtMs !== null) markers.push({ atX: f.detectedAtMs / 1000, color: C.detected, label: `${f.name} detected`, dashed: true });
    if (f.recoveredAtMs !== null) markers.push({ atX: f.recoveredAtMs / 1000, color: C.recovered, label: `${f.name} recovered`, dashed: false });
    else markers.push({ atX: f.removedAtMs / 1000, color: C.notRecovered, label: `${f.name} not recovered`, dashed: true });
  }
  for (const p of input.result.phases.slice(1)) markers.push({ atX: p.startMs / 1000, color: C.event, label: p.name, dashed: true });
  for (const e of input.events ?? []) {
    if (e.event !== 'abort' && e.event !== 'fault-error') continue;
    const label = [e.event, e.name, e.detail].filter((s) => s !== undefined && s !== '').join(': ');
    markers.push({ atX: e.atMs / 1000, color: C.notRecovered, label, dashed: false });
  }
  return markers;
}
