import type { FaultInjection } from './recovery.ts';
import { findImpactAndRecovery } from './recovery-runs.ts';
import type { RecoveryAnchor } from '../contract/plan-types.ts';

/**
 * The health-probe variant of recovery (docs/recovery.md, section The health probe): the prober's
 * samples instead of traffic buckets. Unhealthy after F consecutive failures (Kubernetes/Chaos
 * Mesh default 3); recovered at the first probe of S consecutive successes with S·P ≥ 5 s, so the
 * probe needs as much evidence as the traffic rule (N = 5 one-second buckets). Relapse rule as for
 * traffic. TTD is the instant of the F-th consecutive failure (when a probe-driven alert would fire).
 */

export interface ProbePoint {
  atMs: number;
  ok: boolean;
}

export interface ProbeRecoveryOptions {
  /** P: the prober's period (recovery.probeInterval). */
  periodMs: number;
  /** F: consecutive failures that make the target unhealthy. Default 3, as a health check's usual failure threshold. */
  failureThreshold?: number;
  /** S·P must be at least this long: the traffic's N healthy seconds. */
  recoveryEvidenceMs: number;
  /** W_post, as for traffic. */
  postWindowSec: number;
  /** End of observation (ms, inclusive). Default: the last probe. */
  observationEndMs?: number;
}

export interface ProbeRecovery {
  name: string;
  anchor: RecoveryAnchor;
  impacted: boolean;
  detectedAtMs: number | null;
  recoveredAtMs: number | null;
  ttdSec: number | null;
  ttrSec: number | null;
  recovered: boolean;
}

export function analyzeProbeRecovery(
  probes: readonly ProbePoint[],
  faults: readonly FaultInjection[],
  options: ProbeRecoveryOptions,
): ProbeRecovery[] {
  const sorted = [...probes].sort((a, b) => a.atMs - b.atMs);
  const flags = sorted.map((p) => p.ok);
  const periodMs = options.periodMs;
  const failures = options.failureThreshold ?? 3;
  const successes = Math.max(1, Math.ceil(options.recoveryEvidenceMs / periodMs));
  const endMs = options.observationEndMs ?? sorted[sorted.length - 1]?.atMs ?? 0;
  return faults.map((f) => {
    const windowEndMs = probeWindowEndMs(f, faults, endMs, options.postWindowSec);
    const from = sorted.findIndex((p) => p.atMs >= f.injectAtMs);
    const end = lastIndexAtOrBefore(sorted, windowEndMs);
    const anchor = f.recoveryAnchor;
    const none = { name: f.name, anchor, detectedAtMs: null, recoveredAtMs: null, ttdSec: null };
    const outcome = from < 0 ? { impacted: false as const } : findImpactAndRecovery(flags, from, end, { onsetRun: failures, recoveryRun: successes });
    if (!outcome.impacted) return { ...none, impacted: false, ttrSec: 0, recovered: true };
    const detectedAtMs = sorted[outcome.impactIndex + failures - 1]?.atMs ?? null;
    const detected = { impacted: true, detectedAtMs, ttdSec: detectedAtMs === null ? null : (detectedAtMs - f.injectAtMs) / 1000 };
    const recoveredAtMs = outcome.recoveryIndex === null ? null : (sorted[outcome.recoveryIndex]?.atMs ?? null);
    if (recoveredAtMs === null) return { ...none, ...detected, ttrSec: null, recovered: false };
    const anchorMs = anchor === 'injection' ? f.injectAtMs : f.removeAtMs;
    return { ...none, ...detected, recoveredAtMs, ttrSec: Math.max(0, recoveredAtMs - anchorMs) / 1000, recovered: true };
  });
}

function probeWindowEndMs(f: FaultInjection, all: readonly FaultInjection[], endMs: number, postWindowSec: number): number {
  let end = Math.min(endMs, f.removeAtMs + postWindowSec * 1000);
  for (const other of all) if (other !== f && other.injectAtMs >= f.removeAtMs) end = Math.min(end, other.injectAtMs - 1);
  return end;
}

function lastIndexAtOrBefore(sorted: readonly ProbePoint[], atMs: number): number {
  let i = sorted.length - 1;
  while (i >= 0 && (sorted[i]?.atMs ?? Infinity) > atMs) i--;
  return i;
}
