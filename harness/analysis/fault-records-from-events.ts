import type { FaultRecord } from '../contract/fault-record.ts';
import type { FaultEventPlan } from '../contract/plan-types.ts';
import type { TimelineEvent } from '../contract/timeline-types.ts';

/**
 * The fault records of a run that did not write its end (killed half way), rebuilt from the
 * timeline's fault events: the runner emits `fault-inject` and `fault-remove` when the step has
 * completed, as it fills the records in. A fault injected and never removed keeps removedAtMs null
 * (the analysis then takes its planned removal). Pure.
 */
export function faultRecordsFromEvents(planned: readonly FaultEventPlan[], events: readonly TimelineEvent[]): FaultRecord[] {
  const byName = new Map(planned.map((f): [string, FaultRecord] => [f.name, { name: f.name, kind: f.kind, injectedAtMs: null, removedAtMs: null, error: null }]));
  for (const e of events) {
    const r = e.name === undefined ? undefined : byName.get(e.name);
    if (r === undefined) continue;
    if (e.event === 'fault-inject') r.injectedAtMs ??= e.atMs;
    else if (e.event === 'fault-remove') r.removedAtMs ??= e.atMs;
    // The runner also reports a ledger it could not update as a fault-error; that is not the fault failing.
    else if (e.event === 'fault-error' && !(e.detail ?? '').startsWith('ledger not updated')) r.error ??= e.detail ?? 'failed';
  }
  return [...byName.values()];
}
