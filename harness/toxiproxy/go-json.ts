import { apiErrors } from './api-error.ts';

/**
 * Decoding of request bodies with the observable behaviour of Go's encoding/json decoder, which the real
 * Toxiproxy uses: only the first JSON value counts, keys match case-insensitively, `null` leaves a field
 * unchanged, unknown keys are ignored, and type mismatches are 400s worded like Go's.
 */
export type GoType = 'string' | 'bool' | 'int' | 'int64' | 'float32';

export type JsonObject = Record<string, unknown>;

/** Parses the body; an empty body is Go's `EOF`, a syntax error is reported like Go's scanner. */
export function parseJsonBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw apiErrors.badRequestBody('EOF');
  try {
    return JSON.parse(trimmed);
  } catch (e) {
    const firstValue = firstJsonValue(trimmed);
    if (firstValue !== undefined) return firstValue;
    throw apiErrors.badRequestBody(syntaxMessage(trimmed, e));
  }
}

/** Go reads one value from the stream and ignores what follows it; JSON.parse does not. */
function firstJsonValue(text: string): unknown {
  const end = endOfFirstValue(text);
  if (end === undefined || end >= text.length) return undefined;
  try {
    return JSON.parse(text.slice(0, end));
  } catch {
    return undefined;
  }
}

function endOfFirstValue(text: string): number | undefined {
  const open = text[0];
  if (open !== '{' && open !== '[') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

function syntaxMessage(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  if (/end of JSON input|Unterminated/i.test(message)) return 'unexpected EOF';
  const position = /position (\d+)/.exec(message);
  const at = position ? Number(position[1]) : 0;
  const char = text[at] ?? '';
  return char === '' ? 'unexpected EOF' : `invalid character '${char}' looking for beginning of value`;
}

/** The JSON kind Go names in "cannot unmarshal <kind> into …". */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** A top-level value that must be an object; `null` decodes to "nothing set", as in Go. */
export function asObject(value: unknown, goTypeName: string): JsonObject {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw apiErrors.badRequestBody(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goTypeName}`);
  }
  return value as JsonObject;
}

/** A top-level value that must be an array (populate). */
export function asArray(value: unknown, goTypeName: string): unknown[] {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw apiErrors.badRequestBody(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goTypeName}`);
  }
  return value;
}

/** The raw value of a field, matched like Go: exact or case-insensitive key, the last match wins. */
export function rawField(obj: JsonObject, key: string): unknown {
  let found: unknown;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k === key || k.toLowerCase() === lower) found = v;
  return found;
}

export function readString(obj: JsonObject, key: string, struct: string): string | undefined {
  return readField(obj, key, 'string', struct) as string | undefined;
}

export function readBool(obj: JsonObject, key: string, struct: string): boolean | undefined {
  return readField(obj, key, 'bool', struct) as boolean | undefined;
}

export function readNumber(obj: JsonObject, key: string, type: 'int' | 'int64' | 'float32', struct: string): number | undefined {
  return readField(obj, key, type, struct) as number | undefined;
}

/** A typed field: undefined when absent or null (Go leaves the field as it was). */
function readField(obj: JsonObject, key: string, type: GoType, struct: string): string | boolean | number | undefined {
  const value = rawField(obj, key);
  if (value === undefined || value === null) return undefined;
  const mismatch = (what: string) =>
    apiErrors.badRequestBody(`json: cannot unmarshal ${what} into Go struct field ${struct}.${key} of type ${type}`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw mismatch(jsonKind(value));
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(jsonKind(value));
      return value;
    case 'float32':
      if (typeof value !== 'number') throw mismatch(jsonKind(value));
      return value;
    case 'int':
    case 'int64':
      if (typeof value !== 'number') throw mismatch(jsonKind(value));
      if (!Number.isInteger(value)) throw mismatch(`number ${value}`);
      return value;
  }
}
