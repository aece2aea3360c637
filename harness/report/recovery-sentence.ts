import type { RunResult } from '../contract/run-result.ts';
import { formatSec } from './format-value.ts';

/**
 * One plain sentence about recovery, shared by the Markdown and HTML reports. The gap between
 * probe MTTR and traffic MTTR matters: a health endpoint that reports healthy well before real
 * traffic recovers would make an orchestrator route load to a service that still fails.
 */
export function recoverySentence(result: RunResult): string | null {
  if (result.faults.length === 0) return null;
  const r = result.recovery;
  const parts = [
    `MTTR ${formatSec(r.mttrSec)} (median ${formatSec(r.medianTtrSec)}, max ${formatSec(r.maxTtrSec)})`,
    r.notRecovered === 0
      ? 'every fault recovered'
      : `${r.notRecovered} of ${result.faults.length} fault${result.faults.length === 1 ? '' : 's'} never recovered`,
  ];
  if (r.probe.mttrSec !== null) parts.push(`health-probe MTTR ${formatSec(r.probe.mttrSec)}${probeGap(r.probe.mttrSec, r.mttrSec)}`);
  const resolution = resolutionNote(r.resolutionMs);
  if (resolution !== null) parts.push(resolution);
  return `${parts.join('; ')}.`;
}

/** Results written before the resolution was recorded say nothing about it. */
function resolutionNote(resolutionMs: number | undefined): string | null {
  if (resolutionMs === undefined) return null;
  return resolutionMs >= 1000 ? 'measured on whole seconds (a timeline without sub-second slices)' : `measured at ${resolutionMs / 1000} s resolution`;
}

function probeGap(probeSec: number, trafficSec: number | null): string {
  if (trafficSec === null) return '';
  const gap = probeSec - trafficSec;
  if (Math.abs(gap) < 0.05) return ', same as traffic';
  return gap < 0
    ? ` — the probe reported healthy ${formatSec(-gap)} before traffic recovered`
    : ` — the probe lagged traffic by ${formatSec(gap)}`;
}
