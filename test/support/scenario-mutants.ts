import { createRng, randomInt } from '../../harness/core/seeded-rng.ts';
import type { Rng } from '../../harness/core/seeded-rng.ts';
import { yamlText } from './fast-yaml.ts';

/**
 * Seeded mutants of a scenario document, as the bytes of a JSON or YAML file: what a fuzzer, a
 * careless edit, a generator gone wrong or a hostile file could hand to `stresslab validate`.
 * Structural mutations change the parsed document (delete, duplicate, retype, random values at
 * random paths, deep nesting, huge repeats, giant arrays, special body files); byte mutations then
 * damage the text (BOM, invalid UTF-8, duplicate keys, truncation, stray characters).
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Mutant {
  /** Which mutations made it, for the report of a failing case. */
  label: string;
  format: 'json' | 'yaml';
  bytes: Buffer;
  /** True when only the document changed (the text is well-formed): a refusal then names a JSON path. */
  structural: boolean;
}

/** Body files the mutants may point `bodyFile` at; the caller creates them beside the mutants (see writeSpecialBodies). */
export const SPECIAL_BODY_FILES = ['fifo.json', '/dev/zero', 'data', 'big.json', 'deep.json', 'dup.json', 'bad-utf8.json', 'bom.json', 'missing.json'] as const;

const DEEP = '@@DEEP@@';

const JUNK: readonly Json[] = [
  null, true, false, 0, -1, -0.5, 1e308, -1e308, 2 ** 53 + 1, 1e-300, 0.1, 7, 1000000, -2147483648,
  '', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '-0', 'null', 'true', '0s', '-1s', '1ms', '999999h', '1e9s', '1.5.5s', 'abc',
  '{{uuid}}', '{{captured nope}}', '{{', '}}', '{{randInt 5 1}}', '{{env}}', 'rate<0.1', 'p(101)<1', 'p(95)<', 'http_req_failed{request:x}',
  'constant-vus', 'net-latency', 'process-kill', '__proto__', 'constructor', 'toString', '/', 'x'.repeat(300), '\u0000', 'é✓😀',
  [], {}, [1, 2, 3], { a: 1 }, [[[]]], { every: '1s' },
];
const KEYS = ['extra', 'rate', 'name', 'every', 'times', 'duration', 'at', 'kind', '__proto__', 'constructor', 'toString', 'body', 'bodyFile', 'profiles', 'override', 'scale'];

type Path = (string | number)[];

/** Mutation kinds of mutateOnce, each repeated by its weight. */
const KIND_WEIGHTS = [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9];

/**
 * A path to a value inside a document other than the root, picked at random (null when there is none):
 * the same pick as `pick(rng, paths(doc).filter((p) => p.length > 0))`, where `paths` lists every path
 * in the order a stack walk meets them (a value, then its children from the last one back), without
 * building that list: after a giant mutation it held tens of thousands of paths, per mutation.
 */
function pickPath(doc: Json, rng: Rng): Path | null {
  const count = size(doc) - 1;
  if (count === 0) return null;
  // The index-th value of the walk past the root, found by skipping whole subtrees.
  let index = Math.floor(rng() * count) + 1;
  const path: Path = [];
  let v = doc as Json[] | { [k: string]: Json };
  while (index > 0) {
    index--;
    const keys = Array.isArray(v) ? null : Object.keys(v);
    for (let j = (keys ?? (v as Json[])).length - 1; j >= 0; j--) {
      const key = keys === null ? j : (keys[j] as string);
      const child = (v as Record<string | number, Json>)[key] as Json;
      const n = isContainer(child) ? size(child) : 1;
      if (index < n) {
        path.push(key);
        v = child as Json[] | { [k: string]: Json };
        break;
      }
      index -= n;
    }
  }
  return path;
}

function isContainer(v: Json): v is Json[] | { [k: string]: Json } {
  return v !== null && typeof v === 'object';
}

