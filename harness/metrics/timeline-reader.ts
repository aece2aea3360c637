import { readFile } from 'node:fs/promises';
import { StresslabError } from '../core/stresslab-error.ts';
import type { TimelineLine } from '../contract/timeline-types.ts';

const LINE_TYPES = new Set(['second', 'resources', 'probe', 'event']);

function bad(file: string, lineNo: number, message: string): StresslabError {
  return new StresslabError('BAD_RESULT', `${file}:${lineNo}: ${message}`, {
    file,
    hint: 'timeline.jsonl holds one JSON object with a "type" per line; was the file edited or mixed with other output?',
  });
}

/**
 * Parses timeline.jsonl text. A last line without its newline that does not parse is what a crash
 * mid-write leaves, so it is skipped; any other bad line is an error naming file and line.
 */
export function parseTimeline(text: string, file: string): TimelineLine[] {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  const out: TimelineLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      if (isLast && !complete) break;
      throw bad(file, i + 1, 'not valid JSON');
    }
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !LINE_TYPES.has(type)) throw bad(file, i + 1, `unknown line type ${JSON.stringify(type)}`);
    out.push(value as TimelineLine);
  }
  return out;
}

/** Reads a timeline.jsonl file back (see parseTimeline). */
export async function readTimeline(file: string): Promise<TimelineLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new StresslabError('FILE_NOT_FOUND', `cannot read timeline ${file}`, { file, cause: e, hint: 'pass the timeline.jsonl of a run directory' });
  }
  return parseTimeline(text, file);
}
