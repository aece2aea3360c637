import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { StresslabError } from '../core/stresslab-error.ts';
import { SUMMARY_BEGIN, SUMMARY_END } from './k6-script-runtime.ts';
import { addOutJsonLine, emptyExactPoints } from './out-json-points.ts';
import type { ExactPoints } from './out-json-points.ts';
import { parseK6Summary } from './summary-formats.ts';
import type { K6Summary } from './summary-formats.ts';

/**
 * Reads a k6 summary: a JSON file in any of the three formats, or a log (e.g. `kubectl logs` of a
 * k6-operator runner pod) holding the JSON the exported script prints between its markers.
 */
export async function readK6Summary(file: string): Promise<K6Summary> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new StresslabError('FILE_NOT_FOUND', `cannot read ${file}`, { file, cause: e, hint: 'check the path of the k6 summary' });
  });
  return parseK6Summary(jsonOf(text, file), file);
}

function jsonOf(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const end = text.lastIndexOf(SUMMARY_END);
    const begin = end < 0 ? -1 : text.lastIndexOf(SUMMARY_BEGIN, end);
    if (begin < 0) {
      throw new StresslabError('BAD_RESULT', `${file} is neither JSON nor a log with a stresslab k6 summary`, {
        file,
        hint: `pass the summary JSON, or the output of a script from \`stresslab k6 export\` (it prints the summary between "${SUMMARY_BEGIN}" lines)`,
      });
    }
    try {
      return JSON.parse(text.slice(begin + SUMMARY_BEGIN.length, end));
    } catch {
      throw new StresslabError('BAD_RESULT', `${file}: the summary between the markers is not valid JSON`, { file, hint: 'was the log truncated?' });
    }
  }
}

/** Streams `--out json` NDJSON files (.gz too) of all instances into one set of exact points. */
export async function readOutJson(files: readonly string[]): Promise<{ points: ExactPoints; badLines: number }> {
  const points = emptyExactPoints();
  let badLines = 0;
  for (const file of files) {
    const raw = createReadStream(file);
    const failed = new Promise<never>((_, reject) =>
      raw.once('error', (e) => reject(new StresslabError('FILE_NOT_FOUND', `cannot read ${file}`, { file, cause: e, hint: 'check the path of the --out json file' }))),
    );
    const lines = createInterface({ input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
    const read = (async () => {
      for await (const line of lines) if (!addOutJsonLine(points, line)) badLines++;
    })();
    await Promise.race([read, failed]);
  }
  return { points, badLines };
}