/** Values in a document, itself included (iterative; documents here are shallow, but giant). */
function size(doc: Json): number {
  let n = 1;
  const todo: Json[] = [doc];
  while (todo.length > 0) {
    const v = todo.pop() as Json;
    if (!isContainer(v)) continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    n += children.length;
    for (const x of children) if (isContainer(x)) todo.push(x);
  }
  return n;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

/** An own property, as JSON.parse makes it: `o.__proto__ = x` would change the prototype instead. */
function setKey(o: { [k: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function parentOf(doc: Json, path: Path): { parent: Json[] | { [k: string]: Json }; last: string | number } | null {
  if (path.length === 0) return null;
  let cur: Json = doc;
  for (const seg of path.slice(0, -1)) cur = (cur as Record<string | number, Json>)[seg] as Json;
  if (cur === null || typeof cur !== 'object') return null;
  return { parent: cur, last: path.at(-1) as string | number };
}

function setAt(doc: Json, path: Path, value: Json): Json {
  const at = parentOf(doc, path);
  if (at === null) return value;
  (at.parent as Record<string | number, Json>)[at.last] = value;
  return doc;
}

function retype(v: Json, rng: Rng): Json {
  if (typeof v === 'number') return pick(rng, [String(v), [v], { value: v }, v > 0 ? -v : 1e12, Math.round(v) + 0.5]);
  if (typeof v === 'string') return pick(rng, [Number(v.replace(/\D/g, '') || 1), [v], { v }, v.length > 0 ? v.slice(0, -1) : 'x', `${v}${v}`, true]);
  if (typeof v === 'boolean') return pick(rng, [String(v), Number(v)]);
  if (Array.isArray(v)) return pick(rng, [{ ...v } as unknown as Json, v.length, v[0] ?? null, []]);
  if (v !== null) return pick(rng, [Object.values(v), JSON.stringify(v).slice(0, 20), null]);
  return pick(rng, [0, '', {}]);
}

/**
 * One structural mutation, in place; returns its label. `big` allows a giant array (one per mutant:
 * two compounding would only test the fuzzer's own memory); `format` keeps the longest arrays to
 * JSON, whose parser is native (YAML's takes seconds per 100,000 lines).
 */
function mutateDoc(doc: Json, rng: Rng, big: boolean, format: 'json' | 'yaml'): { doc: Json; label: string; big: boolean } {
  const r = mutateOnce(doc, rng, big, format);
  return { ...r, big: r.label.startsWith('giant') };
}

function mutateOnce(doc: Json, rng: Rng, big: boolean, format: 'json' | 'yaml'): { doc: Json; label: string } {
  // Not the root: replacing the whole document only ever gives "expected object".
  const path = pickPath(doc, rng) ?? [];
  const at = parentOf(doc, path);
  const current = at === null ? doc : (at.parent as Record<string | number, Json>)[at.last] ?? null;
  // Weighted: the expensive kinds (deep, huge, giant) are rarer, so 1,000 mutants stay within a minute or two.
  const kind = pick(rng, KIND_WEIGHTS);
  switch (kind) {
    case 0: {
      if (at === null) return { doc, label: 'noop' };
      if (Array.isArray(at.parent)) at.parent.splice(at.last as number, 1);
      else delete at.parent[at.last as string];
      return { doc, label: `delete ${path.join('.')}` };
    }
    case 1: {
      // Duplicate: an array item twice (same name twice), or the value under another key.
      if (at !== null && Array.isArray(at.parent)) at.parent.splice(at.last as number, 0, structuredClone(current));
      else if (at !== null) setKey(at.parent as { [k: string]: Json }, pick(rng, KEYS), structuredClone(current));
      return { doc, label: `duplicate ${path.join('.')}` };
    }
    case 2:
      return { doc: setAt(doc, path, retype(current, rng)), label: `retype ${path.join('.')}` };
    case 3:
    case 4:
      return { doc: setAt(doc, path, structuredClone(pick(rng, JUNK))), label: `junk ${path.join('.')}` };
    case 5: {
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) setKey(current, pick(rng, KEYS), structuredClone(pick(rng, JUNK)));
      return { doc, label: `add-key ${path.join('.')}` };
    }
    case 6:
      return { doc: setAt(doc, path, `${DEEP}${pick(rng, [40, 63, 64, 66, 99, 101, 900, 5000])}`), label: `deep ${path.join('.')}` };
    case 7:
      return hugeRepeat(doc, rng);
    case 8:
      return big ? giantArray(doc, rng, format) : { doc: setAt(doc, path, structuredClone(pick(rng, JUNK))), label: `junk ${path.join('.')}` };
    default:
      return specialBody(doc, rng);
  }
}

/** Fault repeats and load lengths that would expand into very many injections or very long runs. */
function hugeRepeat(doc: Json, rng: Rng): { doc: Json; label: string } {
  const d = doc as { [k: string]: Json };
  const faults = Array.isArray(d.faults) ? d.faults : [];
  const load = Array.isArray(d.load) ? d.load : [];
  const fault = pick(rng, faults.length > 0 ? faults : [null]);
  const phase = pick(rng, load.length > 0 ? load : [null]);
  const longLoad = pick(rng, ['100h', '1000h', '9999h', '24h', '100000000h']);
  if (phase !== null && typeof phase === 'object' && !Array.isArray(phase)) {
    if ('duration' in phase) phase.duration = longLoad;
    if (Array.isArray(phase.stages) && phase.stages[0] && typeof phase.stages[0] === 'object') (phase.stages[0] as { [k: string]: Json }).duration = longLoad;
    if ('iterations' in phase) phase.iterations = pick(rng, [1e9, 2 ** 31, 1e15]);
  }
  if (fault !== null && typeof fault === 'object' && !Array.isArray(fault)) {
    fault.duration = pick(rng, ['1ms', '1s', '500ms']);
    fault.every = pick(rng, ['2ms', '2s', '1s', '10s']);
    if (rng() < 0.5) fault.times = pick(rng, [1e6, 1000, 1e12, 999]);
    else delete fault.times;
  }
  return { doc, label: `huge-repeat ${longLoad}` };
}

/** Arrays with tens of thousands of entries at places that take arrays. */
function giantArray(doc: Json, rng: Rng, format: 'json' | 'yaml'): { doc: Json; label: string } {
  const d = doc as { [k: string]: Json };
  // Copies of phases, requests and faults: enough to be slow if anything is quadratic.
  const n = pick(rng, [500, 3000]);
  const where = randomInt(rng, 0, 3);
  if (where === 0 && Array.isArray(d.load) && d.load[0]) {
    const phase = d.load[0];
    d.load = Array.from({ length: n }, (_, i) => ({ ...(phase as { [k: string]: Json }), name: `p${i}` }));
    return { doc, label: `giant load ${n}` };
  }
  if (where === 1 && Array.isArray(d.requests) && d.requests[0]) {
    const r = d.requests[0] as { [k: string]: Json };
    d.requests = d.requests.concat(Array.from({ length: n }, (_, i) => ({ ...r, name: `r${i}` })));
    return { doc, label: `giant requests ${n}` };
  }
  if (where === 2 && Array.isArray(d.faults) && d.faults[0]) {
    const f = d.faults[0] as { [k: string]: Json };
    d.faults = Array.from({ length: n }, (_, i) => ({ ...f, name: `f${i}` }));
    return { doc, label: `giant faults ${n}` };
  }
  // Plain numbers: past ~120,000 a spread into a call's arguments (Math.max(...xs)) overflows the stack.
  const count = format === 'json' ? pick(rng, [10_000, 150_000]) : 10_000;
  const path = pickPath(doc, rng) as Path;
  // A loop: Array.from({ length }, f) reads every missing index of the object and calls f, several times slower.
  const numbers: number[] = [];
  for (let i = 0; i < count; i++) numbers.push(i);
  return { doc: setAt(doc, path, numbers), label: `giant array ${path.join('.')} ${count}` };
}

function specialBody(doc: Json, rng: Rng): { doc: Json; label: string } {
  const d = doc as { [k: string]: Json };
  const requests = Array.isArray(d.requests) ? d.requests : [];
  const r = pick(rng, requests.length > 0 ? requests : [null]);
  const file = pick(rng, SPECIAL_BODY_FILES);
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    delete r.body;
    r.bodyFile = file;
  }
  return { doc, label: `bodyFile ${file}` };
}

function serialize(doc: Json, format: 'json' | 'yaml', toYaml: (doc: Json) => string): string {
  const text = format === 'json' ? JSON.stringify(doc, null, 2) : toYaml(doc);
  // Deep values are spliced in as text: building them as objects would overflow the serializers.
  if (!text.includes(DEEP)) return text;
  return text.replace(/["']?@@DEEP@@(\d+)["']?/g, (_, n: string) => `${'['.repeat(Number(n))}1${']'.repeat(Number(n))}`);
}

/** Byte-level damage to a serialized file; returns the new bytes and a label. */
function damage(text: string, format: 'json' | 'yaml', rng: Rng): { bytes: Buffer; label: string } {
  const bytes = Buffer.from(text, 'utf8');
  const at = randomInt(rng, 0, bytes.length);
  switch (randomInt(rng, 0, 5)) {
    case 0:
      return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), label: 'bom' };
    case 1: {
      const bad = pick(rng, [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xf5, 0x80, 0x80, 0x80], [0x80]]);
      return { bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]), label: `invalid-utf8@${at}` };
    }
    case 2: {
      // A key written twice in one object: JSON after an opening brace, YAML as a repeated line.
      if (format === 'json') {
        const braces = [...text.matchAll(/\{\n(\s*)("[^"]+": [^\n]*?),?\n/g)];
        const m = braces.length > 0 ? pick(rng, braces) : null;
        if (m === null) return { bytes, label: 'dup-none' };
        const line = `${m[1]}${m[2]},\n`;
        const i = (m.index ?? 0) + 2;
        return { bytes: Buffer.from(text.slice(0, i) + line + text.slice(i)), label: 'duplicate-key' };
      }
      const lines = text.split('\n');
      const keyed = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w$-]+: \S/.test(l));
      if (keyed.length === 0) return { bytes, label: 'dup-none' };
      const [line, i] = pick(rng, keyed);
      lines.splice(i, 0, line);
      return { bytes: Buffer.from(lines.join('\n')), label: 'duplicate-key' };
    }
    case 3:
      return { bytes: bytes.subarray(0, at), label: `truncated@${at}` };
    case 4: {
      const insert = pick(rng, [',', '}', ']', '"', ':', '\t', '\n', '- ', '#', '&a ', '*a ', '{{', '\\', '\u00a0']);
      return { bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), bytes.subarray(at + randomInt(rng, 0, 3))]), label: `edit@${at}` };
    }
    default:
      return { bytes: Buffer.concat([bytes, Buffer.from(pick(rng, ['\n', '\n{}', '\n---\nname: x\n', 'x']))]), label: 'trailer' };
  }
}

