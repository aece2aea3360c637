import type { RequestSecond, TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';

/** One second of the run with its late lines folded in: the outcomes of each request name, and the iterations dropped. */
export interface TimelineSecondGroup {
  /** The second's own line (an empty one when only late lines name the second); it names the phase. */
  second: TimelineSecond;
  droppedIterations: number;
  /** Each request name's parts of the second, in the order the lines hold them. */
  byName: Map<string, RequestSecond[]>;
}

/**
 * The timeline's seconds in order, each with its late lines. A late line goes into its second
 * (keyed by intended send time, like the second's own outcomes); one whose second is missing (a
 * torn or trimmed timeline) still counts, as a second of its own. A generator: nothing per second
 * is kept once the caller moves on (a 24 h run has 86,400 seconds). Pure.
 */
export function* timelineSecondGroups(timeline: { seconds: readonly TimelineSecond[]; late: readonly TimelineLate[] }): Generator<TimelineSecondGroup> {
  const lateByT = new Map<number, TimelineLate[]>();
  for (const l of timeline.late) {
    const list = lateByT.get(l.t);
    if (list === undefined) lateByT.set(l.t, [l]);
    else list.push(l);
  }
  // The file's order already, normally.
  const seconds = [...timeline.seconds];
  const present = new Set(seconds.map((s) => s.t));
  for (const [t, [first]] of lateByT) {
    if (!present.has(t) && first !== undefined) seconds.push({ type: 'second', t, phase: first.phase, requests: {}, droppedIterations: 0 });
  }
  seconds.sort((a, b) => a.t - b.t);
  for (const second of seconds) {
    let droppedIterations = 0;
    const byName = new Map<string, RequestSecond[]>();
    for (const line of [second, ...(lateByT.get(second.t) ?? [])]) {
      droppedIterations += line.droppedIterations;
      for (const [n, r] of Object.entries(line.requests)) {
        const parts = byName.get(n);
        if (parts === undefined) byName.set(n, [r]);
        else parts.push(r);
      }
    }
    yield { second, droppedIterations, byName };
  }
}
