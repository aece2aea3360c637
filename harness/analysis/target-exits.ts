import type { TargetExit } from '../contract/target-exit.ts';
import type { TimelineEvent } from '../contract/timeline-types.ts';

/**
 * The managed target's exits from the timeline's `target-exit` events, in time order. An exit a
 * fault asked for is written again with `expected: false` when the target was still down at the
 * end of the load (run/target-exit-watch.ts): the later line wins, so it counts once, as a death.
 */
export function targetExitsFrom(events: readonly TimelineEvent[]): TargetExit[] {
  const byTime = new Map<number, TargetExit>();
  for (const e of events) {
    if (e.event !== 'target-exit') continue;
    byTime.set(e.atMs, { atMs: e.atMs, code: e.code ?? null, signal: e.signal ?? null, expected: e.expected === true });
  }
  return [...byTime.values()].sort((a, b) => a.atMs - b.atMs);
}
