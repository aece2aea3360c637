import * as z from 'zod';
import { faultObservationSchema } from './fault-observation.ts';

/**
 * Whether a fault had an observable effect (docs/fault-effect.md), in `result.json` beside its
 * TTD and TTR. `observed`: some evidence shows it; `none`: the evidence says nothing happened (a
 * toxic nothing went through, no traffic change); `unknown`: nothing could be measured (no valid
 * steady state to compare with, and nothing from the fault itself). `none` and `unknown` make the
 * run inconclusive unless the fault says `expectEffect: false`.
 */
export const faultEffectSchema = z.enum(['observed', 'none', 'unknown']);
export type FaultEffect = z.infer<typeof faultEffectSchema>;

export const trafficShiftKindSchema = z.enum(['errors', 'latency', 'throughput', 'impact']);
export type TrafficShiftKind = z.infer<typeof trafficShiftKindSchema>;

const nullableNumber = z.number().nullable();

/** The traffic in the fault's window against the steady state before the first fault. */
export const trafficShiftSchema = z.object({
  /** The window: from the injection to the removal, in whole seconds of the timeline. */
  fromSec: z.number().int(),
  toSec: z.number().int(),
  requests: z.number().int().nonnegative(),
  errorRate: z.number(),
  steadyErrorRate: z.number(),
  /** Highest healthy error rate (the steady state's tolerance). */
  maxErrorRate: z.number(),
  /** Median over the window's seconds of their success p95; null when no request succeeded. */
  successP95Ms: nullableNumber,
  steadySuccessP95Ms: z.number(),
  maxSuccessP95Ms: z.number(),
  /** Seconds of the window whose success p95 was above the healthy one. */
  slowSeconds: z.number().int().nonnegative(),
  /** Seconds of the window with fewer requests or successes than a healthy second (open model: successes too). */
  starvedSeconds: z.number().int().nonnegative(),
  successRps: z.number(),
  steadySuccessRps: z.number(),
  /** What moved: error rate, latency, throughput, or an impact (recovery's unhealthy run) that began in the window. Empty: nothing. */
  shifted: z.array(trafficShiftKindSchema),
});
export type TrafficShift = z.infer<typeof trafficShiftSchema>;

/** Host resources around a hog fault: the 10 s before its injection against its window. */
export const resourceShiftSchema = z.object({
  hostCpuPercentBefore: nullableNumber,
  hostCpuPercentDuring: nullableNumber,
  hostMemUsedBytesBefore: nullableNumber,
  hostMemUsedBytesMaxDuring: nullableNumber,
});
export type ResourceShift = z.infer<typeof resourceShiftSchema>;

export const evidenceSourceSchema = z.enum(['proxy', 'process', 'database', 'hog', 'traffic']);
export type EvidenceSource = z.infer<typeof evidenceSourceSchema>;

export const faultEvidenceSchema = z.object({
  /** The evidence that settled the effect; null when nothing could (effect unknown). */
  decidedBy: evidenceSourceSchema.nullable(),
  /** One sentence per source, the deciding one first, for reports and reasons. */
  summary: z.array(z.string()),
  /** What the fault itself saw (null: nothing beyond the traffic). */
  observation: faultObservationSchema.nullable(),
  /** Null: no valid steady state to compare the window with. */
  traffic: trafficShiftSchema.nullable(),
  /** Hog faults only. */
  resources: resourceShiftSchema.nullable(),
});
export type FaultEvidence = z.infer<typeof faultEvidenceSchema>;
