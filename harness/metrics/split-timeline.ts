import type { RunTimeline } from '../contract/run-record.ts';
import type { TimelineLine } from '../contract/timeline-types.ts';

/** timeline.jsonl's lines by type, each list in file order. */
export function splitTimeline(lines: Iterable<TimelineLine>): RunTimeline {
  const out: RunTimeline = { seconds: [], late: [], probes: [], resources: [], events: [] };
  for (const l of lines) {
    switch (l.type) {
      case 'second':
        out.seconds.push(l);
        break;
      case 'late':
        out.late.push(l);
        break;
      case 'probe':
        out.probes.push(l);
        break;
      case 'resources':
        out.resources.push(l);
        break;
      case 'event':
        out.events.push(l);
        break;
    }
  }
  return out;
}