export interface MutantOptions {
  giantArrays?: boolean;
  /**
   * Writes a document as YAML: by default yamlText, the yaml package's stringify byte for byte
   * without its cost on giant mutants (the unit test passes the package's own to compare).
   */
  yaml?: (doc: Json) => string;
}

/**
 * `count` mutants of `doc`, reproducible from `seed`; formats alternate (JSON, YAML, …). About a
 * third also get byte damage; the rest are well-formed files of a mutated document.
 */
export function* scenarioMutants(doc: Json, count: number, seed: number, options: MutantOptions = {}): Generator<Mutant> {
  const rng = createRng(seed);
  for (let k = 0; k < count; k++) {
    const format = k % 2 === 0 ? 'json' : 'yaml';
    let mutated = structuredClone(doc);
    const labels: string[] = [];
    // Giant arrays cost most of the time (seconds for 1,000 copies of a request): the quick test leaves them out.
    let big = options.giantArrays ?? true;
    for (let m = randomInt(rng, 1, 3); m > 0; m--) {
      const r = mutateDoc(mutated, rng, big, format);
      mutated = r.doc;
      big &&= !r.big;
      labels.push(r.label);
    }
    const text = serialize(mutated, format, options.yaml ?? yamlText);
    if (rng() < 0.35) {
      const d = damage(text, format, rng);
      yield { label: [...labels, d.label].join(', '), format, bytes: d.bytes, structural: false };
    } else yield { label: labels.join(', '), format, bytes: Buffer.from(text, 'utf8'), structural: true };
  }
}
