import type { StagePlan } from '../contract/plan-types.ts';

/** A span of a closed-model phase run with a fixed number of connections (one autocannon instance). */
export interface VuStep {
  /** Offset from the phase's start. */
  startMs: number;
  durationMs: number;
  vus: number;
}

/** Length of the sub-steps a linear VU ramp is cut into (autocannon cannot change connections mid-run). */
export const RAMP_STEP_MS = 1000;

/**
 * k6's ramping-vus as steps: within each stage the VU count moves linearly from the previous
 * target, approximated by 1-second sub-steps each holding the (rounded) count at its midpoint; a
 * stage of duration 0 jumps at once. Consecutive sub-steps with the same count are merged, so a
 * plateau is one instance (one set of connections), and a ramp opens new sockets once a second.
 */
export function rampingVuSteps(startVUs: number, stages: readonly StagePlan[]): VuStep[] {
  const raw: VuStep[] = [];
  let offset = 0;
  let from = startVUs;
  for (const stage of stages) {
    for (let at = 0; at < stage.durationMs; at += RAMP_STEP_MS) {
      const len = Math.min(RAMP_STEP_MS, stage.durationMs - at);
      const mid = (at + len / 2) / stage.durationMs;
      raw.push({ startMs: offset + at, durationMs: len, vus: Math.max(0, Math.round(from + (stage.target - from) * mid)) });
    }
    offset += stage.durationMs;
    from = stage.target;
  }
  return mergeEqual(raw);
}

function mergeEqual(steps: readonly VuStep[]): VuStep[] {
  const out: VuStep[] = [];
  for (const s of steps) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.vus === s.vus) prev.durationMs += s.durationMs;
    else out.push({ ...s });
  }
  return out;
}
