import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { timelineSeries } from '../analysis/timeline-series.ts';
import { runResultSchema } from '../contract/run-result.ts';
import type { RunResult } from '../contract/run-result.ts';
import { readTimeline } from '../metrics/timeline-reader.ts';
import type { ProbeSample, ResourceSample, TimelineEvent, TimelineLine, TimelineSecond } from '../contract/timeline-types.ts';
import type { ReportData } from '../report/write-reports.ts';
import { StresslabError } from '../core/stresslab-error.ts';

/** Splits timeline lines by type and derives the per-second series the reports chart. */
export function reportDataFrom(result: RunResult, lines: readonly TimelineLine[]): ReportData {
  const seconds: TimelineSecond[] = [];
  const resources: ResourceSample[] = [];
  const probes: ProbeSample[] = [];
  const events: TimelineEvent[] = [];
  for (const l of lines) {
    if (l.type === 'second') seconds.push(l);
    else if (l.type === 'resources') resources.push(l);
    else if (l.type === 'probe') probes.push(l);
    else events.push(l);
  }
  return { result, series: timelineSeries(seconds), resources, probes, events };
}

/** Reads a result.json, validated against the result contract (exit 2 with the field on mismatch). */
export async function readResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new StresslabError('FILE_NOT_FOUND', `cannot read ${file}`, { file, cause: e, hint: 'pass a run directory (reports/<scenario>/<run-id>) or its result.json' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StresslabError('BAD_RESULT', `${file} is not valid JSON`, { file, hint: 'was the file truncated or edited by hand?' });
  }
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StresslabError('BAD_RESULT', `${file} is not a stresslab result (schemaVersion 1)`, {
      file,
      problems: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
      hint: 'produce it with `stresslab run` or `stresslab k6 import`',
    });
  }
  return parsed.data;
}

/** A run directory's result and timeline, ready to render. */
export async function readRunDir(runDir: string): Promise<ReportData> {
  const result = await readResult(path.join(runDir, 'result.json'));
  const lines = await readTimeline(path.join(runDir, 'timeline.jsonl')).catch((e: unknown) => {
    if (e instanceof StresslabError && e.code === 'FILE_NOT_FOUND') return [];
    throw e;
  });
  return reportDataFrom(result, lines);
}
