import path from 'node:path';
import { timelineAggregates } from '../analysis/timeline-aggregates.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { splitTimeline } from '../metrics/split-timeline.ts';
import { readTimeline } from '../metrics/timeline-reader.ts';
import type { ReportData } from '../report/write-reports.ts';
import { readResult } from './read-result.ts';
import { reportDataFrom } from './report-data-from.ts';

/** A run directory's result.json and timeline, ready to render as they are (no analysis). A missing timeline charts nothing. */
export async function readRunDir(runDir: string): Promise<ReportData> {
  const result = await readResult(path.join(runDir, 'result.json'));
  const lines = await readTimeline(path.join(runDir, 'timeline.jsonl')).catch((e: unknown) => {
    if (e instanceof StresslabError && e.code === 'FILE_NOT_FOUND') return [];
    throw e;
  });
  const timeline = splitTimeline(lines);
  return reportDataFrom(result, timelineAggregates(timeline).series, timeline);
}
