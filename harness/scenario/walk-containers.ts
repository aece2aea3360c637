/** One object or array met by walkContainers, at `depth` (the root is 1). */
export interface ContainerVisit {
  value: object;
  depth: number;
  /** The keys from the root to this value, spelled out only when asked: most walks never need one. */
  path(): PropertyKey[];
}

/**
 * Visits every object and array inside `root` (the root included), depth-first. Iterative, with an
 * explicit stack of links to the parent, so a walk over input nested thousands of levels deep cannot
 * overflow the call stack: this is what the size checks run before anything that recurses.
 * `visit` returns 'stop' to end the walk, 'skip' to leave this value's children out.
 */
export function walkContainers(root: unknown, visit: (c: ContainerVisit) => 'stop' | 'skip' | void): void {
  if (!isContainer(root)) return;
  const stack: Link[] = [{ v: root, depth: 1, parent: null, key: null }];
  while (stack.length > 0) {
    const link = stack.pop() as Link;
    const answer = visit({ value: link.v, depth: link.depth, path: () => spell(link) });
    if (answer === 'stop') return;
    if (answer === 'skip') continue;
    const v = link.v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (isContainer(x)) stack.push({ v: x, depth: link.depth + 1, parent: link, key: i });
      }
    } else {
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (isContainer(x)) stack.push({ v: x, depth: link.depth + 1, parent: link, key: k });
      }
    }
  }
}

interface Link {
  v: object;
  depth: number;
  parent: Link | null;
  key: PropertyKey | null;
}

function spell(link: Link): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let l: Link | null = link; l !== null; l = l.parent) if (l.key !== null) keys.push(l.key);
  return keys.reverse();
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}
