import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { InputProblem } from '../core/stresslab-error.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import { formatBytes, INPUT_LIMITS } from './input-limits.ts';
import { pathDeeperThan } from './json-depth.ts';
import { parseJsonSource } from './parse-source.ts';
import { readInputFile } from './read-input-file.ts';
import type { Scenario } from './scenario-schema.ts';

/** A request body as the mix compiles it: JSON (templates inside strings) or text from a non-JSON file. */
export type RequestBody = { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

export interface LoadedBodies {
  /** By request name; requests without a body are absent. */
  bodies: Map<string, RequestBody>;
  /** The body files' texts, for the scenario hash. */
  texts: string[];
  problems: InputProblem[];
}

/**
 * Reads each request's body: inline `body`, or `bodyFile` relative to the scenario file (a regular
 * file, see readInputFile). Bodies over the size or depth limit are reported and left out, so the
 * template compiler never sees them. A file named by several requests is read and parsed once.
 */
export async function loadRequestBodies(scenario: Scenario, scenarioFile: string, cache?: BodyFileCache): Promise<LoadedBodies> {
  const out: LoadedBodies = { bodies: new Map(), texts: [], problems: [] };
  const dir = dirname(scenarioFile);
  // Every file is read at once (each once, however many requests name it); the results are then
  // taken in request order, so the problems are listed in that order whichever read ends first.
  const files = new Map<string, Promise<BodyFile>>();
  for (const r of scenario.requests) {
    if (r.bodyFile === undefined) continue;
    const file = resolve(dir, r.bodyFile);
    if (files.has(file)) continue;
    const read = cache === undefined ? readBodyFile(file) : cache.read(file);
    // Awaited below in request order; until then a failed read must not count as unhandled.
    read.catch(() => undefined);
    files.set(file, read);
  }
  for (const [i, r] of scenario.requests.entries()) {
    if (r.body !== undefined) {
      const problem = jsonBodyProblem(r.body, `requests[${i}].body`, null);
      if (problem) out.problems.push(problem);
      else out.bodies.set(r.name, { kind: 'json', value: r.body });
    }
    if (r.bodyFile === undefined) continue;
    const path = `requests[${i}].bodyFile`;
    const body = await (files.get(resolve(dir, r.bodyFile)) as Promise<BodyFile>);
    if (body.kind === 'unreadable') {
      const hint = body.message.endsWith('not found') ? `paths are relative to the scenario file's folder (${dir})` : body.hint;
      out.problems.push({ path, message: `body file ${body.message}`, hint });
      continue;
    }
    out.texts.push(body.text);
    if (body.kind === 'text') {
      out.bodies.set(r.name, { kind: 'text', text: body.text });
      continue;
    }
    if (body.kind === 'bad-json') {
      out.problems.push({ path, message: `${r.bodyFile} is not valid JSON: ${body.detail}`, hint: 'fix the file, or give it another extension to send it as text' });
      continue;
    }
    if (body.tooDeep === undefined) body.tooDeep = jsonBodyProblem(body.value, path, r.bodyFile) !== null;
    const problem = body.tooDeep ? jsonBodyProblem(body.value, path, r.bodyFile) : null;
    if (problem) out.problems.push(problem);
    else out.bodies.set(r.name, { kind: 'json', value: body.value });
  }
  return out;
}

type BodyFile =
  | { kind: 'unreadable'; message: string; hint: string }
  | { kind: 'text'; text: string }
  // tooDeep: the depth check's answer, kept so a file named by many requests is walked once.
  | { kind: 'json'; text: string; value: unknown; tooDeep?: boolean }
  | { kind: 'bad-json'; text: string; detail: string };

/**
 * Body files already read and parsed, for a command that loads many scenarios (validate: each file
 * under each profile, and presets all name the same data files). A file is read again only when it
 * changed: its path's stat (device, inode, size, modification and change times) differs. Only
 * regular files are kept, up to a total size, so a hostile set of 10 MiB bodies cannot pile up.
 */
export class BodyFileCache {
  private readonly files = new Map<string, { stamp: string; size: number; body: Promise<BodyFile> }>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  async read(file: string): Promise<BodyFile> {
    const stamp = await regularFileStamp(file);
    if (stamp === null) return readBodyFile(file);
    const hit = this.files.get(file);
    if (hit !== undefined && hit.stamp === stamp.key) return hit.body;
    if (hit !== undefined) this.forget(file);
    if (this.bytes + stamp.size > this.maxBytes) return readBodyFile(file);
    const entry = { stamp: stamp.key, size: stamp.size, body: readBodyFile(file) };
    this.files.set(file, entry);
    this.bytes += entry.size;
    const body = await entry.body.catch((e: unknown) => {
      if (this.files.get(file) === entry) this.forget(file);
      throw e;
    });
    // Unreadable (too big, bad UTF-8, gone meanwhile): read again next time, as without the cache.
    if (body.kind === 'unreadable' && this.files.get(file) === entry) this.forget(file);
    return body;
  }

  private forget(file: string): void {
    this.bytes -= this.files.get(file)?.size ?? 0;
    this.files.delete(file);
  }
}

/** A regular file's identity and version, or null (missing, a FIFO, a device: readInputFile says why). */
async function regularFileStamp(file: string): Promise<{ key: string; size: number } | null> {
  try {
    const st = await stat(file, { bigint: true });
    if (!st.isFile()) return null;
    return { key: `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`, size: Number(st.size) };
  } catch {
    return null;
  }
}

/** A body file read, and parsed when its name ends in .json. */
async function readBodyFile(file: string): Promise<BodyFile> {
  const read = await readInputFile(file, INPUT_LIMITS.maxBodyBytes);
  if (!read.ok) return { kind: 'unreadable', message: read.message, hint: read.hint };
  const text = read.text;
  if (!/\.json$/i.test(file)) return { kind: 'text', text };
  try {
    return { kind: 'json', text, value: parseJsonSource(text, file) };
  } catch (e) {
    if (!isStresslabError(e)) throw e;
    const first = e.problems[0];
    return { kind: 'bad-json', text, detail: first ? `${first.path ? `at ${first.path}: ` : ''}${first.message}` : e.message };
  }
}

/** A JSON body past the depth or size limit, or null. `bodyFile` names the file the body came from. */
function jsonBodyProblem(value: unknown, path: string, bodyFile: string | null): InputProblem | null {
  const maxDepth = INPUT_LIMITS.maxBodyDepth;
  const deep = pathDeeperThan(value, maxDepth);
  if (deep !== null) {
    return { path, message: `${bodyFile === null ? 'the body' : bodyFile} is nested deeper than the limit of ${maxDepth} levels`, hint: `keep request bodies under ${maxDepth} levels of objects and lists` };
  }
  // Within the depth limit, JSON.stringify cannot overflow the stack. A file's size was checked on disk.
  if (bodyFile !== null) return null;
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
  if (bytes <= INPUT_LIMITS.maxBodyBytes) return null;
  return { path, message: `the body is ${formatBytes(bytes)} as JSON, more than the limit of ${formatBytes(INPUT_LIMITS.maxBodyBytes)}`, hint: 'send a smaller body, or put it in a bodyFile under the limit' };
}
