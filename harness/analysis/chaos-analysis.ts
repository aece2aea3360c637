import type { ProbeSample, ResourceSample } from '../contract/timeline-types.ts';
import type { FaultEventPlan } from '../contract/plan-types.ts';
import { analyzeProbeRecovery } from './probe-recovery.ts';
import { analyzeRecovery } from './recovery.ts';
import { min } from './stats/order-stats.ts';
import type { FaultInjection } from './recovery.ts';
import { probeBlindSpots, summarizeRecovery } from './recovery-summary.ts';
import { harnessSaturationWarning, summarizeResource } from './resource-summary.ts';
import type { UsageSample } from './resource-summary.ts';
import type { FaultResult, Integrity, RunResult } from '../contract/run-result.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import { computeSteadyState } from './steady-state.ts';
import type { HealthTolerances } from './steady-state.ts';
import type { ScalarMetrics } from './traffic-metric-source.ts';
import { sliceSecondHealth } from './slice-series.ts';
import type { SliceSeries } from './slice-series.ts';
import type { FaultObservation } from '../contract/fault-observation.ts';
import type { TargetExit } from '../contract/target-exit.ts';
import { withFaultEffects } from './fault-effects.ts';

/** A planned injection with the times it really happened (inject/remove finished), or its error. */
export interface InjectionRecord {
  event: FaultEventPlan;
  injectedAtMs: number | null;
  removedAtMs: number | null;
  error: string | null;
  /** What the fault saw of its own effect (record.json); absent for runs killed before their end. */
  observation?: FaultObservation | null;
}

export interface ChaosAnalysisInput {
  series: readonly SecondPoint[];
  injections: readonly InjectionRecord[];
  probes: readonly ProbeSample[];
  probeIntervalMs: number;
  resources: readonly ResourceSample[];
  integrity: Integrity | null;
  /** The scenario's `recovery` section, durations in ms. */
  recovery: {
    steadyStateWindowMs: number;
    healthyForMs: number;
    unhealthyForMs: number;
    observationWindowMs: number;
    tolerances: { errorRate?: number | undefined; p95Ms?: number | undefined; throughputRatio?: number | undefined };
  };
  /** Open model (arrival rate): throughput is part of health; in a closed model it follows latency. */
  openModel: boolean;
  /** Exits of the managed target (a process-kill's evidence); absent: none known. */
  targetExits?: readonly TargetExit[];
  /** The timeline's sub-second traffic (slice-series.ts); null or absent: recovery on whole seconds. */
  slices?: SliceSeries | null;
  /** The timeline carries the generator's own health (then the harness CPU warning is not needed). */
  generatorWatched?: boolean;
}

export interface ChaosAnalysis {
  faults: FaultResult[];
  recovery: RunResult['recovery'];
  steadyState: { valid: boolean; reason: string | null } | null;
  resources: RunResult['resources'];
  /** Values of the chaos and resource threshold metrics (mttr_seconds, lost_executions, …). */
  scalars: ScalarMetrics;
  reasons: string[];
  warnings: string[];
  /** Faults whose expected effect was not seen (fault-effects.ts): the run is inconclusive when nothing failed. */
  inconclusive: string[];
}

/**
 * Everything the chaos measurement says about a run (docs/recovery.md): steady state before the
 * first fault, recovery per injection from traffic and from the health probe, resources and the leak
 * verdict, and the values chaos thresholds are evaluated on. Pure.
 */
export function analyzeChaos(input: ChaosAnalysisInput): ChaosAnalysis {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const injected = input.injections.filter((r) => r.error === null && r.injectedAtMs !== null);
  for (const r of input.injections) if (r.error !== null) reasons.push(`fault ${r.event.name} (${r.event.kind}) failed: ${r.error}`);
  const recoveryPart = analyzeFaults(input, injected, warnings);
  const resources = summarizeResources(input.resources);
  // A timeline with the generator's own figures is judged on them (generator-health.ts); the harness
  // process's CPU is the fallback for timelines written before them.
  const saturation = input.generatorWatched === true ? null : harnessSaturationWarning(usage(input.resources, 'harness'));
  if (saturation) warnings.push(saturation);
  const ttrs = recoveryPart.faults.flatMap((f) => (f.ttrSec === null ? [] : [f.ttrSec]));
  const scalars: ScalarMetrics = {
    mttr_seconds: recoveryPart.faults.length === 0 ? null : recoveryPart.recovery.notRecovered > 0 ? null : ttrs,
    ttd_seconds: recoveryPart.faults.flatMap((f) => (f.ttdSec === null ? [] : [f.ttdSec])),
    lost_executions: input.integrity?.lost ?? null,
    target_rss_bytes: usage(input.resources, 'target').map((s) => s.rssBytes),
    target_cpu_percent: usage(input.resources, 'target').map((s) => s.cpuPercent),
    harness_cpu_percent: usage(input.resources, 'harness').map((s) => s.cpuPercent),
  };
  return { ...recoveryPart, resources, scalars, reasons, warnings };
}

