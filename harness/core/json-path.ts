const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['load', 0, 'rate']` → `load[0].rate`; keys that are not identifiers are quoted: `thresholds["p{x}"]`. */
export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && IDENTIFIER.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}

/** Prefixes a formatted path with more segments (used when one schema is checked inside another). */
export function joinJsonPath(prefix: string, rest: string): string {
  if (prefix === '') return rest;
  if (rest === '') return prefix;
  return rest.startsWith('[') ? `${prefix}${rest}` : `${prefix}.${rest}`;
}

/** What a dotted path found in a value: the value, or the shortest prefix of the path that is missing. */
export type JsonPathRead = { found: true; value: unknown } | { found: false; missingAt: string };

/**
 * Reads a dotted path (`data.items`, `items.0.status`, `""` for the value itself) from parsed JSON.
 * A numeric segment indexes an array; on an object it is a key. When a step is missing (or steps
 * into a scalar), `missingAt` names the path up to and including that step, e.g. `data.items`, so an
 * error can say which part of a mapping did not match.
 */
export function readJsonPathValue(value: unknown, path: string): JsonPathRead {
  let cur = value;
  const walked: PropertyKey[] = [];
  for (const key of path === '' ? [] : path.split('.')) {
    const index = /^\d+$/.test(key) ? Number(key) : null;
    walked.push(Array.isArray(cur) && index !== null ? index : key);
    if (Array.isArray(cur) && index !== null && index < cur.length) cur = cur[index];
    else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, key)) cur = (cur as Record<string, unknown>)[key];
    else return { found: false, missingAt: formatJsonPath(walked) };
  }
  return { found: true, value: cur };
}
