import { readFile } from 'node:fs/promises';
import { StresslabError } from '../core/stresslab-error.ts';
import { parseHistory } from './history-line.ts';

/** Damaged lines listed one by one in a strict read's error; the rest are counted. */
const MAX_PROBLEMS = 20;

export interface ReadHistoryOptions {
  /**
   * Refuse a history with any damaged line (exit 2, each line named). The trend page reads leniently,
   * skipping a damaged line so one bad night does not hide a year of trend; `history check` reads
   * strictly, since the skipped run might be the very one where a shift began.
   */
  strict?: boolean;
}

/** Reads history.jsonl: its readable lines, and the unreadable ones as problems (none when strict). */
export async function readHistory(historyFile: string, options: ReadHistoryOptions = {}): Promise<ReturnType<typeof parseHistory>> {
  let text: string;
  try {
    text = await readFile(historyFile, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new StresslabError('FILE_NOT_FOUND', missing ? `no run history at ${historyFile}` : `cannot read ${historyFile}: ${(e as Error).message}`, {
      file: historyFile,
      cause: e,
      hint: missing
        ? 'history.jsonl gets a line after every `stresslab run`: reports/<env>/history.jsonl (default env: local); run a scenario first or pass the right file'
        : 'pass a readable history.jsonl file',
    });
  }
  const parsed = parseHistory(text);
  const { problems } = parsed;
  if (options.strict === true && problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length - shown.length;
    throw new StresslabError('BAD_RESULT', `${historyFile} has ${problems.length} damaged line${problems.length === 1 ? '' : 's'}${more > 0 ? ` (the first ${MAX_PROBLEMS} below)` : ''}; the check refuses a damaged history`, {
      file: historyFile,
      problems: shown,
      hint:
        'repair the line, or delete it if it is a line cut short (a machine that lost power mid-append; the run\'s result.json still holds its figures). ' +
        '`stresslab report --history` skips damaged lines; the check does not, since a skipped run could be where a shift began',
    });
  }
  return parsed;
}
