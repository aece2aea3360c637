/**
 * Keys written twice in one JSON object. JSON.parse keeps the last silently, so a scenario with two
 * "rate" keys would run with whichever came last; YAML's parser already refuses them, and JSON
 * files are held to the same rule. Called only on text JSON.parse accepted, so the scan need not
 * check the syntax. Iterative: nesting depth does not matter.
 */
export interface DuplicateJsonKey {
  /** Path of the duplicated member, e.g. `['load', 0, 'rate']`. */
  path: PropertyKey[];
  /** Offset of the second (or later) occurrence of the key. */
  offset: number;
}

type Frame = { kind: 'object'; keys: Set<string>; key: string; expectKey: boolean } | { kind: 'array'; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const STRUCTURAL = /["{}[\],]/g;

/** At most `limit` duplicates, in text order. */
export function duplicateJsonKeys(text: string, limit = 20): DuplicateJsonKey[] {
  const found: DuplicateJsonKey[] = [];
  const frames: Frame[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && found.length < limit) {
    // Straight to the next quote, bracket or comma: whitespace, numbers and literals need no look.
    STRUCTURAL.lastIndex = i;
    if (!STRUCTURAL.test(text)) break;
    i = STRUCTURAL.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      const end = stringEnd(text, i);
      const top = frames[frames.length - 1];
      if (top !== undefined && top.kind === 'object' && top.expectKey) {
        const raw = text.slice(start + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys.has(key)) found.push({ path: [...pathOf(frames.slice(0, -1)), key], offset: start });
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_BRACE) frames.push({ kind: 'object', keys: new Set(), key: '', expectKey: true });
    else if (c === OPEN_BRACKET) frames.push({ kind: 'array', index: 0 });
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) frames.pop();
    else if (c === COMMA) {
      const top = frames[frames.length - 1];
      if (top?.kind === 'array') top.index++;
      else if (top?.kind === 'object') top.expectKey = true;
    }
    i++;
  }
  return found;
}

/** Offset of the quote that closes the string opened at `open`. */
function stringEnd(text: string, open: number): number {
  let q = text.indexOf('"', open + 1);
  for (;;) {
    if (q < 0) return text.length;
    // A quote preceded by an odd number of backslashes is escaped.
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
}

function pathOf(frames: readonly Frame[]): PropertyKey[] {
  return frames.map((f) => (f.kind === 'array' ? f.index : f.key));
}
