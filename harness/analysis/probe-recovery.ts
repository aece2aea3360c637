import type { FaultInjection } from './recovery.ts';
import { findImpactAndRecovery } from './recovery-runs.ts';
import type { RunSearchOutcome } from './recovery-runs.ts';
import type { RecoveryAnchor } from '../contract/plan-types.ts';

/**
 * The health-probe variant of recovery (docs/recovery.md, section The health probe): the prober's
 * samples instead of traffic slices, so its resolution is its period. Unhealthy after F consecutive
 * failures (Kubernetes/Chaos Mesh default 3: a count on purpose, it is when a probe-driven alert
 * would fire, and TTD is the instant of the F-th failure); recovered at the first probe of a run of
 * successes spanning healthyFor (at 250 ms, 20 probes), so the probe needs as much healthy time as
 * the traffic rule; gaps the prober left (skipped slots) are bridged up to a second (probeSearch).
 * Relapse rule as for traffic.
 */

export interface ProbePoint {
  atMs: number;
  ok: boolean;
  /** The answer's status; null when none came (a timeout, a refused connection). */
  status?: number | null;
  /** The harness's own event-loop stall while the probe was out (metrics/loop-stall-monitor.ts). */
  stalledMs?: number;
}

/**
 * A probe that got no answer while the harness itself was stalled is no evidence: its timeout may
 * have fired only because the loop that would have read the answer was blocked. Left out, like a
 * probe slot the prober skipped. An error status is an answer, and counts.
 */
function isEvidence(p: ProbePoint): boolean {
  return p.ok || p.status != null || (p.stalledMs ?? 0) <= 0;
}

export interface ProbeRecoveryOptions {
  /** P: the prober's period (recovery.probeInterval). */
  periodMs: number;
  /** F: consecutive failures that make the target unhealthy. Default 3, as a health check's usual failure threshold. */
  failureThreshold?: number;
  /** How long the successes must span, each probe standing for one period: the traffic's rule (recovery.healthyFor). */
  healthyForMs: number;
  /** W_post, as for traffic. */
  postWindowMs: number;
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
  const sorted = probes.filter(isEvidence).sort((a, b) => a.atMs - b.atMs);
  const failures = options.failureThreshold ?? 3;
  const endMs = options.observationEndMs ?? sorted[sorted.length - 1]?.atMs ?? 0;
  return faults.map((f) => {
    const windowEndMs = probeWindowEndMs(f, faults, endMs, options.postWindowMs);
    const from = sorted.findIndex((p) => p.atMs >= f.injectAtMs);
    const end = lastIndexAtOrBefore(sorted, windowEndMs);
    const anchor = f.recoveryAnchor;
    const none = { name: f.name, anchor, detectedAtMs: null, recoveredAtMs: null, ttdSec: null };
    const outcome = from < 0 ? { impacted: false as const } : probeSearch(sorted, from, end, failures, options);
    if (!outcome.impacted) return { ...none, impacted: false, ttrSec: 0, recovered: true };
    const detectedAtMs = sorted[outcome.impactIndex + failures - 1]?.atMs ?? null;
    const detected = { impacted: true, detectedAtMs, ttdSec: detectedAtMs === null ? null : (detectedAtMs - f.injectAtMs) / 1000 };
    const recoveredAtMs = outcome.recoveryIndex === null ? null : (sorted[outcome.recoveryIndex]?.atMs ?? null);
    if (recoveredAtMs === null) return { ...none, ...detected, ttrSec: null, recovered: false };
    const anchorMs = anchor === 'injection' ? f.injectAtMs : f.removeAtMs;
    return { ...none, ...detected, recoveredAtMs, ttrSec: Math.max(0, recoveredAtMs - anchorMs) / 1000, recovered: true };
  });
}

/**
 * Impact: the first F failures in a row; recovery: after the last such run, the first success that
 * starts `healthyForMs` of successes, each probe standing for one period. Probes the prober skipped
 * (a busy harness) leave gaps: up to a second (or two periods) they are bridged, as traffic bridges
 * empty slices; a longer gap is too little evidence and starts the count again.
 */
function probeSearch(sorted: readonly ProbePoint[], from: number, end: number, failures: number, o: ProbeRecoveryOptions): RunSearchOutcome {
  const outcome = findImpactAndRecovery(sorted.map((p) => p.ok), from, end, { onsetRun: failures, recoveryRun: 1 });
  if (!outcome.impacted || outcome.recoveryIndex === null) return outcome;
  const maxGapMs = Math.max(1000, 2 * o.periodMs);
  let start = -1;
  for (let i = outcome.recoveryIndex; i <= end; i++) {
    const p = sorted[i]!;
    if (!p.ok) {
      start = -1;
      continue;
    }
    if (start >= 0 && p.atMs - sorted[i - 1]!.atMs > maxGapMs) start = -1;
    if (start < 0) start = i;
    if (p.atMs + o.periodMs - sorted[start]!.atMs >= o.healthyForMs - 1e-6) return { ...outcome, recoveryIndex: start };
  }
  return { ...outcome, recoveryIndex: null };
}

function probeWindowEndMs(f: FaultInjection, all: readonly FaultInjection[], endMs: number, postWindowMs: number): number {
  let end = Math.min(endMs, f.removeAtMs + postWindowMs);
  for (const other of all) if (other !== f && other.injectAtMs >= f.removeAtMs) end = Math.min(end, other.injectAtMs - 1);
  return end;
}

function lastIndexAtOrBefore(sorted: readonly ProbePoint[], atMs: number): number {
  let i = sorted.length - 1;
  while (i >= 0 && (sorted[i]?.atMs ?? Infinity) > atMs) i--;
  return i;
}
