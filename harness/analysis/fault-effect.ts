import type { EvidenceSource, FaultEffect, FaultEvidence, ResourceShift, TrafficShift } from '../contract/fault-evidence.ts';
import type { FaultObservation } from '../contract/fault-observation.ts';
import { describeObservation, describeTraffic } from './describe-evidence.ts';

/** What a source of evidence says on its own: `seen`, `not-seen` (proof of no effect), or nothing it can settle. */
export type SourceVerdict = 'seen' | 'not-seen' | 'undecided';

export interface FaultEffectInput {
  observation: FaultObservation | null;
  /** Null: no valid steady state to compare the window with. */
  traffic: TrafficShift | null;
  /** Exits of the managed target between the injection and the removal (target-exit events). */
  targetExitsInWindow: number;
  resources: ResourceShift | null;
}

export interface FaultEffectOutcome {
  effect: FaultEffect;
  evidence: FaultEvidence;
}

/**
 * Whether one injection had an observable effect (docs/fault-effect.md). The fault's own evidence
 * comes first, because it measures the fault's mechanism and not a symptom that another fault (or
 * noise) could also cause: a toxic that nothing went through had no effect whatever the traffic did;
 * a terminated backend, a waiter on the lock, a restarted target, a hog's CPU time are an effect.
 * Evidence that cannot prove absence (refusals of a disabled proxy are invisible to it, a 4 Hz
 * pg_stat_activity sample can miss a short wait) leaves the decision to the traffic, and so does a
 * fault with none (exec, process-pause, pool exhaustion, a real Toxiproxy without counters). Pure.
 */
export function faultEffect(input: FaultEffectInput): FaultEffectOutcome {
  const own = input.observation === null ? 'undecided' : observationVerdict(input.observation, input.targetExitsInWindow);
  const traffic: SourceVerdict = input.traffic === null ? 'undecided' : input.traffic.shifted.length > 0 ? 'seen' : 'not-seen';
  let effect: FaultEffect;
  let decidedBy: EvidenceSource | null;
  if (own !== 'undecided' && input.observation !== null) {
    effect = own === 'seen' ? 'observed' : 'none';
    decidedBy = input.observation.source;
  } else if (traffic !== 'undecided') {
    effect = traffic === 'seen' ? 'observed' : 'none';
    decidedBy = 'traffic';
  } else {
    effect = 'unknown';
    decidedBy = null;
  }
  const ownLine = input.observation === null ? [] : [describeObservation(input.observation, input.targetExitsInWindow, input.resources)];
  const trafficLine = input.traffic === null ? ['traffic: no valid steady state to compare the fault window with'] : [describeTraffic(input.traffic)];
  const summary = decidedBy === 'traffic' ? [...trafficLine, ...ownLine] : [...ownLine, ...trafficLine];
  return { effect, evidence: { decidedBy, summary, observation: input.observation, traffic: input.traffic, resources: input.resources } };
}

/** What the fault's own evidence settles by itself. */
export function observationVerdict(o: FaultObservation, targetExitsInWindow: number): SourceVerdict {
  switch (o.source) {
    case 'proxy': {
      const c = o.counters;
      if (c === null) return 'undecided';
      // A protocol toxic sees every statement go by; only its firing changed anything.
      if (c.fired !== undefined) return c.fired > 0 ? 'seen' : 'not-seen';
      if (c.affectedConnections > 0 || c.affectedBytes > 0) return 'seen';
      // Nothing went through the toxic: it cannot have changed anything. A disabled proxy cannot
      // see the connects it refuses, so no dropped connection proves nothing there.
      return o.mode === 'toxic' ? 'not-seen' : 'undecided';
    }
    case 'process':
      if (o.action === 'pause') return 'undecided';
      if (o.exited === true || targetExitsInWindow > 0 || (o.restartedPid !== null && o.restartedPid !== o.pid)) return 'seen';
      return o.exited === false ? 'not-seen' : 'undecided';
    case 'database':
      if (o.action === 'kill-backends') return o.backendsTerminated === null ? 'undecided' : o.backendsTerminated > 0 ? 'seen' : 'not-seen';
      return o.statementsWaiting !== null && o.statementsWaiting > 0 ? 'seen' : 'undecided';
    case 'hog':
      if (o.resource === 'cpu') return o.cpuSeconds !== null && o.cpuSeconds > 0 ? 'seen' : 'undecided';
      return o.bytesTouched !== null && o.bytesTouched > 0 ? 'seen' : 'undecided';
  }
}

/** The verdict's reason for a fault whose effect was expected and not seen; null when none is due. */
export function effectReason(fault: { name: string; kind: string; effect: FaultEffect; expectEffect: boolean; evidence: FaultEvidence }): string | null {
  if (!fault.expectEffect || fault.effect === 'observed') return null;
  const why = fault.evidence.summary[0] ?? 'no evidence';
  const fix = 'check the fault reaches what the load uses, or set expectEffect: false';
  return fault.effect === 'none'
    ? `fault ${fault.name} (${fault.kind}) had no observable effect: ${why} (${fix})`
    : `the effect of fault ${fault.name} (${fault.kind}) could not be established: ${why}`;
}