function analyzeFaults(input: ChaosAnalysisInput, injected: readonly InjectionRecord[], warnings: string[]): Pick<ChaosAnalysis, 'faults' | 'recovery' | 'steadyState' | 'inconclusive'> {
  const empty = { mttrSec: null, medianTtrSec: null, maxTtrSec: null, notRecovered: 0, probe: { mttrSec: null } };
  if (injected.length === 0) return { faults: [], recovery: empty, steadyState: null, inconclusive: [] };
  const faults: FaultInjection[] = injected.map((r) => ({
    ...r.event,
    injectAtMs: r.injectedAtMs ?? r.event.injectAtMs,
    removeAtMs: r.removedAtMs ?? r.event.removeAtMs,
  }));
  const firstInjectAtMs = min(faults.map((f) => f.injectAtMs));
  const steady = computeSteadyState(input.series, firstInjectAtMs, {
    maxWindowSec: input.recovery.steadyStateWindowMs / 1000,
    openModel: input.openModel,
    tolerances: overrides(input),
    secondHealth: input.slices == null ? undefined : sliceSecondHealth(input.slices),
  });
  const options = { unhealthyForMs: input.recovery.unhealthyForMs, healthyForMs: input.recovery.healthyForMs, postWindowMs: input.recovery.observationWindowMs };
  const ratio = input.recovery.tolerances.throughputRatio;
  const tolerances = ratio === undefined ? steady.tolerances : { ...steady.tolerances, minSuccessRps: ratio * steady.successRps };
  const { resolutionMs, faults: traffic } = analyzeRecovery(input.series, faults, tolerances, options, input.slices ?? null);
  if (input.slices == null) warnings.push('recovery measured on whole seconds: this timeline has no sub-second traffic (written before stresslab recorded it), so TTD and TTR are only as precise as ±1 s');
  const probe = input.probes.length > 0
    ? analyzeProbeRecovery(input.probes, faults, { periodMs: input.probeIntervalMs, healthyForMs: options.healthyForMs, postWindowMs: options.postWindowMs })
    : [];
  for (const gap of probeBlindSpots(traffic, probe)) {
    if (gap.probeMissedImpact) warnings.push(`the health probe stayed green while traffic failed during ${gap.name}: a monitoring blind spot`);
    else if (gap.gapSec !== null && Math.abs(gap.gapSec) >= 2) warnings.push(`${gap.name}: traffic recovered ${gap.gapSec > 0 ? `${gap.gapSec} s after` : `${-gap.gapSec} s before`} the health probe did`);
  }
  const results: FaultResult[] = traffic.map((f) => ({
    name: f.name,
    kind: f.kind,
    injectedAtMs: ms(f.injectedAtMs),
    removedAtMs: ms(f.removedAtMs),
    detectedAtMs: f.detectedAtMs === null ? null : ms(f.detectedAtMs),
    recoveredAtMs: f.recoveredAtMs === null ? null : ms(f.recoveredAtMs),
    ttdSec: f.ttdSec === null ? null : ms(f.ttdSec),
    ttrSec: f.ttrSec === null ? null : ms(f.ttrSec),
    recovered: f.recovered,
  }));
  const resolution = { resolutionMs, probeResolutionMs: probe.length > 0 ? input.probeIntervalMs : null };
  // Whether each fault bit (docs/fault-effect.md): its own evidence, else its window against the steady state.
  const baseline = steady.valid ? { errorRate: steady.errorRate, successP95Ms: steady.successP95Ms, successRps: steady.successRps, tolerances } : null;
  const effects = withFaultEffects(results, injected, { series: input.series, baseline, openModel: input.openModel, targetExits: input.targetExits ?? [], resources: input.resources });
  return {
    faults: effects.faults,
    recovery: summarizeRecovery(results, probe, resolution),
    steadyState: { valid: steady.valid, reason: steady.reason },
    inconclusive: effects.inconclusive,
  };
}

/** Three decimals: the clock's float noise (0.59092054900000) says nothing. */
function ms(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function overrides(input: ChaosAnalysisInput): Partial<HealthTolerances> {
  const t = input.recovery.tolerances;
  const out: Partial<HealthTolerances> = {};
  if (t.errorRate !== undefined) out.maxErrorRate = t.errorRate;
  if (t.p95Ms !== undefined) out.maxSuccessP95Ms = t.p95Ms;
  return out;
}

type Source = 'host' | 'target' | 'harness';

function usage(samples: readonly ResourceSample[], source: Source): UsageSample[] {
  const out: UsageSample[] = [];
  for (const s of samples) {
    if (source === 'host' && s.host) out.push({ atMs: s.atMs, cpuPercent: s.host.cpuPercent, rssBytes: s.host.memUsedBytes });
    else if (source !== 'host') {
      const v = s[source];
      if (v) out.push({ atMs: s.atMs, cpuPercent: v.cpuPercent, rssBytes: v.rssBytes });
    }
  }
  return out;
}

function summarizeResources(samples: readonly ResourceSample[]): RunResult['resources'] {
  return {
    host: summarizeResource(usage(samples, 'host')),
    target: summarizeResource(usage(samples, 'target')),
    harness: summarizeResource(usage(samples, 'harness')),
  };
}
