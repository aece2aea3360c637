import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic-write.ts';
import { runRecordMetaSchema } from '../contract/run-record.ts';
import type { RunRecordMeta } from '../contract/run-record.ts';
import { RUN_RECORD_FILES } from './run-record-files.ts';

/**
 * Writes record.json into the run directory, atomically: a reader (or a run killed mid-write)
 * sees the previous copy or this one, never half. Validated first, so what is written can be read
 * back; a mismatch is a harness bug, not a user error.
 */
export async function writeRunRecord(runDir: string, meta: RunRecordMeta): Promise<string> {
  const file = path.join(runDir, RUN_RECORD_FILES.meta);
  await writeJsonAtomic(file, runRecordMetaSchema.parse(meta));
  return file;
}
