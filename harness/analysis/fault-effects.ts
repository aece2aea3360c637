import type { FaultEffect, FaultEvidence, ResourceShift } from '../contract/fault-evidence.ts';
import type { FaultObservation } from '../contract/fault-observation.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { TargetExit } from '../contract/target-exit.ts';
import type { ResourceSample } from '../contract/timeline-types.ts';
import { effectReason, faultEffect } from './fault-effect.ts';
import { max, mean } from './stats/order-stats.ts';
import { trafficShift } from './traffic-shift.ts';
import type { TrafficBaseline } from './traffic-shift.ts';

/** One injection as the effect analysis needs it: its measured window, its impact, and what it saw itself. */
export interface EffectSubject {
  name: string;
  kind: string;
  injectedAtMs: number;
  removedAtMs: number;
  detectedAtMs: number | null;
  expectEffect: boolean;
  observation: FaultObservation | null;
}

export interface FaultEffectsContext {
  series: readonly SecondPoint[];
  /** The steady state before the first fault; null (or invalid) leaves the traffic undecided. */
  baseline: TrafficBaseline | null;
  openModel: boolean;
  targetExits: readonly TargetExit[];
  resources: readonly ResourceSample[];
}

export interface FaultEffectFields {
  effect: FaultEffect;
  expectEffect: boolean;
  evidence: FaultEvidence;
}

/**
 * The fault results with their effect fields, matched to the injection records by name: the form
 * chaos-analysis.ts wires in. `injections` carry the plan's `expectEffect` and the fault's own
 * observation (record.json); a result without a record keeps expectEffect true and no observation.
 */
export function withFaultEffects<R extends { name: string; kind: string; injectedAtMs: number; removedAtMs: number; detectedAtMs: number | null }>(
  results: readonly R[],
  injections: readonly { event: { name: string; expectEffect?: boolean | undefined }; observation?: FaultObservation | null | undefined }[],
  ctx: FaultEffectsContext,
): { faults: (R & FaultEffectFields)[]; inconclusive: string[] } {
  const byName = new Map(injections.map((r) => [r.event.name, r]));
  const subjects = results.map((r): EffectSubject => {
    const rec = byName.get(r.name);
    return { ...r, expectEffect: rec?.event.expectEffect ?? true, observation: rec?.observation ?? null };
  });
  const { fields, inconclusive } = faultEffects(subjects, ctx);
  return { faults: results.map((r, i) => ({ ...r, ...fields[i]! })), inconclusive };
}

/** Host samples this long before an injection are its "before" for a hog's resource figures. */
const beforeMs = 10_000;

/**
 * The effect of every injection (fault-effect.ts) and the reasons that make the run inconclusive:
 * one per injection whose effect was expected and is `none` or `unknown`. Pure.
 */
export function faultEffects(subjects: readonly EffectSubject[], ctx: FaultEffectsContext): { fields: FaultEffectFields[]; inconclusive: string[] } {
  const fields = subjects.map((s): FaultEffectFields => {
    const window = { startMs: s.injectedAtMs, endMs: s.removedAtMs };
    const traffic = ctx.baseline === null ? null : trafficShift(ctx.series, window, ctx.baseline, { openModel: ctx.openModel, detectedAtMs: s.detectedAtMs });
    const exits = ctx.targetExits.filter((x) => x.atMs >= s.injectedAtMs && x.atMs <= s.removedAtMs).length;
    const resources = s.observation?.source === 'hog' ? resourceShift(ctx.resources, window) : null;
    const { effect, evidence } = faultEffect({ observation: s.observation, traffic, targetExitsInWindow: exits, resources });
    return { effect, expectEffect: s.expectEffect, evidence };
  });
  const inconclusive = subjects.flatMap((s, i) => {
    const f = fields[i]!;
    const reason = effectReason({ name: s.name, kind: s.kind, ...f });
    return reason === null ? [] : [reason];
  });
  return { fields, inconclusive };
}

/** Host CPU (mean) and memory used (max) in the window against the 10 s before it. */
export function resourceShift(samples: readonly ResourceSample[], window: { startMs: number; endMs: number }): ResourceShift {
  const host = samples.flatMap((s) => (s.host === undefined ? [] : [{ atMs: s.atMs, cpu: s.host.cpuPercent, mem: s.host.memUsedBytes }]));
  const before = host.filter((s) => s.atMs >= window.startMs - beforeMs && s.atMs < window.startMs);
  const during = host.filter((s) => s.atMs >= window.startMs && s.atMs <= window.endMs);
  const avg = (xs: number[]): number | null => (xs.length === 0 ? null : Math.round(mean(xs) * 10) / 10);
  return {
    hostCpuPercentBefore: avg(before.map((s) => s.cpu)),
    hostCpuPercentDuring: avg(during.map((s) => s.cpu)),
    hostMemUsedBytesBefore: before.length === 0 ? null : Math.round(mean(before.map((s) => s.mem))),
    hostMemUsedBytesMaxDuring: during.length === 0 ? null : max(during.map((s) => s.mem)),
  };
}
