import type { RunTimeline } from '../contract/run-record.ts';
import type { RunResult } from '../contract/run-result.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { ReportData } from '../report/write-reports.ts';

/** What the reports render: the result, the per-second series it was computed from, and the timeline's samples and events. */
export function reportDataFrom(
  result: RunResult,
  series: readonly SecondPoint[],
  timeline: Pick<RunTimeline, 'resources' | 'probes' | 'events'> = { resources: [], probes: [], events: [] },
): ReportData {
  return { result, series, resources: timeline.resources, probes: timeline.probes, events: timeline.events };
}
