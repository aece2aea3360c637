import { walkContainers } from './walk-containers.ts';

/**
 * The path to the first value nested deeper than `maxDepth` containers (objects and arrays), or null.
 * Checked before the schema, the hash or the template compiler walk a document, all of which
 * recurse: past the limit the input is refused with a path instead of overflowing the stack.
 */
export function pathDeeperThan(value: unknown, maxDepth: number): PropertyKey[] | null {
  let found: PropertyKey[] | null = null;
  walkContainers(value, (c) => {
    if (c.depth <= maxDepth) return undefined;
    found = c.path();
    return 'stop';
  });
  return found;
}
