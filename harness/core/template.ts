import type { Rng } from './seeded-rng.ts';
import { randomInt } from './seeded-rng.ts';

/**
 * Request templates: `{{uuid}}`, `{{randInt a b}}`, `{{seq}}`, `{{captured NAME}}`, `{{env NAME}}`.
 * Compiled once into literal parts and closures, so sending a request never re-parses its source.
 * - `{{uuid}}` is a v4 UUID drawn from the seeded RNG: the same seed gives the same ids (pick a
 *   fresh seed per run against a persistent target, or repeated Idempotency-Keys return old ids).
 * - `{{seq}}` is a per-run counter starting at 1, shared by all VUs.
 * - `{{captured NAME}}` is a value captured from an earlier successful response by ANY VU: a random
 *   pick from the run-wide pool of recent values (open-model VUs have no identity worth keeping).
 *   When the pool is still empty the request is not sent; the mix picks another one.
 * - In JSON bodies a template always yields a JSON string, even `"{{randInt 1 200}}"` → `"17"`.
 */

export interface TemplateScope {
  rng: Rng;
  nextSeq(): number;
  /** A captured value, or undefined when none exists yet. */
  captured(name: string): string | undefined;
  env(name: string): string | undefined;
}

type Part = string | ((scope: TemplateScope) => string | undefined);

export interface CompiledTemplate {
  /** The whole text when there is nothing to fill in (render is then free). */
  readonly constant: string | null;
  /** Capture variables the template needs; it renders undefined while one of them has no value. */
  readonly captures: readonly string[];
  readonly envNames: readonly string[];
  render(scope: TemplateScope): string | undefined;
}

export interface TemplateProblem {
  /** Where inside a JSON body (empty for plain strings). */
  path: PropertyKey[];
  message: string;
  hint: string;
}

const TOKEN = /\{\{(.*?)\}\}/g;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/;
const FUNCTIONS_HINT = 'use {{uuid}}, {{randInt MIN MAX}}, {{seq}}, {{captured NAME}} or {{env NAME}}';

/** Compiles a string template; `encode` is applied to inserted values (e.g. encodeURIComponent in paths). */
export function compileTemplate(source: string, problems: TemplateProblem[], encode?: (value: string) => string): CompiledTemplate {
  const parts: Part[] = [];
  const captures: string[] = [];
  const envNames: string[] = [];
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    parts.push(source.slice(last, m.index));
    last = m.index + m[0].length;
    const fn = compileToken((m[1] ?? '').trim(), m[0], problems, captures, envNames);
    parts.push(encode ? (scope) => mapDefined(fn(scope), encode) : fn);
  }
  const tail = source.slice(last);
  if (tail.includes('{{')) problems.push({ path: [], message: `unclosed "{{" in "${source}"`, hint: 'close every template with "}}"' });
  parts.push(tail);
  return assemble(parts, captures, envNames);
}

/** Compiles a JSON body into a template of its JSON text (identical to JSON.stringify when it has no templates). */
export function compileJsonTemplate(value: unknown, problems: TemplateProblem[]): CompiledTemplate {
  // Most bodies hold no template at all (a 1,000-row file): the native serializer gives the same
  // text many times faster than the walk. It throws on nesting too deep for its own stack; the walk
  // below has no such limit.
  const text = nativeJson(value);
  if (text !== undefined && !text.includes('{{')) return assemble([text], [], []);
  const parts: Part[] = [];
  const captures: string[] = [];
  const envNames: string[] = [];
  writeJson(value, [], { parts, captures, envNames, problems });
  return assemble(parts, captures, envNames);
}

function nativeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

interface JsonWriter {
  parts: Part[];
  captures: string[];
  envNames: string[];
  problems: TemplateProblem[];
}

/**
 * Appends the JSON text of `value` to the writer's parts. Iterative, with an explicit stack of what
 * is left to write: a body nested thousands of levels deep would overflow the call stack of a
 * recursive walk (the loader also refuses bodies past a depth limit; this does not rely on it).
 */
function writeJson(value: unknown, path: PropertyKey[], w: JsonWriter): void {
  // Either a value to write at a path, or literal text (separators and closing brackets). Paths are
  // linked to their parent and spelled out only for a problem: copying them per value would cost
  // depth² on a deep body.
  type Task = { value: unknown; at: PathLink } | string;
  const todo: Task[] = [{ value, at: { parent: null, key: null, prefix: path } }];
  while (todo.length > 0) {
    const task = todo.pop() as Task;
    if (typeof task === 'string') {
      w.parts.push(task);
      continue;
    }
    const { value: v, at } = task;
    if (typeof v === 'string' && v.includes('{{')) {
      const local: TemplateProblem[] = [];
      const t = compileTemplate(v, local);
      for (const p of local) w.problems.push({ ...p, path: spell(at).concat(p.path) });
      for (const c of t.captures) w.captures.push(c);
      for (const e of t.envNames) w.envNames.push(e);
      w.parts.push((scope) => mapDefined(t.render(scope), (s) => JSON.stringify(s)));
    } else if (Array.isArray(v)) {
      w.parts.push('[');
      // Pushed in reverse: the stack pops the first item first.
      todo.push(']');
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        todo.push({ value: item === undefined ? null : item, at: { parent: at, key: i, prefix: null } });
        if (i > 0) todo.push(',');
      }
    } else if (v !== null && typeof v === 'object') {
      w.parts.push('{');
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      todo.push('}');
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i] as [string, unknown];
        todo.push({ value: x, at: { parent: at, key: k, prefix: null } });
        todo.push(`${i === 0 ? '' : ','}${JSON.stringify(k)}:`);
      }
    } else {
      w.parts.push(JSON.stringify(v) ?? 'null');
    }
  }
}

