import { createReadStream } from 'node:fs';
import { StresslabError } from '../core/stresslab-error.ts';
import type { TimelineLine } from '../contract/timeline-types.ts';

/** `late` lines appeared later than the others; a timeline without any is still complete. */
const LINE_TYPES = new Set(['second', 'late', 'resources', 'probe', 'event']);

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
    const line = parseLine(lines[i] ?? '', file, i + 1, i === lines.length - 1 && !complete);
    if (line !== null) out.push(line);
  }
  return out;
}

/** One line; null for a blank line or a torn last one (`unterminated`: no newline after it). */
function parseLine(raw: string, file: string, lineNo: number, unterminated: boolean): TimelineLine | null {
  if (raw.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    if (unterminated) return null;
    throw bad(file, lineNo, 'not valid JSON');
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !LINE_TYPES.has(type)) throw bad(file, lineNo, `unknown line type ${JSON.stringify(type)}`);
  return value as TimelineLine;
}

/**
 * Reads a timeline.jsonl file back (see parseTimeline), line by line: a 24 h timeline at 100
 * requests/s is ~160 MB (more at higher rates), and read as one string it would hold all of it
 * twice and come near V8's string length limit (~512 MB).
 */
export async function readTimeline(file: string): Promise<TimelineLine[]> {
  const out: TimelineLine[] = [];
  let rest = '';
  let lineNo = 0;
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const parts = (rest + (chunk as string)).split('\n');
      rest = parts.pop() ?? '';
      for (const raw of parts) {
        const line = parseLine(raw, file, ++lineNo, false);
        if (line !== null) out.push(line);
      }
    }
  } catch (e) {
    if (e instanceof StresslabError) throw e;
    throw new StresslabError('FILE_NOT_FOUND', `cannot read timeline ${file}`, { file, cause: e, hint: 'pass the timeline.jsonl of a run directory' });
  }
  const last = parseLine(rest, file, ++lineNo, true);
  if (last !== null) out.push(last);
  return out;
}
