import { withScaledParams } from '../faults/index.ts';
import type { FaultSpec } from '../faults/fault-spec-schema.ts';
import type { Scenario, ScenarioProfile } from './scenario-schema.ts';
import type { LoadPhase } from './schema-load.ts';

/** A profile's definition applied to the scenario (profile-names.ts names and finds profiles). */

export interface ApplyProfileOptions {
  /**
   * Whether the file wrote a `recovery` section. Only written windows scale: the defaults are
   * absolute times, and a quick profile of a scenario without the section keeps them.
   */
  recoveryWritten: boolean;
}

export function applyProfile(scenario: Scenario, profile: ScenarioProfile, options: ApplyProfileOptions): Scenario {
  const merged: Scenario = { ...scenario, ...profile.override };
  const f = { duration: profile.scale?.duration ?? 1, rate: profile.scale?.rate ?? 1, vus: profile.scale?.vus ?? 1 };
  if (f.duration === 1 && f.rate === 1 && f.vus === 1) return merged;
  const dur = (ms: number): number => Math.round(ms * f.duration);
  const recoveryWritten = options.recoveryWritten || profile.override?.recovery !== undefined;
  return {
    ...merged,
    load: merged.load.map((phase) => scalePhase(phase, f, dur)),
    faults: merged.faults.map((fault) => scaleFault(fault, dur, f.duration)),
    recovery: recoveryWritten
      ? { ...merged.recovery, steadyStateWindowMs: dur(merged.recovery.steadyStateWindowMs), observationWindowMs: dur(merged.recovery.observationWindowMs) }
      : merged.recovery,
  };
}

interface Factors {
  duration: number;
  rate: number;
  vus: number;
}

/** At least 1 for sizes that must stay positive; 0 stays possible for stage targets and start values. */
const atLeastOne = (n: number, f: number): number => Math.max(1, Math.round(n * f));
const scaled = (n: number, f: number): number => Math.round(n * f);

function scalePhase(p: LoadPhase, f: Factors, dur: (ms: number) => number): LoadPhase {
  const base = { startTimeMs: dur(p.startTimeMs) };
  switch (p.executor) {
    case 'constant-arrival-rate':
      return { ...p, ...base, rate: atLeastOne(p.rate, f.rate), durationMs: dur(p.durationMs), ...pool(p, f.rate) };
    case 'ramping-arrival-rate':
      return {
        ...p,
        ...base,
        startRate: scaled(p.startRate, f.rate),
        stages: p.stages.map((s) => ({ target: scaled(s.target, f.rate), durationMs: dur(s.durationMs) })),
        ...pool(p, f.rate),
      };
    case 'constant-vus':
      return { ...p, ...base, vus: atLeastOne(p.vus, f.vus), durationMs: dur(p.durationMs) };
    case 'ramping-vus':
      return {
        ...p,
        ...base,
        startVUs: scaled(p.startVUs, f.vus),
        stages: p.stages.map((s) => ({ target: scaled(s.target, f.vus), durationMs: dur(s.durationMs) })),
      };
    case 'shared-iterations':
    case 'per-vu-iterations':
      // Fewer iterations in proportion to the shorter time, so the work still fits.
      return { ...p, ...base, vus: atLeastOne(p.vus, f.vus), iterations: atLeastOne(p.iterations, f.duration), maxDurationMs: dur(p.maxDurationMs) };
  }
}

function pool(p: { preAllocatedVUs: number; maxVUs?: number | undefined }, rate: number): { preAllocatedVUs: number; maxVUs?: number } {
  return { preAllocatedVUs: atLeastOne(p.preAllocatedVUs, rate), ...(p.maxVUs === undefined ? {} : { maxVUs: atLeastOne(p.maxVUs, rate) }) };
}

/** Timing scales here; the kind scales its own time-valued parameters (a restart delay, a ramp). */
function scaleFault(fault: FaultSpec, dur: (ms: number) => number, factor: number): FaultSpec {
  const timed = { ...fault, atMs: dur(fault.atMs), durationMs: dur(fault.durationMs), everyMs: fault.everyMs === null ? null : dur(fault.everyMs) };
  return withScaledParams(timed, factor);
}
