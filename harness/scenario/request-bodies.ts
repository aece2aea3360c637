import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { InputProblem } from '../core/stresslab-error.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import { parseSource } from './parse-source.ts';
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

/** Reads each request's body: inline `body`, or `bodyFile` relative to the scenario file. */
export async function loadRequestBodies(scenario: Scenario, scenarioFile: string): Promise<LoadedBodies> {
  const out: LoadedBodies = { bodies: new Map(), texts: [], problems: [] };
  const dir = dirname(scenarioFile);
  await Promise.all(
    scenario.requests.map(async (r, i) => {
      if (r.body !== undefined) out.bodies.set(r.name, { kind: 'json', value: r.body });
      if (r.bodyFile === undefined) return;
      const path = `requests[${i}].bodyFile`;
      const file = resolve(dir, r.bodyFile);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        out.problems.push({ path, message: `body file not found: ${file}`, hint: `paths are relative to the scenario file's folder (${dir})` });
        return;
      }
      out.texts.push(text);
      if (!/\.json$/i.test(file)) return void out.bodies.set(r.name, { kind: 'text', text });
      try {
        out.bodies.set(r.name, { kind: 'json', value: parseSource(text, file, 'json') });
      } catch (e) {
        const detail = isStresslabError(e) ? (e.problems[0]?.message ?? e.message) : String(e);
        out.problems.push({ path, message: `${r.bodyFile} is not valid JSON: ${detail}`, hint: 'fix the file, or give it another extension to send it as text' });
      }
    }),
  );
  return out;
}
