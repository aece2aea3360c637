import { readFile } from 'node:fs/promises';
import { runResultSchema } from '../contract/run-result.ts';
import type { RunResult } from '../contract/run-result.ts';
import { StresslabError } from '../core/stresslab-error.ts';

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
