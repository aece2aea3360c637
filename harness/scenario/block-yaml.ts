import { INPUT_LIMITS } from './input-limits.ts';

/**
 * The document of a YAML text in plain block layout, read in one pass over its lines, or null when
 * the text uses anything outside that layout: the `yaml` package then parses it as before (and
 * reports its errors). The layout is the one the package's own `stringify` writes and most scenario
 * generators produce: a map at the top, `key: value` lines, `- ` items (`- - x`, `- key: v`), any
 * consistent indentation, one-line plain, "double-quoted" (JSON escapes) and 'single-quoted' scalars,
 * `[]` and `{}`. Comments, flow collections, block and multi-line scalars, anchors, aliases, tags,
 * directives, several documents, tabs, carriage returns, control characters, keys that are not
 * strings, a key written twice and nesting past the document limit are all left to the package.
 *
 * Why: the package builds a node per value and costs about a second per 500 KB; a scenario of a few
 * thousand phases or requests (under every limit of INPUT_LIMITS) took that long to validate, this
 * reads it in milliseconds. What it returns is what `parseDocument(text).toJS()` returns for the same
 * text, which then has no errors: plain scalars are resolved by the package's YAML 1.2 core schema
 * rules (null, bool, int, float; the same tests in the same order), keys are set as its toJS sets
 * them (an inherited name such as `__proto__` becomes an own property). test/unit/scenario/block-yaml.test.ts
 * compares the two on the presets, on fuzz mutants and on the layouts and scalars that need care.
 */
export function readBlockYaml(text: string): Record<string, unknown> | null {
  if (UNSUPPORTED_CHARACTERS.test(text)) return null;
  const root: Record<string, unknown> = {};
  const stack: Frame[] = [];
  let pending: Pending | null = null;
  const end = text.length;
  for (let start = 0; start < end; ) {
    let eol = text.indexOf('\n', start);
    if (eol < 0) eol = end;
    let at = start;
    while (at < eol && text.charCodeAt(at) === SPACE) at++;
    let last = eol;
    while (last > at && text.charCodeAt(last - 1) === SPACE) last--;
    const col = at - start;
    start = eol + 1;
    // Blank lines separate nothing in block collections.
    if (at === last) continue;
    const line = text.slice(at, last);
    if (stack.length === 0) {
      // The top must be a map starting in column 0 (a list, a scalar or `{}` goes to the package).
      if (col !== 0) return null;
      stack.push({ col: 0, value: root });
    } else if (pending !== null) {
      // A key or item without an inline value: a deeper line opens its block, anything else makes it null.
      if (col > pending.frame.col) {
        if (stack.length >= INPUT_LIMITS.maxDocumentDepth) return null;
        const block: Container = isItem(line) ? [] : {};
        settle(pending, block);
        stack.push({ col, value: block });
      } else settle(pending, null);
      pending = null;
    }
    while ((stack.at(-1) as Frame).col > col) stack.pop();
    const frame = stack.at(-1) as Frame;
    if (frame.col !== col) return null;
    const next = Array.isArray(frame.value) ? (isItem(line) ? item(frame, line, stack) : NO) : keyLine(frame, line);
    if (next === NO) return null;
    pending = next;
  }
  if (stack.length === 0) return null;
  if (pending !== null) settle(pending, null);
  return root;
}

/** A block collection being filled: a map's keys, or a list's `-`, sit in column `col`. */
interface Frame {
  col: number;
  value: Container;
}

type Container = Record<string, unknown> | unknown[];

/** A key (or, with `key` null, a list item) whose value is on the lines below it. */
interface Pending {
  frame: Frame;
  key: string | null;
}

/** Not in the layout: the caller gives up and leaves the text to the package. */
const NO: unique symbol = Symbol('not block YAML');

const SPACE = 0x20;

/** Tabs, carriage returns, control characters, line separators, byte-order marks and non-characters: each has rules of its own. */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARACTERS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

function isItem(line: string): boolean {
  return line.charCodeAt(0) === 0x2d && (line.length === 1 || line.charCodeAt(1) === SPACE);
}

function settle(p: Pending, value: unknown): void {
  if (p.key === null) (p.frame.value as unknown[]).push(value);
  else setKey(p.frame.value as Record<string, unknown>, p.key, value);
}

/** As the package's toJS: a name the object already answers (`__proto__`, `constructor`) becomes an own property. */
function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key in map) Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

