import type { RequestOutcome } from '../../harness/load/engine.ts';
import type { TimelineLate, TimelineSecond } from '../../harness/contract/timeline-types.ts';
import { manualClock } from '../../harness/core/clock.ts';
import { TimelineRecorder } from '../../harness/metrics/timeline-recorder.ts';

/** What happened to the request intended at `atMs`: answered (`failed` or not) after `latencyMs`, or dropped. */
export type Fate = { failed: boolean; latencyMs: number } | 'dropped' | 'none';

/**
 * The timeline lines the real recorder writes for an open-model load of `rps` requests a second for
 * `seconds`, each request's fate decided by `fate(intendedAtMs)`: what the analysis reads back.
 * `sendLagMs(intendedAtMs)`: how late the generator sends it (default on time).
 */
export function recordedTimeline(
  rps: number,
  seconds: number,
  fate: (atMs: number) => Fate,
  sendLagMs: (atMs: number) => number = () => 0,
): { seconds: TimelineSecond[]; late: TimelineLate[] } {
  const clock = manualClock();
  const lines: TimelineSecond[] = [];
  const late: TimelineLate[] = [];
  const rec = new TimelineRecorder({ clock, write: (l) => lines.push(l), writeLate: (l) => late.push(l), phaseAt: () => 'main', timeoutMs: 2000 });
  const count = Math.round(rps * seconds);
  for (let i = 0; i < count; i++) {
    const atMs = (i * 1000) / rps;
    const f = fate(atMs);
    if (f === 'none') continue;
    if (f === 'dropped') {
      rec.onDropped(atMs);
      continue;
    }
    rec.onStart(atMs);
    rec.onOutcome({ ...outcome(atMs, f), sentAtMs: atMs + sendLagMs(atMs) });
  }
  clock.set((seconds + 1) * 1000);
  rec.finish();
  return { seconds: lines, late };
}

function outcome(atMs: number, f: { failed: boolean; latencyMs: number }): RequestOutcome {
  return {
    name: 'work',
    intendedAtMs: atMs,
    latencyUs: f.latencyMs * 1000,
    status: f.failed ? 503 : 200,
    failed: f.failed,
    errorKind: null,
    bytes: 10,
  };
}
