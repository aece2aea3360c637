import type { FaultResult, RunResult } from '../contract/run-result.ts';
import type { ProbeRecovery } from './probe-recovery.ts';
import { mean, median } from './stats/order-stats.ts';

export type RecoverySummary = RunResult['recovery'];

/**
 * MTTR over injections (docs/recovery.md, section MTTR). Choice: when any injection did not recover,
 * mttrSec, medianTtrSec and maxTtrSec are null ("not recovered"): a censored TTR is not a number
 * and averaging only the recovered ones would report a better MTTR than the system has. The
 * per-fault TTRs stay in `faults[]`, and `notRecovered` counts the censored ones (which fail the run).
 * The probe MTTR follows the same rule over the probe's own TTRs; null without probes.
 */
export function summarizeRecovery(
  faults: readonly FaultResult[],
  probe: readonly ProbeRecovery[] = [],
  resolution?: { resolutionMs: number; probeResolutionMs: number | null },
): RecoverySummary {
  const notRecovered = faults.filter((f) => !f.recovered).length;
  const ttrs = faults.flatMap((f) => (f.recovered && f.ttrSec !== null ? [f.ttrSec] : []));
  const complete = notRecovered === 0 && ttrs.length > 0;
  const summary = {
    mttrSec: complete ? round3(mean(ttrs)) : null,
    medianTtrSec: complete ? round3(median(ttrs)) : null,
    maxTtrSec: complete ? Math.max(...ttrs) : null,
    notRecovered,
  };
  if (resolution === undefined) return { ...summary, probe: { mttrSec: probeMttr(probe) } };
  return { ...summary, resolutionMs: resolution.resolutionMs, probe: { mttrSec: probeMttr(probe), resolutionMs: resolution.probeResolutionMs } };
}

function probeMttr(probe: readonly ProbeRecovery[]): number | null {
  if (probe.length === 0 || probe.some((p) => !p.recovered)) return null;
  const ttrs = probe.flatMap((p) => (p.ttrSec === null ? [] : [p.ttrSec]));
  return ttrs.length > 0 ? round3(mean(ttrs)) : null;
}

export interface ProbeBlindSpot {
  name: string;
  trafficTtrSec: number | null;
  probeTtrSec: number | null;
  /** Traffic TTR − probe TTR: positive when the probe said healthy while traffic still failed. */
  gapSec: number | null;
  /** Traffic was impacted but the probe never saw a failure run. */
  probeMissedImpact: boolean;
}

/** Per fault, how far the health probe's picture differs from what traffic experienced. */
export function probeBlindSpots(faults: readonly (FaultResult & { impacted?: boolean })[], probe: readonly ProbeRecovery[]): ProbeBlindSpot[] {
  return faults.map((f) => {
    const p = probe.find((x) => x.name === f.name);
    const trafficTtrSec = f.recovered ? f.ttrSec : null;
    const probeTtrSec = p?.recovered === true ? p.ttrSec : null;
    const gapSec = trafficTtrSec !== null && probeTtrSec !== null ? round3(trafficTtrSec - probeTtrSec) : null;
    const trafficImpacted = f.impacted ?? f.detectedAtMs !== null;
    return { name: f.name, trafficTtrSec, probeTtrSec, gapSec, probeMissedImpact: trafficImpacted && p !== undefined && !p.impacted };
  });
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
