import { dirname, resolve } from 'node:path';
import type { InputProblem } from '../core/stresslab-error.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import { formatBytes, INPUT_LIMITS } from './input-limits.ts';
import { pathDeeperThan } from './json-depth.ts';
import { parseSource } from './parse-source.ts';
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
export async function loadRequestBodies(scenario: Scenario, scenarioFile: string): Promise<LoadedBodies> {
  const out: LoadedBodies = { bodies: new Map(), texts: [], problems: [] };
  const dir = dirname(scenarioFile);
  const files = new Map<string, Promise<BodyFile>>();
  await Promise.all(
    scenario.requests.map(async (r, i) => {
      if (r.body !== undefined) {
        const problem = jsonBodyProblem(r.body, `requests[${i}].body`, null);
        if (problem) out.problems.push(problem);
        else out.bodies.set(r.name, { kind: 'json', value: r.body });
      }
      if (r.bodyFile === undefined) return;
      const path = `requests[${i}].bodyFile`;
      const file = resolve(dir, r.bodyFile);
      let pending = files.get(file);
      if (pending === undefined) files.set(file, (pending = readBodyFile(file)));
      const body = await pending;
      if (body.kind === 'unreadable') {
        const hint = body.message.endsWith('not found') ? `paths are relative to the scenario file's folder (${dir})` : body.hint;
        out.problems.push({ path, message: `body file ${body.message}`, hint });
        return;
      }
      out.texts.push(body.text);
      if (body.kind === 'text') return void out.bodies.set(r.name, { kind: 'text', text: body.text });
      if (body.kind === 'bad-json') {
        out.problems.push({ path, message: `${r.bodyFile} is not valid JSON: ${body.detail}`, hint: 'fix the file, or give it another extension to send it as text' });
        return;
      }
      if (body.tooDeep === undefined) body.tooDeep = jsonBodyProblem(body.value, path, r.bodyFile) !== null;
      const problem = body.tooDeep ? jsonBodyProblem(body.value, path, r.bodyFile) : null;
      if (problem) out.problems.push(problem);
      else out.bodies.set(r.name, { kind: 'json', value: body.value });
    }),
  );
  return out;
}

type BodyFile =
  | { kind: 'unreadable'; message: string; hint: string }
  | { kind: 'text'; text: string }
  // tooDeep: the depth check's answer, kept so a file named by many requests is walked once.
  | { kind: 'json'; text: string; value: unknown; tooDeep?: boolean }
  | { kind: 'bad-json'; text: string; detail: string };

/** A body file read, and parsed when its name ends in .json. */
async function readBodyFile(file: string): Promise<BodyFile> {
  const read = await readInputFile(file, INPUT_LIMITS.maxBodyBytes);
  if (!read.ok) return { kind: 'unreadable', message: read.message, hint: read.hint };
  const text = read.text;
  if (!/\.json$/i.test(file)) return { kind: 'text', text };
  try {
    return { kind: 'json', text, value: parseSource(text, file, 'json') };
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