/** `- …` in a list at `frame.col`: a scalar, `[]`/`{}`, a nested list, the first key of a map, or nothing (the block below). */
function item(frame: Frame, line: string, stack: Frame[]): Pending | null | typeof NO {
  const list = frame.value as unknown[];
  if (line.length === 1) return { frame, key: null };
  let i = 2;
  while (line.charCodeAt(i) === SPACE) i++;
  const rest = line.slice(i);
  const nested = isItem(rest);
  if (nested || keyEnd(rest) !== null) {
    if (stack.length >= INPUT_LIMITS.maxDocumentDepth) return NO;
    const child: Frame = { col: frame.col + i, value: nested ? [] : {} };
    list.push(child.value);
    stack.push(child);
    return nested ? item(child, rest, stack) : keyLine(child, rest);
  }
  const value = scalar(rest);
  if (value === NO) return NO;
  list.push(value);
  return null;
}

/**
 * Where a `key:` line's key ends (the colon), and the key: a quoted key, or a plain one up to the first
 * `: ` (or a final `:`). Null when the line is no key line at all.
 */
function keyEnd(line: string): { key: string; colon: number } | typeof NO | null {
  const q = line.charCodeAt(0);
  if (q === 0x22 || q === 0x27) {
    const close = closingQuote(line);
    if (close < 0 || line.charCodeAt(close + 1) !== 0x3a) return null;
    if (close + 2 < line.length && line.charCodeAt(close + 2) !== SPACE) return null;
    const key = quoted(line.slice(0, close + 1));
    return key === NO ? NO : { key, colon: close + 1 };
  }
  let colon = line.indexOf(': ');
  if (colon < 0) {
    if (line.charCodeAt(line.length - 1) !== 0x3a) return null;
    colon = line.length - 1;
  }
  const raw = line.slice(0, colon);
  // Keys that are not plain strings (numbers, booleans, null, `<<`), or that could mean something else, go to the package.
  if (raw.length === 0 || raw.length > 1000 || raw === '<<' || INDICATORS.has(raw.charCodeAt(0)) || raw.charCodeAt(raw.length - 1) === SPACE || raw.includes(' #')) return NO;
  if (typeof plain(raw) !== 'string') return NO;
  return { key: raw, colon };
}

/** `key: value`, `key:` (the block below) in the map of `frame`. */
function keyLine(frame: Frame, line: string): Pending | null | typeof NO {
  const k = keyEnd(line);
  if (k === null || k === NO) return NO;
  const map = frame.value as Record<string, unknown>;
  // A key written twice is an error the package reports with its line.
  if (Object.hasOwn(map, k.key)) return NO;
  let i = k.colon + 1;
  while (line.charCodeAt(i) === SPACE) i++;
  if (i >= line.length) {
    setKey(map, k.key, null);
    return { frame, key: k.key };
  }
  const value = scalar(line.slice(i));
  if (value === NO) return NO;
  setKey(map, k.key, value);
  return null;
}

/** A one-line scalar, `[]` or `{}` (the whole rest of the line). */
function scalar(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c === 0x22 || c === 0x27) return closingQuote(text) === text.length - 1 ? quoted(text) : NO;
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (INDICATORS.has(c) && !(c === 0x2d && text.length > 1 && text.charCodeAt(1) !== SPACE)) return NO;
  if (text.includes(' #') || text.includes(': ') || text.charCodeAt(text.length - 1) === 0x3a) return NO;
  return plain(text);
}

/** Characters that cannot start a plain scalar (or start one only in some places): `-?:,[]{}#&*!|>'"%@` and backtick. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((ch) => ch.charCodeAt(0)));

/** Index of the quote closing the quoted scalar that starts `text`, or -1. */
function closingQuote(text: string): number {
  const q = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (q === 0x22 && c === 0x5c) i++;
    else if (c === q) {
      if (q === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
      else return i;
    }
  }
  return -1;
}

/**
 * A whole quoted scalar. Double-quoted text is read as a JSON string: JSON's escapes mean the same in
 * YAML, and YAML's others (`\0`, `\x41`, `\e`, …) make JSON.parse throw, which leaves them to the package.
 */
function quoted(text: string): string | typeof NO {
  if (text.charCodeAt(0) === 0x27) return text.slice(1, -1).replaceAll("''", "'");
  try {
    return JSON.parse(text) as string;
  } catch {
    return NO;
  }
}

/** The yaml package's core schema tests for plain scalars, in its order (yaml/dist/schema/core). */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** First characters of every plain scalar that is not a string: `~ n N t T f F + - .` and digits. */
const TYPED_START = new Set([...'~nNtTfF+-.0123456789'].map((ch) => ch.charCodeAt(0)));

/** A plain scalar's value, resolved as the package resolves it (intAsBigInt off). */
function plain(text: string): unknown {
  if (!TYPED_START.has(text.charCodeAt(0))) return text;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT_OCT.test(text)) return parseInt(text.substring(2), 8);
  if (INT.test(text)) return parseInt(text, 10);
  if (INT_HEX.test(text)) return parseInt(text.substring(2), 16);
  if (FLOAT_NAN.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
  return text;
}
