import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RUN_RECORD_SCHEMA_VERSION, runRecordMetaSchema } from '../contract/run-record.ts';
import type { RunRecord, RunRecordMeta } from '../contract/run-record.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { splitTimeline } from '../metrics/split-timeline.ts';
import { readTimeline } from '../metrics/timeline-reader.ts';
import { RUN_RECORD_FILES } from './run-record-files.ts';

/**
 * A run directory's record: record.json (validated) and timeline.jsonl, the input of analyzeRun.
 * Every failure is BAD_RESULT (exit 2) naming the file, the field and what to do.
 */
export async function readRunRecord(runDir: string): Promise<RunRecord> {
  const meta = await readMeta(runDir);
  const timelineFile = path.join(runDir, RUN_RECORD_FILES.timeline);
  const lines = await readTimeline(timelineFile).catch((e: unknown) => {
    if (e instanceof StresslabError && e.code === 'FILE_NOT_FOUND') {
      throw new StresslabError('BAD_RESULT', `${timelineFile} is missing: the run directory has ${RUN_RECORD_FILES.meta} but not the timeline it goes with`, {
        file: timelineFile,
        cause: e,
        hint: 'copy the whole run directory; without the timeline there is nothing to analyse',
      });
    }
    throw e;
  });
  return { meta, timeline: splitTimeline(lines) };
}

async function readMeta(runDir: string): Promise<RunRecordMeta> {
  const file = path.join(runDir, RUN_RECORD_FILES.meta);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new StresslabError(
      'BAD_RESULT',
      missing ? `${runDir} has no ${RUN_RECORD_FILES.meta}: it was written by an older stresslab or by \`k6 import\` (or is not a run directory), so it cannot be analysed again` : `cannot read ${file}`,
      {
        file,
        cause: e,
        hint: missing
          ? 'run the scenario again to get a run record; `stresslab report <run-dir>` without --reanalyze still re-renders its reports from result.json'
          : 'check the path and its permissions',
      },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StresslabError('BAD_RESULT', `${file} is not valid JSON`, { file, hint: 'was the file truncated or edited by hand? It is rewritten atomically by the run, so a torn copy means it was changed afterwards' });
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version !== RUN_RECORD_SCHEMA_VERSION) {
    throw new StresslabError('BAD_RESULT', `${file} has schemaVersion ${JSON.stringify(version)}; this stresslab reads version ${RUN_RECORD_SCHEMA_VERSION}`, {
      file,
      problems: [{ path: 'schemaVersion', message: `expected ${RUN_RECORD_SCHEMA_VERSION}` }],
      hint: 'analyse it with the stresslab version that wrote it',
    });
  }
  const parsed = runRecordMetaSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StresslabError('BAD_RESULT', `${file} is not a valid run record`, {
      file,
      problems: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
      hint: 'the fields listed are missing or of the wrong type; was the file edited by hand? Restore it from the run directory as written',
    });
  }
  return parsed.data;
}
