import { spawn } from 'node:child_process';
import type { LookupRecord } from '../../analysis/integrity.ts';
import type { AuditSourceOf } from '../../scenario/schema-audit.ts';
import { mappingError, sourceError } from './audit-source.ts';
import type { AuditSource, SourceAnswer } from './audit-source.ts';
import { idText, isMiss, readRecord } from './record-mapping.ts';

const STDERR_TAIL_CHARS = 1_000;
const MAPPING = { state: 'state', attempts: 'attempts', effects: 'effects' } as const;

export interface CommandSetup {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * `command`: a program run once per chunk of ids (no shell), in its own process group. It reads
 * `{"id": "…"}` JSON lines on stdin (closed after the last) and prints one JSON line per id it knows,
 * `{"id", "state", "attempts"?, "effects"?}`; an id it does not print is unknown. A non-zero exit,
 * a signal, or no exit within the timeout (the whole group is then killed) ends the audit with the
 * command and the tail of its stderr: a program is the user's own code, so its failure is not
 * retried the way a busy service is.
 */
export function commandSource(spec: AuditSourceOf<'command'>, setup: CommandSetup, label: string): AuditSource {
  return {
    kind: 'command',
    label,
    async lookup(ids, signal) {
      const answer: SourceAnswer = { answered: new Map(), error: null };
      for (let i = 0; i < ids.length && !signal.aborted; i += spec.chunkSize) {
        const chunk = ids.slice(i, i + spec.chunkSize);
        for (const [id, rec] of await runChunk(setup, chunk, spec.timeoutMs, label, signal)) answer.answered.set(id, rec);
      }
      return answer;
    },
    async close() {},
  };
}

function runChunk(setup: CommandSetup, chunk: readonly string[], timeoutMs: number, label: string, signal: AbortSignal): Promise<Map<string, LookupRecord | null>> {
  const [file, ...args] = setup.argv as [string, ...string[]];
  const child = spawn(file, args, { cwd: setup.cwd, env: setup.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const wanted = new Set(chunk);
  const out = new Map<string, LookupRecord | null>(chunk.map((id) => [id, null]));
  let stderr = '';
  let pending = '';
  let lineNo = 0;
  let problem: Error | null = null;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const readLine = (line: string): void => {
    lineNo++;
    if (problem !== null || line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problem = mappingError(label, `stdout line ${lineNo}`, 'is not JSON', line);
      return;
    }
    const id = idText(raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).id : undefined);
    if (id === null) problem = mappingError(label, `stdout line ${lineNo}.id`, 'must be a string or integer id', line);
    else if (wanted.has(id)) {
      const rec = readRecord(raw, MAPPING, `stdout line ${lineNo}`);
      if (isMiss(rec)) problem = mappingError(label, rec.path, rec.problem, line);
      else out.set(id, rec);
    }
    // A record that fails the mapping stops reading: the program is killed, the audit ends.
    if (problem !== null) killGroup();
  };
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    const onAbort = (): void => killGroup();
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      const lines = (pending + c).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) readLine(l);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-STDERR_TAIL_CHARS)));
    // A program that exits without reading all of stdin makes writes fail (EPIPE): its exit says why.
    child.stdin.on('error', () => undefined);
    child.once('error', (e) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(sourceError(`${label} could not be started: ${e.message}`, 'check argv[0] (a program on PATH, or a path relative to cwd) and audit.executions.source.cwd'));
    });
    child.once('close', (code, sig) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (pending !== '') readLine(pending);
      const tail = stderr.trim() === '' ? 'nothing on stderr' : `stderr ends: ${stderr.trim().slice(-STDERR_TAIL_CHARS)}`;
      if (problem !== null) reject(problem);
      else if (signal.aborted) resolve(out);
      else if (timedOut) reject(sourceError(`${label} did not finish within ${timeoutMs} ms for ${chunk.length} ids (killed); ${tail}`, 'raise audit.executions.source.timeout, or lower chunkSize'));
      else if (code !== 0) reject(sourceError(`${label} exited with ${code === null ? `signal ${sig}` : `code ${code}`}; ${tail}`, 'run the command by hand with {"id": "…"} lines on stdin'));
      else resolve(out);
    });
    writeIds(child.stdin, chunk);
  });
}

/** The ids as JSON lines, written with backpressure so a million ids do not sit in memory twice. */
function writeIds(stdin: NodeJS.WritableStream, ids: readonly string[]): void {
  let i = 0;
  const more = (): void => {
    while (i < ids.length) {
      const ok = stdin.write(`${JSON.stringify({ id: ids[i++] })}\n`);
      if (!ok) {
        stdin.once('drain', more);
        return;
      }
    }
    stdin.end();
  };
  more();
}
