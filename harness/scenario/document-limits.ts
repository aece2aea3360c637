import { formatJsonPath } from '../core/json-path.ts';
import type { InputProblem } from '../core/stresslab-error.ts';
import { INPUT_LIMITS } from './input-limits.ts';
import { walkContainers } from './walk-containers.ts';

/**
 * A parsed scenario checked against the size limits before anything else walks it: nesting depth
 * (the schema, the hash and the template compiler recurse) and entries per list or object (the
 * schema validator spreads a list's problems into one call). It stops at the first value past the
 * depth limit.
 */
export function documentLimitProblems(raw: unknown): InputProblem[] {
  const { maxDocumentDepth: maxDepth, maxEntries } = INPUT_LIMITS;
  const problems: InputProblem[] = [];
  walkContainers(raw, (c) => {
    if (c.depth > maxDepth) {
      // The field that holds the deep value (e.g. `requests[2].body`), not the hundred segments below it.
      problems.push({ path: formatJsonPath(c.path().slice(0, 3)), message: `holds objects or lists nested deeper than the limit of ${maxDepth} levels`, hint: `keep objects and lists under ${maxDepth} levels (request bodies under ${INPUT_LIMITS.maxBodyDepth})` });
      return 'stop';
    }
    const entries = Array.isArray(c.value) ? c.value.length : Object.keys(c.value).length;
    if (entries > maxEntries && problems.length < 10 && !inBody(c.path())) {
      problems.push({ path: formatJsonPath(c.path()), message: `has ${entries.toLocaleString('en-US')} entries, more than the limit of ${maxEntries.toLocaleString('en-US')}`, hint: 'a scenario this large is a generator gone wrong; keep each list and object under the limit' });
    }
    return undefined;
  });
  return problems;
}

/** Inside `requests[i].body` (or deeper): a body's size is checked as a body. */
function inBody(p: PropertyKey[]): boolean {
  return p.length >= 3 && p[0] === 'requests' && p[2] === 'body';
}
