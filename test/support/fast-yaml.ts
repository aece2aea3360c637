import { stringify } from 'yaml';
import type { Json } from './scenario-mutants.ts';

/**
 * `stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 })` of the `yaml` package, byte for
 * byte, for the JSON documents the fuzzer writes, in a fraction of the time: the library builds a
 * node per value and tests every string against its schema's tags, which made serializing a giant
 * mutant (3,000 phases) cost more than validating it. The block layout (maps, `- ` items, 2-space
 * indents, `[]` and `{}` for empty collections) is written here; each distinct scalar and key is
 * still formatted by the library itself, once, in a one-line context. Anything whose formatting could
 * depend on its place (a multi-line scalar, a key that needs the explicit `? ` form, a document that
 * is not a map) goes to the library whole. test/unit/scenario/fast-yaml.test.ts compares the two.
 */
const OPTIONS = { aliasDuplicateObjects: false, lineWidth: 0 } as const;

export function yamlText(doc: Json): string {
  return fastYamlText(doc) ?? stringify(doc, OPTIONS);
}

/** The fast path alone: null when the document needs the library (see yamlText). */
export function fastYamlText(doc: Json): string | null {
  if (!isMap(doc)) return null;
  if (Object.keys(doc).length === 0) return stringify(doc, OPTIONS);
  const out: string[] = [];
  return writeMap(doc, '', out) ? out.join('') : null;
}

function isMap(v: Json): v is { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A non-empty map or list: written as a block under its key or item marker. */
function isBlock(v: Json): v is Json[] | { [k: string]: Json } {
  return v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function writeMap(map: { [k: string]: Json }, indent: string, out: string[]): boolean {
  for (const k of Object.keys(map)) {
    const key = keyText(k);
    if (key === null) return false;
    const v = map[k] as Json;
    if (isBlock(v)) {
      out.push(`${indent}${key}:\n`);
      if (!writeBlock(v, `${indent}  `, out)) return false;
    } else {
      const text = valueText(v);
      if (text === null) return false;
      out.push(`${indent}${key}: ${text}\n`);
    }
  }
  return true;
}

function writeSeq(seq: Json[], indent: string, out: string[]): boolean {
  for (const v of seq) {
    if (isBlock(v)) {
      // The item's block one level deeper, its first line after the `- ` marker.
      const first = out.length;
      if (!writeBlock(v, `${indent}  `, out)) return false;
      out[first] = `${indent}- ${(out[first] as string).slice(indent.length + 2)}`;
    } else {
      const text = valueText(v);
      if (text === null) return false;
      out.push(`${indent}- ${text}\n`);
    }
  }
  return true;
}

function writeBlock(v: Json[] | { [k: string]: Json }, indent: string, out: string[]): boolean {
  return Array.isArray(v) ? writeSeq(v, indent, out) : writeMap(v, indent, out);
}

/** Memos by kind: strings and numbers by value (-0 apart: a Map takes it for 0), the rest (booleans, null, `[]`, `{}`) by JSON text. */
const strings = new Map<string, string | null>();
const numbers = new Map<number, string | null>();
const others = new Map<string, string | null>();
const keys = new Map<string, string | null>();

/** A scalar (or an empty collection) as a value, formatted by the library; null when it takes more than one line. */
function valueText(v: Json): string | null {
  if (typeof v === 'string') return strings.get(v) ?? remembered(strings, v, v);
  if (typeof v === 'number' && !Object.is(v, -0)) return numbers.get(v) ?? remembered(numbers, v, v);
  const id = typeof v === 'number' ? '-0' : JSON.stringify(v);
  return others.get(id) ?? remembered(others, id, v);
}

/** The library's text for `v` (as the only item of a list: the same block context as a map's value, with a fixed prefix), remembered under `id`. */
function remembered<K>(memo: Map<K, string | null>, id: K, v: Json): string | null {
  // A memo hit of null (more than one line) lands here too: cheap, since only odd scalars are null.
  if (memo.has(id)) return memo.get(id) as string | null;
  const whole = stringify([v], OPTIONS);
  const text = whole.startsWith('- ') && whole.indexOf('\n') === whole.length - 1 ? whole.slice(2, -1) : null;
  remember(memo, id, text);
  return text;
}

/** A key as the library writes it as an implicit key; null when it needs the explicit form or more than one line. */
function keyText(k: string): string | null {
  let text = keys.get(k);
  if (text === undefined) {
    const whole = stringify({ [k]: null }, OPTIONS);
    text = whole.endsWith(': null\n') && whole.indexOf('\n') === whole.length - 1 && !whole.startsWith('? ') ? whole.slice(0, -': null\n'.length) : null;
    remember(keys, k, text);
  }
  return text;
}

/** Memos stay small: the fuzzer's scalars repeat (preset values, junk, `p123` names). */
function remember<K>(memo: Map<K, string | null>, id: K, text: string | null): void {
  if (memo.size > 100_000) memo.clear();
  memo.set(id, text);
}
