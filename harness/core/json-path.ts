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