/** A path as a chain to the root; the root holds the path the walk started at. */
interface PathLink {
  parent: PathLink | null;
  key: PropertyKey | null;
  prefix: PropertyKey[] | null;
}

function spell(link: PathLink): PropertyKey[] {
  const keys: PropertyKey[] = [];
  let root: PathLink = link;
  for (let l: PathLink | null = link; l !== null; l = l.parent) {
    if (l.key !== null) keys.push(l.key);
    root = l;
  }
  return (root.prefix ?? []).concat(keys.reverse());
}

type Filler = (scope: TemplateScope) => string | undefined;

function compileToken(text: string, raw: string, problems: TemplateProblem[], captures: string[], envNames: string[]): Filler {
  const [fn = '', ...args] = text.split(/\s+/);
  const bad = (message: string, hint = FUNCTIONS_HINT): Filler => {
    problems.push({ path: [], message, hint });
    return () => '';
  };
  const arity = (n: number): boolean => args.length === n || (bad(`${raw} takes ${n} argument${n === 1 ? '' : 's'}`), false);
  switch (fn) {
    case 'uuid':
      return arity(0) ? (scope) => uuidFrom(scope.rng) : () => '';
    case 'seq':
      return arity(0) ? (scope) => String(scope.nextSeq()) : () => '';
    case 'randInt': {
      if (!arity(2)) return () => '';
      const [min, max] = args.map(Number) as [number, number];
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
        return bad(`${raw} needs two integers MIN ≤ MAX`, 'write e.g. {{randInt 1 200}}');
      }
      return (scope) => String(randomInt(scope.rng, min, max));
    }
    case 'captured':
    case 'env': {
      if (!arity(1)) return () => '';
      const name = args[0] ?? '';
      if (!NAME.test(name)) return bad(`${raw}: "${name}" is not a name`, 'names use letters, digits, _ . -');
      if (fn === 'env') {
        envNames.push(name);
        return (scope) => scope.env(name) ?? '';
      }
      captures.push(name);
      return (scope) => scope.captured(name);
    }
    default:
      return bad(`unknown template ${raw}`);
  }
}

function assemble(raw: Part[], captures: string[], envNames: string[]): CompiledTemplate {
  const parts: Part[] = [];
  for (const p of raw) {
    const prev = parts.at(-1);
    if (typeof p === 'string' && typeof prev === 'string') parts[parts.length - 1] = prev + p;
    else if (p !== '') parts.push(p);
  }
  const only = parts.length === 0 ? '' : parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : null;
  const render = only !== null ? () => only : (scope: TemplateScope) => renderParts(parts, scope);
  return { constant: only, captures: [...new Set(captures)], envNames: [...new Set(envNames)], render };
}

function renderParts(parts: readonly Part[], scope: TemplateScope): string | undefined {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const v = p(scope);
      if (v === undefined) return undefined;
      out += v;
    }
  }
  return out;
}

function mapDefined(v: string | undefined, f: (s: string) => string): string | undefined {
  return v === undefined ? undefined : f(v);
}

/** Four hex digits per 16-bit value: a UUID is eight lookups (it goes out with many requests); built at the first one. */
let HEX4: readonly string[] = [];

/** A RFC 4122 version-4 UUID from the seeded RNG. */
export function uuidFrom(rng: Rng): string {
  if (HEX4.length === 0) HEX4 = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));
  const n0 = Math.floor(rng() * 4294967296);
  const n1 = Math.floor(rng() * 4294967296);
  const n2 = Math.floor(rng() * 4294967296);
  const n3 = Math.floor(rng() * 4294967296);
  const version = (n1 & 0x0fff) | 0x4000;
  const variant = ((n2 >>> 16) & 0x3fff) | 0x8000;
  return `${HEX4[n0 >>> 16]}${HEX4[n0 & 0xffff]}-${HEX4[n1 >>> 16]}-${HEX4[version]}-${HEX4[variant]}-${HEX4[n2 & 0xffff]}${HEX4[n3 >>> 16]}${HEX4[n3 & 0xffff]}`;
}
